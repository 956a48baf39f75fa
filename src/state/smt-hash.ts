import { sha256 } from '../crypto/hash.js'

/**
 * Hashing rules of the state tree (shared by the tree and the standalone proof verifier):
 *   path(key)       = SHA-256(key)                      — where a key lives, 256 bits
 *   leaf            = SHA-256(0x00 ‖ path ‖ SHA-256(value))
 *   internal        = SHA-256(0x01 ‖ left ‖ right)
 *   empty subtree   = 32 zero bytes
 * Domain bytes keep leaves and internal nodes from being confused.
 */
export const EMPTY_HASH = new Uint8Array(32)

export const pathOf = (key: Uint8Array): Uint8Array => sha256(key)
export const valueHashOf = (value: Uint8Array): Uint8Array => sha256(value)

export function leafHash(path: Uint8Array, valueHash: Uint8Array): Uint8Array {
  const input = new Uint8Array(65)
  input.set(path, 1)
  input.set(valueHash, 33)
  return sha256(input)
}

export function internalHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(65)
  input[0] = 1
  input.set(left, 1)
  input.set(right, 33)
  return sha256(input)
}

/** Bit `depth` of a 256-bit path, most significant first: 0 goes left, 1 goes right. */
export function bitAt(path: Uint8Array, depth: number): number {
  return (path[depth >> 3]! >> (7 - (depth & 7))) & 1
}
