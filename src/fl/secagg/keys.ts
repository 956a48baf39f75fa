import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { x25519Shared } from '../x25519.js'
import { SecAggError } from './errors.js'

/**
 * Key agreement: each member holds a fresh X25519 key pair per round (its "round key"); the
 * pairwise mask seed of members i and j is
 *
 *   s_ij = HKDF-SHA256(ikm = X25519(sk_i, pk_j), salt = roundId, info = "fedra/secagg/v1/mask", 32)
 *
 * which both compute (X25519 is symmetric) and nobody else can, until i's or j's round secret is
 * reconstructed from its Shamir shares (a dropped member). The round id binds every seed to one
 * round, so a round key reused by mistake still gives fresh masks.
 */
export interface RoundKeyPair {
  readonly secretKey: Uint8Array
  readonly publicKey: Uint8Array
}

const encoder = new TextEncoder()
const MASK_INFO = encoder.encode('fedra/secagg/v1/mask')

/** A round key pair from 32 random bytes (the caller's randomness: roles pass node:crypto's, tests a seeded source). */
export function roundKeyPair(random32: Uint8Array): RoundKeyPair {
  checkKey(random32, 'round secret key')
  return { secretKey: Uint8Array.from(random32), publicKey: x25519.getPublicKey(random32) }
}

export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  checkKey(secretKey, 'round secret key')
  return x25519.getPublicKey(secretKey)
}

/** X25519(sk, pk), refusing keys that are not 32 bytes and low-order points (an all-zero secret). */
export function agree(secretKey: Uint8Array, publicKey: Uint8Array, what: string): Uint8Array {
  checkKey(secretKey, 'secret key')
  checkKey(publicKey, what)
  const shared = x25519Shared(secretKey, publicKey)
  if (shared === null) throw new SecAggError('SECAGG_BAD_KEY', `${what} is a low-order point`, { what, reason: 'low-order point' })
  return shared
}

export function pairSeed(secretKey: Uint8Array, peerPublicKey: Uint8Array, roundId: Uint8Array): Uint8Array {
  return hkdf(sha256, agree(secretKey, peerPublicKey, 'peer round key'), roundId, MASK_INFO, 32)
}

function checkKey(key: Uint8Array, what: string): void {
  if (!(key instanceof Uint8Array) || key.length !== 32)
    throw new SecAggError('SECAGG_BAD_KEY', `${what} must be 32 bytes`, { what, reason: 'length' })
}
