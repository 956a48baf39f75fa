/**
 * Exact integer helpers for consensus-critical arithmetic. Inputs are JS numbers holding
 * integers with |x| ≤ 2^52 (the declared rule ranges guarantee it), so every operation below
 * is exact; the correction steps remove the one-off error a float quotient can carry.
 */

/** floor(a / b) for integers a and b > 0, exact for |a| ≤ 2^52, b ≤ 2^52. */
export function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b)
  // a/b is rounded before floor: near an integer it can land one off either way
  const r = a - q * b
  if (r < 0) q -= 1
  else if (r >= b) q += 1
  return q
}

/**
 * The one rounding rule of every aggregate: a / b rounded to the nearest integer, halves
 * towards +∞, i.e. floor((2a + b) / (2b)). Defined on integers, so the chain, the aggregator
 * and every backend agree on it bit for bit.
 */
export function roundDiv(a: number, b: number): number {
  return floorDiv(2 * a + b, 2 * b)
}

/** The same rounding on bigints (used where sums may exceed 2^52). */
export function roundDivBig(a: bigint, b: bigint): bigint {
  const n = 2n * a + b
  const d = 2n * b
  const q = n / d
  return n % d !== 0n && n < 0n ? q - 1n : q
}
