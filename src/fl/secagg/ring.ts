import { SecAggError } from './errors.js'

/**
 * The ring the masks live in: Z_M with M = 2^32 − 1. Its residues, written as signed integers
 * in (−M/2, M/2), are exactly the symmetric int32 range ±(2^31 − 1) that the canonical update
 * blob (src/fl/update/blob.ts, which excludes −2^31) and the chain's range check accept, so a
 * masked update is an ordinary int32 update blob and travels through the unchanged
 * MsgSubmitUpdate path. A one-time pad is as hiding in Z_(2^32−1) as in Z_(2^32): a uniform mask
 * makes the sum uniform in any finite group. Every operation below stays under 2^53 in float64.
 */
export const MODULUS = 4294967295

/** Largest |signed residue|: 2^31 − 1. */
export const MAX_SIGNED_RESIDUE = 2147483647

/**
 * Largest |value| of a plain (quantized) update that a trainer may mask: the int16 range, the
 * FedAvg family's own bound.
 */
export const PLAIN_MAX_ABS = 32767

/**
 * Largest weight (capped sample count) and most updates: 512 × 128 × 32767 < 2^31 − 1, so the
 * exact weighted sum of any admissible round lies in the signed residues and unmasks to itself.
 */
export const SECAGG_MAX_WEIGHT = 512
export const SECAGG_MAX_UPDATES = 128

/** x mod M in [0, M), for any integer |x| < 2^53. */
export function residue(x: number): number {
  // floor division instead of %, which V8 runs as a call to fmod; the quotient of an |x| < 2^53
  // by M can land one off near a multiple, which the two corrections remove
  let r = x - Math.floor(x / MODULUS) * MODULUS
  if (r < 0) r += MODULUS
  else if (r >= MODULUS) r -= MODULUS
  return r
}

/** The signed representative in ±(2^31 − 1) of a residue in [0, M). */
export function signedResidue(r: number): number {
  return r > MAX_SIGNED_RESIDUE ? r - MODULUS : r
}

export function checkPlainValues(values: Int32Array, update?: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (v > PLAIN_MAX_ABS || v < -PLAIN_MAX_ABS) {
      throw new SecAggError('SECAGG_VALUE_RANGE', `plain update value ${v} at ${i} is outside ±${PLAIN_MAX_ABS}`, {
        index: i,
        value: v,
        maxAbs: PLAIN_MAX_ABS,
        ...(update === undefined ? {} : { update }),
      })
    }
  }
}

export function checkWeight(weight: number, update: number): void {
  if (!Number.isInteger(weight) || weight < 1 || weight > SECAGG_MAX_WEIGHT) {
    throw new SecAggError('SECAGG_WEIGHT', `weight ${weight} of update ${update} must be an integer in 1..${SECAGG_MAX_WEIGHT}`, {
      update,
      weight,
      maxWeight: SECAGG_MAX_WEIGHT,
    })
  }
}
