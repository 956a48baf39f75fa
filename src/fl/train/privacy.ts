import { FlError } from '../errors.js'
import { clipL2 } from '../update/quantize.js'

/**
 * Optional differential privacy at the trainer (DP-FedAvg style, McMahan et al. 2018, applied
 * per trainer): clip the round's update to L2 norm C, then add N(0, (z·C)²) to every coordinate.
 * Each release is a Gaussian mechanism with L2 sensitivity C with respect to the trainer's whole
 * local dataset (swapping it changes the clipped update by at most C in the add/remove sense).
 */
export interface DpConfig {
  readonly clipNorm: number
  /** σ / C. */
  readonly noiseMultiplier: number
}

/**
 * Where the noise comes from: standard normal draws. A `SeededRandom` is one (simulations and
 * tests, reproducible); a trainer releasing real updates uses `CryptoNormal`, since noise that
 * anyone can regenerate from a seed protects nothing.
 */
export interface NormalSource {
  normal(): number
}

/**
 * Standard normal draws from the platform CSPRNG (`crypto.getRandomValues`, in Node and browsers):
 * Box–Muller over 53-bit uniforms, both values used. Unpredictable to anyone else, and not
 * reproducible. Floating-point Gaussian sampling is not the hardened discrete Gaussian of
 * Canonne, Kamath and Steinke (2020); docs/privacy.md says what that leaves open.
 */
export class CryptoNormal implements NormalSource {
  readonly #words = new Uint32Array(1024)
  #next = this.#words.length
  #spare: number | undefined

  normal(): number {
    if (this.#spare !== undefined) {
      const v = this.#spare
      this.#spare = undefined
      return v
    }
    let u = 0
    while (u === 0) u = this.#uniform()
    const v = this.#uniform()
    const r = Math.sqrt(-2 * Math.log(u))
    this.#spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }

  /** Uniform in [0, 1) with 53 random bits. */
  #uniform(): number {
    return ((this.#word() >>> 5) * 67108864 + (this.#word() >>> 6)) / 9007199254740992
  }

  #word(): number {
    if (this.#next === this.#words.length) {
      globalThis.crypto.getRandomValues(this.#words)
      this.#next = 0
    }
    return this.#words[this.#next++]!
  }
}

/** Clips `delta` in place and adds Gaussian noise; returns it. */
export function privatizeUpdate(delta: Float32Array, config: DpConfig, random: NormalSource): Float32Array {
  if (!(config.clipNorm > 0) || !(config.noiseMultiplier > 0))
    throw new FlError('FL_INVALID_TRAINING_CONFIG', 'DP needs clipNorm > 0 and noiseMultiplier > 0', {
      field: 'dp',
      value: JSON.stringify(config),
    })
  clipL2(delta, config.clipNorm)
  const sigma = config.noiseMultiplier * config.clipNorm
  for (let i = 0; i < delta.length; i++) delta[i] = delta[i]! + sigma * random.normal()
  return delta
}

/**
 * The (ε, δ) a trainer has spent after `rounds` noisy releases, by zero-concentrated DP (Bun &
 * Steinke 2016): one Gaussian release with noise multiplier z is ρ = 1/(2z²)-zCDP; releases
 * compose additively; ρ-zCDP implies (ρ + 2·sqrt(ρ·ln(1/δ)), δ)-DP. No amplification by
 * subsampling is claimed (every round sees the whole local dataset), so this is a safe upper bound.
 */
export function dpEpsilon(noiseMultiplier: number, rounds: number, delta: number): number {
  if (!(noiseMultiplier > 0) || !(rounds >= 0) || !(delta > 0 && delta < 1))
    throw new FlError('FL_INVALID_TRAINING_CONFIG', 'accountant needs z > 0, rounds ≥ 0, 0 < δ < 1', {
      field: 'dp',
      value: `${noiseMultiplier},${rounds},${delta}`,
    })
  const rho = rounds / (2 * noiseMultiplier * noiseMultiplier)
  return rho + 2 * Math.sqrt(rho * Math.log(1 / delta))
}
