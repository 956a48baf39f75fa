import { EMPTY_HASH, INTERNAL, LEAF, bitAt, pathOf, valueHashOf } from './smt-hash.js'
import { NODE_MESSAGE, compressNodeMessage, hashInto, hashNodeDigest } from './smt-sha256.js'
import type { StateProof } from './proof.js'

/**
 * A persistent (immutable, path-copying) sparse Merkle tree over 256-bit key paths. A subtree
 * holding exactly one leaf is that leaf, so the shape — and the root — depend only on the set
 * of (key, value) pairs, never on the order they were written in. Updates return a new root and
 * share every untouched node with the old one, so keeping the roots of recent heights costs
 * only what changed.
 *
 * A node's hash is held in the node itself, as eight big-endian 32-bit words h0..h7 (small
 * integers to V8, stored inline), not as a Uint8Array of its own: a commit creates ~10 nodes
 * per written key and they survive into the tree, so a typed array per hash was most of what
 * the garbage collector copied (`npm run bench -- state`, docs/perf.md). rootHash() gives
 * the bytes. (Hashes cut from shared chunks were as fast but let one long-lived node pin a
 * chunk of dead neighbours.)
 */
export interface Digest {
  readonly h0: number
  readonly h1: number
  readonly h2: number
  readonly h3: number
  readonly h4: number
  readonly h5: number
  readonly h6: number
  readonly h7: number
}

export interface Leaf extends Digest {
  readonly kind: 'leaf'
  readonly path: Uint8Array
  readonly key: Uint8Array
  readonly value: Uint8Array
}

export interface Internal extends Digest {
  readonly kind: 'internal'
  readonly left: Node | null
  readonly right: Node | null
}

export type Node = Leaf | Internal

/** One write of a batch: `value: null` deletes the key. */
export interface TreeWrite {
  readonly key: Uint8Array
  readonly value: Uint8Array | null
}

interface PathedWrite extends TreeWrite {
  readonly path: Uint8Array
  /** First 32 bits of the path, so most comparisons while sorting are one subtraction (only the sort reads it). */
  readonly lead: number
  /** An existing leaf pushed down by the batch: it is reused as it is (a leaf's hash does not depend on its depth). */
  readonly leaf: Leaf | null
}

function digestBytes(d: Digest): Uint8Array {
  const out = new Uint8Array(32)
  const words = [d.h0, d.h1, d.h2, d.h3, d.h4, d.h5, d.h6, d.h7]
  for (let i = 0; i < 8; i++) {
    out[4 * i] = words[i]! >>> 24
    out[4 * i + 1] = words[i]! >>> 16
    out[4 * i + 2] = words[i]! >>> 8
    out[4 * i + 3] = words[i]!
  }
  return out
}

export const rootHash = (root: Node | null): Uint8Array => (root === null ? EMPTY_HASH : digestBytes(root))

const EMPTY: Digest = { h0: 0, h1: 0, h2: 0, h3: 0, h4: 0, h5: 0, h6: 0, h7: 0 }

// A leaf keeps no copy of its value's hash: only its own hash needs it, and proofs recompute it.
const VALUE_HASH = new Uint8Array(32)

function makeLeaf(write: PathedWrite, value: Uint8Array): Leaf {
  hashInto(value, VALUE_HASH, 0)
  const d = hashNodeDigest(LEAF, write.path, VALUE_HASH)
  return {
    kind: 'leaf',
    path: write.path,
    key: write.key,
    value,
    h0: d[0]!,
    h1: d[1]!,
    h2: d[2]!,
    h3: d[3]!,
    h4: d[4]!,
    h5: d[5]!,
    h6: d[6]!,
    h7: d[7]!,
  }
}

/** Joins two subtrees; a lone leaf (or nothing) rises to replace the internal node. */
function join(left: Node | null, right: Node | null): Node | null {
  if (left === null && (right === null || right.kind === 'leaf')) return right
  if (right === null && left!.kind === 'leaf') return left
  // The message INTERNAL ‖ left ‖ right as words: every word straddles two of the children's.
  const l = left ?? EMPTY
  const r = right ?? EMPTY
  const m = NODE_MESSAGE
  m[0] = (INTERNAL << 24) | (l.h0 >>> 8)
  m[1] = (l.h0 << 24) | (l.h1 >>> 8)
  m[2] = (l.h1 << 24) | (l.h2 >>> 8)
  m[3] = (l.h2 << 24) | (l.h3 >>> 8)
  m[4] = (l.h3 << 24) | (l.h4 >>> 8)
  m[5] = (l.h4 << 24) | (l.h5 >>> 8)
  m[6] = (l.h5 << 24) | (l.h6 >>> 8)
  m[7] = (l.h6 << 24) | (l.h7 >>> 8)
  m[8] = (l.h7 << 24) | (r.h0 >>> 8)
  m[9] = (r.h0 << 24) | (r.h1 >>> 8)
  m[10] = (r.h1 << 24) | (r.h2 >>> 8)
  m[11] = (r.h2 << 24) | (r.h3 >>> 8)
  m[12] = (r.h3 << 24) | (r.h4 >>> 8)
  m[13] = (r.h4 << 24) | (r.h5 >>> 8)
  m[14] = (r.h5 << 24) | (r.h6 >>> 8)
  m[15] = (r.h6 << 24) | (r.h7 >>> 8)
  const d = compressNodeMessage(r.h7 & 0xff)
  return { kind: 'internal', left, right, h0: d[0]!, h1: d[1]!, h2: d[2]!, h3: d[3]!, h4: d[4]!, h5: d[5]!, h6: d[6]!, h7: d[7]! }
}

