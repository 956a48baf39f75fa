import { equalBytes as equal } from '../codec/index.js'
import { EMPTY_HASH, bitAt, internalHash, leafHash, pathOf, valueHashOf } from './smt-hash.js'

/**
 * Proof that a key holds a value, or holds none, under a state root. `siblings[d]` is the
 * hash of the sibling subtree at depth d along the key's path; `leaf` is what the path ends
 * at (null for an empty subtree).
 */
export interface StateProof {
  siblings: Uint8Array[]
  leaf: { path: Uint8Array; valueHash: Uint8Array } | null
}

function sharesPrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  for (let i = 0; i < bits; i++) if (bitAt(a, i) !== bitAt(b, i)) return false
  return true
}

/**
 * Checks `proof` against `root` with nothing but hashing: `value` non-null claims inclusion of
 * exactly that value; `value === null` claims the key is absent. Standalone so light clients,
 * the RPC client and browsers can use it without a store.
 */
export function verifyStateProof(root: Uint8Array, key: Uint8Array, value: Uint8Array | null, proof: StateProof): boolean {
  const { siblings, leaf } = proof
  if (siblings.length > 256 || root.length !== 32) return false
  const path = pathOf(key)
  let hash: Uint8Array
  if (value !== null) {
    if (leaf === null || !equal(leaf.path, path) || !equal(leaf.valueHash, valueHashOf(value))) return false
    hash = leafHash(path, leaf.valueHash)
  } else if (leaf === null) {
    hash = EMPTY_HASH
  } else {
    // Absent: the path ends at some other key's leaf, which must sit under the same prefix.
    if (leaf.path.length !== 32 || equal(leaf.path, path) || !sharesPrefix(leaf.path, path, siblings.length)) return false
    hash = leafHash(leaf.path, leaf.valueHash)
  }
  for (let depth = siblings.length - 1; depth >= 0; depth--) {
    const sibling = siblings[depth]!
    if (sibling.length !== 32) return false
    hash = bitAt(path, depth) === 1 ? internalHash(sibling, hash) : internalHash(hash, sibling)
  }
  return equal(hash, root)
}
