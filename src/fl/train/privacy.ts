import { FlError } from '../errors.js'
import type { SeededRandom } from '../random.js'
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

/** Clips `delta` in place and adds Gaussian noise; returns it. */
export function privatizeUpdate(delta: Float32Array, config: DpConfig, random: SeededRandom): Float32Array {
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