function comparePaths(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = a[i]! - b[i]!
    if (d !== 0) return d
  }
  return 0
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const byPath = (a: PathedWrite, b: PathedWrite): number => a.lead - b.lead || comparePaths(a.path, b.path)

/** First index in writes[lo, hi) whose path has bit `depth` set (writes are sorted by path). */
function splitIndex(writes: PathedWrite[], lo: number, hi: number, depth: number): number {
  let a = lo
  let b = hi
  while (a < b) {
    const mid = (a + b) >> 1
    if (bitAt(writes[mid]!.path, depth) === 0) a = mid + 1
    else b = mid
  }
  return a
}

function apply(node: Node | null, writes: PathedWrite[], lo: number, hi: number, depth: number): Node | null {
  if (lo === hi) return node
  if (node === null || node.kind === 'leaf') {
    // Below here the subtree is rebuilt from the writes plus the one leaf that was here, if
    // no write replaces it.
    if (hi - lo === 1) {
      const write = writes[lo]!
      if (node === null) return write.leaf ?? (write.value === null ? null : makeLeaf(write, write.value))
      if (comparePaths(node.path, write.path) === 0) {
        if (write.value === null) return null
        // Rewriting a key with the value it holds changes nothing above it either.
        return equalBytes(node.value, write.value) ? node : makeLeaf(write, write.value)
      }
      // The commonest case of a growing state: one new key lands on another key's leaf.
      return write.value === null ? node : fork(node, makeLeaf(write, write.value), depth)
    }
    if (node !== null) {
      const at = insertionPoint(writes, lo, hi, node.path)
      if (at < hi && comparePaths(writes[at]!.path, node.path) === 0) return apply(null, writes, lo, hi, depth)
      const merged = writes.slice(lo, hi)
      merged.splice(at - lo, 0, { key: node.key, value: node.value, path: node.path, lead: 0, leaf: node })
      return apply(null, merged, 0, merged.length, depth)
    }
    if (depth === 256) throw new Error('two writes share one 256-bit path')
    const mid = splitIndex(writes, lo, hi, depth)
    return join(apply(null, writes, lo, mid, depth + 1), apply(null, writes, mid, hi, depth + 1))
  }
  const mid = splitIndex(writes, lo, hi, depth)
  const left = apply(node.left, writes, lo, mid, depth + 1)
  const right = apply(node.right, writes, mid, hi, depth + 1)
  if (left === node.left && right === node.right) return node
  return join(left, right)
}

/** The subtree at `depth` holding two leaves whose paths differ: internal nodes down to where they part. */
function fork(a: Leaf, b: Leaf, depth: number): Node {
  let parting = depth
  while (bitAt(a.path, parting) === bitAt(b.path, parting)) parting++
  let node = bitAt(a.path, parting) === 0 ? join(a, b)! : join(b, a)!
  for (let d = parting - 1; d >= depth; d--) node = bitAt(a.path, d) === 0 ? join(node, null)! : join(null, node)!
  return node
}

function insertionPoint(writes: PathedWrite[], lo: number, hi: number, path: Uint8Array): number {
  let a = lo
  let b = hi
  while (a < b) {
    const mid = (a + b) >> 1
    if (comparePaths(writes[mid]!.path, path) < 0) a = mid + 1
    else b = mid
  }
  return a
}

/**
 * Applies a batch of writes (later writes to one key win) and returns the new root. The batch
 * is sorted by path once and the tree is walked once, so a node above many writes is hashed
 * once per batch, and subtrees no write reaches are shared untouched.
 */
export function applyWrites(root: Node | null, writes: Iterable<TreeWrite>): Node | null {
  const sorted: PathedWrite[] = []
  for (const { key, value } of writes) {
    const path = pathOf(key)
    const lead = ((path[0]! << 24) | (path[1]! << 16) | (path[2]! << 8) | path[3]!) >>> 0
    sorted.push({ key, value, path, lead, leaf: null })
  }
  // The sort is stable, so writes to one path stay in write order: keep the last of each run.
  sorted.sort(byPath)
  let kept = 0
  for (let i = 0; i < sorted.length; i++) {
    if (i + 1 < sorted.length && sorted[i + 1]!.lead === sorted[i]!.lead && comparePaths(sorted[i + 1]!.path, sorted[i]!.path) === 0)
      continue
    sorted[kept++] = sorted[i]!
  }
  sorted.length = kept
  return apply(root, sorted, 0, sorted.length, 0)
}

export function lookup(root: Node | null, key: Uint8Array): Uint8Array | undefined {
  const path = pathOf(key)
  let node = root
  for (let depth = 0; node !== null; depth++) {
    if (node.kind === 'leaf') return comparePaths(node.path, path) === 0 ? node.value : undefined
    node = bitAt(path, depth) === 0 ? node.left : node.right
  }
  return undefined
}

/** Siblings from the root down to where the key's path ends: at its leaf, another leaf, or empty. */
export function prove(root: Node | null, key: Uint8Array): StateProof {
  const path = pathOf(key)
  const siblings: Uint8Array[] = []
  let node = root
  for (let depth = 0; node !== null && node.kind === 'internal'; depth++) {
    const right = bitAt(path, depth) === 1
    siblings.push(rootHash(right ? node.left : node.right))
    node = right ? node.right : node.left
  }
  return {
    siblings,
    leaf: node === null ? null : { path: node.path, valueHash: valueHashOf(node.value) },
  }
}

/** Every leaf, in path order (for rebuilding indexes and for tests). */
export function* leaves(root: Node | null): Generator<Leaf> {
  if (root === null) return
  if (root.kind === 'leaf') {
    yield root
    return
  }
  yield* leaves(root.left)
  yield* leaves(root.right)
}
