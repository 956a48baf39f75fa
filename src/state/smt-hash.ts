import { hashInto, hashNodeInto } from './smt-sha256.js'

/**
 * Hashing rules of the state tree (shared by the tree and the standalone proof verifier):
 *   path(key)       = SHA-256(key)                      — where a key lives, 256 bits
 *   leaf            = SHA-256(0x00 ‖ path ‖ SHA-256(value))
 *   internal        = SHA-256(0x01 ‖ left ‖ right)
 *   empty subtree   = 32 zero bytes
 * Domain bytes keep leaves and internal nodes from being confused. The tree hashes its
 * internal nodes through smt-sha256.ts directly, on digests held as words (smt.ts); these
 * byte-level forms serve paths, proofs and the standalone verifier.
 */
export const EMPTY_HASH = new Uint8Array(32)

export const LEAF = 0x00
export const INTERNAL = 0x01

function digestOf(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  hashInto(data, out, 0)
  return out
}

export const pathOf = (key: Uint8Array): Uint8Array => digestOf(key)
export const valueHashOf = (value: Uint8Array): Uint8Array => digestOf(value)

export function leafHash(path: Uint8Array, valueHash: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  hashNodeInto(LEAF, path, valueHash, out, 0)
  return out
}

export function internalHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  hashNodeInto(INTERNAL, left, right, out, 0)
  return out
}

/** Bit `depth` of a 256-bit path, most significant first: 0 goes left, 1 goes right. */
export function bitAt(path: Uint8Array, depth: number): number {
  return (path[depth >> 3]! >> (7 - (depth & 7))) & 1
}
