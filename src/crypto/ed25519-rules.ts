import { toHex } from '../bytes.js'
/**
 * Fedra's one ed25519 verification rule set ("cofactorless strict"), used by every validator,
 * light client and browser. A signature (R, S) by public key A on message M is valid iff
 *
 *   1. A is 32 bytes and S‖R is 64 bytes;
 *   2. S < L (the group order): no malleable S + L;
 *   3. A is a canonical encoding (y < p, no sign bit on x = 0) of a curve point that is not of
 *      small order (none of the 8 torsion points): no key signs "for everyone";
 *   4. encode([S]B − [k]A) equals the 32 bytes of R exactly, with k = SHA-512(R‖A‖M) mod L.
 *
 * Rule 4 is RFC 8032 §5.1.7's cofactorless equation, checked by comparing encodings, so a
 * non-canonical R can never verify. It is what OpenSSL computes, which lets node:crypto serve
 * as the fast path once rules 2–3 are checked first; `verifyReference` (pure JS, @noble/curves
 * point arithmetic) spells the rules out, and tests prove both agree on edge-case vectors
 * (mixed-order keys, small-order R, non-canonical encodings, S ≥ L).
 */
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'

export const PUBLIC_KEY_LENGTH = 32
export const SIGNATURE_LENGTH = 64

/** Group order L, little-endian as in signatures. */
export const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n
const FIELD_PRIME = 2n ** 255n - 19n

export function littleEndianToBigInt(bytes: Uint8Array): bigint {
  let value = 0n
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!)
  return value
}

// Small-order points, canonical encodings plus the two sign-bit variants of the x = 0 points.
const SMALL_ORDER_ENCODINGS = new Set([
  ...ED25519_TORSION_SUBGROUP,
  '0100000000000000000000000000000000000000000000000000000000000080',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
])

/** Rule 2: S (the second half of the signature) is below L. */
export function isCanonicalScalar(signature: Uint8Array): boolean {
  // Fast reject on the top byte: S < L < 2^253, so byte 63 must be ≤ 0x10.
  const top = signature[63]!
  if (top < 0x10) return true
  if (top > 0x10) return false
  return littleEndianToBigInt(signature.subarray(32, 64)) < GROUP_ORDER
}

/** Rule 3, except the on-curve check (left to the point decoder of either path). */
export function isAcceptablePublicKeyEncoding(publicKey: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) return false
  const y = littleEndianToBigInt(publicKey) & ((1n << 255n) - 1n)
  if (y >= FIELD_PRIME) return false
  return !SMALL_ORDER_ENCODINGS.has(toHex(publicKey))
}
