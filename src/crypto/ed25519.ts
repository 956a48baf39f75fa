import type { KeyObject } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { bytesEqual, concatBytes, latin1 } from '../bytes.js'
import { BoundedMemo } from '../memo.js'
import {
  GROUP_ORDER,
  PUBLIC_KEY_LENGTH,
  SIGNATURE_LENGTH,
  isAcceptablePublicKeyEncoding,
  isCanonicalScalar,
  littleEndianToBigInt,
} from './ed25519-rules.js'
import { CryptoError } from './errors.js'
import { nodeCrypto, nodeSigningKey } from './platform.js'

// Both the key-encoding rule (a point decompression in JS) and createPublicKey cost about as much
// as a verification; they depend on the key bytes only, and senders reuse their keys.
const keyCache = new BoundedMemo<string, KeyObject | null>(16_384)

/** The OpenSSL key for an acceptable encoding (ed25519-rules.ts), null for any other bytes. */
function nodePublicKey(node: NonNullable<typeof nodeCrypto>, publicKey: Uint8Array): KeyObject | null {
  return keyCache.get(latin1(publicKey), () => {
    if (!isAcceptablePublicKeyEncoding(publicKey)) return null
    try {
      // A JWK, not the SPKI DER: OpenSSL 3 parses DER through its decoder framework, ~65 µs a key
      // here against ~5 µs for the raw key a JWK becomes (`npm run bench -- crypto`); same key.
      const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.length).toString('base64url')
      return node.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' })
    } catch {
      return null // not a point on the curve
    }
  })
}

/**
 * Verifies under Fedra's rule set (ed25519-rules.ts): OpenSSL does the curve arithmetic in Node,
 * the pure-JS reference (the same rules, proven equal on edge cases) where there is no Node.
 */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (nodeCrypto === undefined) return verifyReference(publicKey, message, signature)
  if (signature.length !== SIGNATURE_LENGTH || !isCanonicalScalar(signature)) return false
  const key = publicKey.length === PUBLIC_KEY_LENGTH ? nodePublicKey(nodeCrypto, publicKey) : null
  return key !== null && nodeCrypto.verify(null, message, key, signature)
}

/** The same rule set in pure JS (browsers, and the yardstick the fast path is tested against). */
export function verifyReference(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH || publicKey.length !== PUBLIC_KEY_LENGTH) return false
  // Independent of the fast path's checks: noble's strict decoder for canonical encodings,
  // point arithmetic for small order.
  if (!isCanonicalScalar(signature)) return false
  const { Point } = ed25519
  let A: InstanceType<typeof Point>
  try {
    A = Point.fromBytes(publicKey, false)
  } catch {
    return false
  }
  if (A.isSmallOrder()) return false
  const R = signature.subarray(0, 32)
  const S = littleEndianToBigInt(signature.subarray(32, 64))
  const k = littleEndianToBigInt(sha512(concatBytes(R, publicKey, message))) % GROUP_ORDER
  const expectedR = Point.BASE.multiplyUnsafe(S).subtract(A.multiplyUnsafe(k))
  return bytesEqual(expectedR.toBytes(), R)
}

export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  if (seed.length !== 32) throw new CryptoError('BAD_KEY_LENGTH', 'an ed25519 seed is 32 bytes', { expected: 32, actual: seed.length })
  return ed25519.getPublicKey(seed)
}

/**
 * A signing function for one seed. In Node it keeps the OpenSSL key (building it costs about a
 * signature); elsewhere noble signs. RFC 8032 signing is deterministic, so both give the same
 * bytes (tested).
 */
export function signerFor(seed: Uint8Array): (message: Uint8Array) => Uint8Array {
  if (seed.length !== 32) throw new CryptoError('BAD_KEY_LENGTH', 'an ed25519 seed is 32 bytes', { expected: 32, actual: seed.length })
  if (nodeCrypto === undefined) return (message) => ed25519.sign(message, seed)
  const node = nodeCrypto
  const key = nodeSigningKey(node, seed)
  return (message) => new Uint8Array(node.sign(null, message, key))
}
