import { x25519 } from '@noble/curves/ed25519.js'

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
