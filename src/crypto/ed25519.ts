import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import {
  GROUP_ORDER,
  PUBLIC_KEY_LENGTH,
  SIGNATURE_LENGTH,
  isAcceptablePublicKeyEncoding,
  isCanonicalScalar,
  littleEndianToBigInt,
} from './ed25519-rules.js'
import { BoundedMemo } from '../memo.js'
import { CryptoError } from './errors.js'

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

// Both the key-encoding rule (a point decompression in JS) and createPublicKey cost about as much
// as a verification; they depend on the key bytes only, and senders reuse their keys.
const keyCache = new BoundedMemo<string, KeyObject | null>(16_384)

/** The OpenSSL key for an acceptable encoding (ed25519-rules.ts), null for any other bytes. */
function nodePublicKey(publicKey: Uint8Array): KeyObject | null {
  return keyCache.get(Buffer.from(publicKey).toString('latin1'), () => {
    if (!isAcceptablePublicKeyEncoding(publicKey)) return null
    try {
      return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
    } catch {
      return null // not a point on the curve
    }
  })
}

/** Verifies under Fedra's rule set (ed25519-rules.ts) with OpenSSL doing the curve arithmetic. */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH || !isCanonicalScalar(signature)) return false
  const key = publicKey.length === PUBLIC_KEY_LENGTH ? nodePublicKey(publicKey) : null
  return key !== null && nodeVerify(null, message, key, signature)
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
  const k = littleEndianToBigInt(sha512(concat(R, publicKey, message))) % GROUP_ORDER
  const expectedR = Point.BASE.multiplyUnsafe(S).subtract(A.multiplyUnsafe(k))
  return Buffer.compare(expectedR.toBytes(), R) === 0
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts))
}

export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  if (seed.length !== 32) throw new CryptoError('BAD_KEY_LENGTH', 'an ed25519 seed is 32 bytes', { expected: 32, actual: seed.length })
  return ed25519.getPublicKey(seed)
}

export function nodePrivateKey(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new CryptoError('BAD_KEY_LENGTH', 'an ed25519 seed is 32 bytes', { expected: 32, actual: seed.length })
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
}

/** RFC 8032 signing is deterministic, so OpenSSL and noble give the same bytes (tested). */
export function signWith(key: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(nodeSign(null, message, key))
}
