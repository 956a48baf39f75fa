import { ed25519, x25519 } from '@noble/curves/ed25519.js'

/**
 * X25519(secret, publicKey), or null when `publicKey` is a low-order point: noble throws for some
 * of those and returns the all-zero secret for others, and both would make a key anyone can
 * compute. Secure aggregation's pair seeds and the envelopes' wraps and seals all go through here,
 * each turning null into its own typed error.
 */
export function x25519Shared(secret: Uint8Array, publicKey: Uint8Array): Uint8Array | null {
  let shared: Uint8Array
  try {
    shared = x25519.getSharedSecret(secret, publicKey)
  } catch {
    return null
  }
  return shared.every((b) => b === 0) ? null : shared
}

/**
 * A node's or account's long-term X25519 key: its ed25519 public key mapped to Curve25519
 * (RFC 7748 birational map), or null for bytes that are not an ed25519 point. Envelope
 * recipients are named this way, so a validator reads with the key it already holds.
 */
export function x25519OfEd25519(publicKey: Uint8Array): Uint8Array | null {
  try {
    return ed25519.utils.toMontgomery(publicKey)
  } catch {
    return null
  }
}

/** The X25519 secret matching `x25519OfEd25519` of the key with this RFC 8032 seed. */
export function x25519SecretOfEd25519Seed(seed: Uint8Array): Uint8Array {
  return ed25519.utils.toMontgomerySecret(seed)
}
