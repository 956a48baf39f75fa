import { EMPTY_HASH, bitAt, internalHash, leafHash, pathOf, valueHashOf } from './smt-hash.js'
import type { StateProof } from './proof.js'

/**
 * A persistent (immutable, path-copying) sparse Merkle tree over 256-bit key paths. A subtree
 * holding exactly one leaf is that leaf, so the shape — and the root — depend only on the set
 * of (key, value) pairs, never on the order they were written in. Updates return a new root and
 * share every untouched node with the old one, so keeping the roots of recent heights costs
 * only what changed.
 */
export interface Leaf {
  readonly kind: 'leaf'
  readonly path: Uint8Array
  readonly key: Uint8Array
  readonly value: Uint8Array
  readonly valueHash: Uint8Array
  readonly hash: Uint8Array
}

export interface Internal {
  readonly kind: 'internal'
  readonly left: Node | null
  readonly right: Node | null
  readonly hash: Uint8Array
}

export type Node = Leaf | Internal

/** One write of a batch: `value: null` deletes the key. */
export interface TreeWrite {
  readonly key: Uint8Array
  readonly value: Uint8Array | null
}

interface PathedWrite extends TreeWrite {
  readonly path: Uint8Array
}

export const rootHash = (root: Node | null): Uint8Array => (root === null ? EMPTY_HASH : root.hash)

function makeLeaf(path: Uint8Array, key: Uint8Array, value: Uint8Array): Leaf {
  const valueHash = valueHashOf(value)
  return { kind: 'leaf', path, key, value, valueHash, hash: leafHash(path, valueHash) }
}

/** Joins two subtrees; a lone leaf (or nothing) rises to replace the internal node. */
function join(left: Node | null, right: Node | null): Node | null {
  if (left === null && (right === null || right.kind === 'leaf')) return right
  if (right === null && left!.kind === 'leaf') return left
  return { kind: 'internal', left, right, hash: internalHash(rootHash(left), rootHash(right)) }
}

function comparePaths(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b)
}

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
    if (hi - lo === 1 && (node === null || comparePaths(node.path, writes[lo]!.path) === 0)) {
      const write = writes[lo]!
      return write.value === null ? null : makeLeaf(write.path, write.key, write.value)
    }
    if (node !== null) {
      const at = insertionPoint(writes, lo, hi, node.path)
      if (at < hi && comparePaths(writes[at]!.path, node.path) === 0) return apply(null, writes, lo, hi, depth)
      const merged = writes.slice(lo, hi)
      merged.splice(at - lo, 0, { path: node.path, key: node.key, value: node.value })
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

/** Applies a batch of writes (later writes to one key win) and returns the new root. */
export function applyWrites(root: Node | null, writes: Iterable<TreeWrite>): Node | null {
  const byPath = new Map<string, PathedWrite>()
  for (const write of writes) {
    const path = pathOf(write.key)
    byPath.set(Buffer.from(path).toString('latin1'), { ...write, path })
  }
  const sorted = [...byPath.values()].sort((a, b) => comparePaths(a.path, b.path))
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
    leaf: node === null ? null : { path: node.path, valueHash: node.valueHash },
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
