import { createHash } from 'node:crypto'
import { SecAggError } from './errors.js'

/**
 * The SecAgg+ communication graph (Bell et al. 2020, §3: a k-regular graph with k = O(log n)
 * replaces the complete graph of SecAgg): a Harary graph H(n, k) — member at position p is joined
 * to positions p ± 1 … p ± k/2 (mod n) — over a permutation of the round's members drawn from the
 * round seed, so no member chooses its neighbours. Degree k = 2·⌈log2 n⌉ (the complete graph when
 * that reaches n − 1); Shamir threshold t = ⌊k/2⌋ + 1, a majority of a member's neighbours.
 * Members are numbered 0..n−1 in the caller's order (the chain: ascending addresses).
 */
export interface SecAggGraph {
  readonly members: number
  readonly degree: number
  readonly threshold: number
  /** Neighbours of member i, ascending. */
  neighbours(i: number): readonly number[]
  areNeighbours(i: number, j: number): boolean
}

export function graphDegree(members: number): number {
  const k = 2 * Math.ceil(Math.log2(members))
  return Math.min(members - 1, k)
}

export function secAggGraph(members: number, seed: Uint8Array): SecAggGraph {
  if (!Number.isInteger(members) || members < 2)
    throw new SecAggError('SECAGG_PARAMS', `secure aggregation needs at least 2 members, not ${members}`, { reason: 'members' })
  if (members > 65536) throw new SecAggError('SECAGG_PARAMS', `at most 65536 members, not ${members}`, { reason: 'members' })
  if (seed.length !== 32) throw new SecAggError('SECAGG_PARAMS', 'the round seed must be 32 bytes', { reason: 'seed' })
  const degree = graphDegree(members)
  const order = seededPermutation(members, seed)
  const position = new Array<number>(members)
  order.forEach((member, p) => (position[member] = p))
  const complete = degree >= members - 1
  const lists: number[][] = []
  for (let i = 0; i < members; i++) {
    if (complete) {
      lists.push(Array.from({ length: members }, (_, j) => j).filter((j) => j !== i))
      continue
    }
    const p = position[i]!
    const set = new Set<number>()
    for (let d = 1; d <= degree / 2; d++) {
      set.add(order[(p + d) % members]!)
      set.add(order[(p - d + members) % members]!)
    }
    lists.push([...set].sort((a, b) => a - b))
  }
  const sets = lists.map((l) => new Set(l))
  return {
    members,
    degree,
    threshold: Math.floor(degree / 2) + 1,
    neighbours(i: number): readonly number[] {
      const list = lists[i]
      if (list === undefined)
        throw new SecAggError('SECAGG_UNKNOWN_TRAINER', `no member ${i} in a graph of ${members}`, { what: 'member', index: i })
      return list
    },
    areNeighbours: (i, j) => sets[i]?.has(j) ?? false,
  }
}

/**
 * Fisher–Yates over 0..n−1 driven by SHA-256(seed ‖ u32 counter) words, each index drawn by
 * rejection below the largest multiple of the range: integers only, the same on every node.
 */
function seededPermutation(n: number, seed: Uint8Array): number[] {
  const order = Array.from({ length: n }, (_, i) => i)
  let block = new Uint32Array(0)
  let used = 0
  let counter = 0
  const word = (): number => {
    if (used === block.length) {
      const counterBytes = new Uint8Array(4)
      new DataView(counterBytes.buffer).setUint32(0, counter++, true)
      const digest = createHash('sha256').update('fedra/secagg/v1/graph').update(seed).update(counterBytes).digest()
      block = new Uint32Array(digest.buffer.slice(digest.byteOffset, digest.byteOffset + 32))
      used = 0
    }
    return block[used++]!
  }
  for (let i = n - 1; i > 0; i--) {
    const range = i + 1
    const limit = 2 ** 32 - (2 ** 32 % range)
    let w = word()
    while (w >= limit) w = word()
    const j = w % range
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order
}
