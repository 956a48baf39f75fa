import { Dec } from '../../state/index.js'

/**
 * The chain's privacy accountant, in Dec fixed point (18 digits) so every validator computes the
 * same bits — the integer counterpart of src/fl/train/privacy.ts' dpEpsilon:
 *
 *   one round of the Gaussian mechanism with noise multiplier z = σ/C is ρ = 1/(2z²)-zCDP
 *   (Bun & Steinke 2016, Prop. 1.6); rounds compose by adding ρ (Lemma 1.7); ρ-zCDP implies
 *   (ε, δ)-DP with ε = ρ + 2·√(ρ·ln(1/δ)) (Prop. 1.3).
 *
 * Every rounding goes the conservative way: ρ and ε are rounded up, so the ledger never reports
 * less privacy spent than the real-number formula; ln(1/δ) is computed to 36 digits and rounded
 * up to 18.
 */

const SCALE = 10n ** 18n
const INNER = 10n ** 36n
/** ln 2 to 36 digits (0.693147180559945309417232121458176568075…), rounded up. */
const LN2_INNER = 693147180559945309417232121458176569n

/** ρ of one round: 1/(2z²), rounded up; z > 0. */
export function roundRho(noiseMultiplier: Dec): Dec {
  // z² truncated (smaller), then the quotient rounded up: both err towards a larger ρ
  return Dec.ONE.quoCeil(noiseMultiplier.mul(noiseMultiplier).mulInt(2n))
}

/** ln(x) for x ≥ 1 given as a bigint at scale 10^36, rounded up to a Dec. */
function lnInnerCeil(x: bigint): Dec {
  if (x < INNER) throw new RangeError('ln of a value below 1')
  // x = 2^k · m with m in [1, 2): ln x = k·ln 2 + 2·atanh((m − 1)/(m + 1)), |y| ≤ 1/3
  let k = 0n
  let m = x
  while (m >= 2n * INNER) {
    m /= 2n
    k += 1n
  }
  const y = ((m - INNER) * INNER) / (m + INNER)
  const y2 = (y * y) / INNER
  let term = y
  let sum = 0n
  for (let n = 1n; term > 0n; n += 2n) {
    sum += term / n
    term = (term * y2) / INNER
  }
  // the floors above lose less than 100 units of 10^-36 (the series ~40 terms, the halvings k);
  // adding 10^3 units bounds the true value from above before rounding up to 18 digits
  const upper = k * LN2_INNER + 2n * sum + 1000n
  return Dec.fromRaw(ceilDiv(upper, 10n ** 18n))
}

/** ln(1/δ) for 0 < δ < 1, rounded up. */
export function lnInverse(delta: Dec): Dec {
  if (delta.raw <= 0n || delta.raw >= SCALE) throw new RangeError('δ must lie in (0, 1)')
  // 1/δ at scale 10^36, rounded up (a larger argument, a larger logarithm)
  return lnInnerCeil(ceilDiv(INNER * SCALE, delta.raw))
}

/** ⌈√x⌉ of a non-negative Dec, to 18 digits. */
export function sqrtCeil(x: Dec): Dec {
  if (x.raw < 0n) throw new RangeError('square root of a negative number')
  const n = x.raw * SCALE
  const r = isqrt(n)
  return Dec.fromRaw(r * r === n ? r : r + 1n)
}

/** The ε of ρ-zCDP at δ: ρ + 2·√(ρ·ln(1/δ)), rounded up. */
export function epsilonOf(rho: Dec, delta: Dec): Dec {
  if (rho.isZero()) return Dec.ZERO
  return rho.add(sqrtCeil(rho.mulCeil(lnInverse(delta))).mulInt(2n))
}

function isqrt(x: bigint): bigint {
  if (x < 2n) return x
  let r = 1n << BigInt(Math.ceil(x.toString(2).length / 2))
  for (;;) {
    const next = (r + x / r) >> 1n
    if (next >= r) return r
    r = next
  }
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b
