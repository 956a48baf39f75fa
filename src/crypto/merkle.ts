import { sha256 } from './hash.js'

/**
 * RFC 6962 (§2.1) Merkle trees over SHA-256: a leaf hashes as SHA-256(0x00 ‖ leaf), an inner
 * node as SHA-256(0x01 ‖ left ‖ right), the tree of n > 1 leaves splits at k, the largest power
 * of two below n, and the empty tree's root is SHA-256 of nothing. The two prefixes keep a leaf
 * from passing for a node (second-preimage resistance). Leaves are the entries' bytes, unhashed.
 */

const LEAF_PREFIX = 0x00
const NODE_PREFIX = 0x01

function prefixed(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0))
  bytes[0] = prefix
  let at = 1
  for (const part of parts) {
    bytes.set(part, at)
    at += part.length
  }
  return bytes
}

/** SHA-256(0x00 ‖ leaf): what a leaf stands as in the tree. */
export const merkleLeafHash = (leaf: Uint8Array): Uint8Array => sha256(prefixed(LEAF_PREFIX, leaf))

/** SHA-256(0x01 ‖ left ‖ right). */
export const merkleNodeHash = (left: Uint8Array, right: Uint8Array): Uint8Array => sha256(prefixed(NODE_PREFIX, left, right))

/** The largest power of two below n (RFC 6962's k, with k < n ≤ 2k), for n ≥ 2. */
function split(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

function rootOfHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return sha256(new Uint8Array())
  if (hashes.length === 1) return hashes[0]!
  const k = split(hashes.length)
  return merkleNodeHash(rootOfHashes(hashes.slice(0, k)), rootOfHashes(hashes.slice(k)))
}

/** MTH(leaves): the RFC 6962 root of `leaves` in order. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  return rootOfHashes(leaves.map(merkleLeafHash))
}

/** One step of an audit path: the sibling's hash and whether it sits left of the path. */
export interface MerkleStep {
  sibling: Uint8Array
  left: boolean
}

/** The audit path of leaf `index` (RFC 6962 §2.1.1 PATH), leaf to root, each sibling with its side. */
export function merkleAuditPath(leaves: readonly Uint8Array[], index: number): MerkleStep[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leaves.length) throw new RangeError(`no leaf ${index} in ${leaves.length}`)
  const steps: MerkleStep[] = []
  const walk = (hashes: readonly Uint8Array[], i: number): void => {
    if (hashes.length <= 1) return
    const k = split(hashes.length)
    if (i < k) {
      walk(hashes.slice(0, k), i)
      steps.push({ sibling: rootOfHashes(hashes.slice(k)), left: false })
    } else {
      walk(hashes.slice(k), i - k)
      steps.push({ sibling: rootOfHashes(hashes.slice(0, k)), left: true })
    }
  }
  walk(leaves.map(merkleLeafHash), index)
  return steps
}

/** PATH(index, leaves): the sibling hashes alone, leaf to root; their sides follow from index and count (verifyMerkleProof). */
export function merkleProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  return merkleAuditPath(leaves, index).map((step) => step.sibling)
}

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((byte, i) => byte === b[i])

/**
 * Whether `leaf` is entry `index` of the `count`-leaf tree with root `root`, by its audit path
 * (RFC 9162 §2.1.3.2, which derives each sibling's side from index and count). False, never a
 * throw, for an index outside the tree or a path of the wrong length.
 */
export function verifyMerkleProof(root: Uint8Array, leaf: Uint8Array, index: number, count: number, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || index < 0 || index >= count) return false
  // fn walks the leaf's position up the tree, sn the last position of the same level (bigints: no 32-bit shifts).
  let fn = BigInt(index)
  let sn = BigInt(count - 1)
  let hash = merkleLeafHash(leaf)
  for (const sibling of proof) {
    if (sn === 0n) return false
    if ((fn & 1n) === 1n || fn === sn) {
      hash = merkleNodeHash(sibling, hash)
      // A right-edge node without a sibling at the levels above is promoted unchanged.
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n
        sn >>= 1n
      }
    } else {
      hash = merkleNodeHash(hash, sibling)
    }
    fn >>= 1n
    sn >>= 1n
  }
  return sn === 0n && equal(hash, root)
}

/**
 * A tree grown one leaf at a time, kept as the roots of its perfect subtrees, largest first (one
 * per set bit of the leaf count): appending costs O(log n) hashes, and the root of all leaves so
 * far is those roots folded right to left — RFC 6962's split puts the largest power of two on the
 * left, so the fold gives exactly MTH. At most 64 entries.
 */
export function appendToFrontier(frontier: readonly Uint8Array[], count: bigint, leafHash: Uint8Array): Uint8Array[] {
  const next = [...frontier, leafHash]
  for (let size = count; (size & 1n) === 1n; size >>= 1n) {
    const right = next.pop()!
    const left = next.pop()!
    next.push(merkleNodeHash(left, right))
  }
  return next
}

/** The root of the leaves a frontier stands for (SHA-256 of nothing when empty). */
export function frontierRoot(frontier: readonly Uint8Array[]): Uint8Array {
  if (frontier.length === 0) return sha256(new Uint8Array())
  let root = frontier[frontier.length - 1]!
  for (let i = frontier.length - 2; i >= 0; i--) root = merkleNodeHash(frontier[i]!, root)
  return root
}
