import type { KernelBackend } from '../kernels/backend.js'
import { pairList, pairwiseDistancesOnKernel, planDistances } from '../kernels/pairwise-distance.js'
import { valueRangeError } from './input-checks.js'
import type { DeclaredRanges } from './types.js'

/**
 * Krum's ranges: K ≤ 255 bounds the pair count; squared distances are exact bigints, so only
 * the per-chunk float32 limb sums constrain maxAbs (see pairwise-distance.ts).
 */
export const KRUM_RANGES: DeclaredRanges = {
  maxAbsValue: 32767,
  maxWeight: 4096,
  maxUpdates: 255,
  minUpdates: 1,
  maxParameters: 2 ** 28,
}

/**
 * Exact squared distances in plain TypeScript: each d² ≤ 2^32, so blocks of 2^20 coordinates
 * sum exactly in float64 (≤ 2^52) before they are added as bigints.
 */
export function pairwiseDistancesReference(updates: readonly Int32Array[], maxAbs: number): bigint[][] {
  const k = updates.length
  const n = updates[0]!.length
  const span = 2 * maxAbs
  for (let j = 0; j < k; j++) {
    const q = updates[j]!
    for (let i = 0; i < n; i++) if ((q[i]! + maxAbs) >>> 0 > span) throw valueRangeError(q, i, maxAbs, j)
  }
  const matrix = Array.from({ length: k }, () => new Array<bigint>(k).fill(0n))
  const { a, b } = pairList(k)
  const block = 1 << 20
  for (let p = 0; p < a.length; p++) {
    const x = updates[a[p]!]!
    const y = updates[b[p]!]!
    let total = 0n
    for (let i0 = 0; i0 < n; i0 += block) {
      const end = Math.min(n, i0 + block)
      let s = 0
      for (let i = i0; i < end; i++) {
        const d = x[i]! - y[i]!
        s += d * d
      }
      total += BigInt(s)
    }
    matrix[a[p]!]![b[p]!] = total
    matrix[b[p]!]![a[p]!] = total
  }
  return matrix
}

export function pairwiseDistancesKernel(backend: KernelBackend, updates: readonly Int32Array[], maxAbs: number): Promise<bigint[][]> {
  const plan = planDistances(updates.length, updates[0]!.length, maxAbs)
  return pairwiseDistancesOnKernel(backend, updates, maxAbs, plan)
}

/**
 * Krum scores (Blanchard et al. 2017): for each update, the sum of its squared distances to its
 * K − f − 2 nearest others (at least one). Returns the m best indices, ascending score, ties by
 * lower index, then re-sorted ascending by index so the result is a canonical set.
 */
export function krumSelect(distances: bigint[][], f: number, m: number): number[] {
  const k = distances.length
  const neighbours = Math.max(1, k - f - 2)
  const scores = distances.map((row, i) => {
    const others = row.filter((_, j) => j !== i).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
    let s = 0n
    for (let j = 0; j < Math.min(neighbours, others.length); j++) s += others[j]!
    return s
  })
  const order = scores.map((_, i) => i).sort((x, y) => (scores[x]! < scores[y]! ? -1 : scores[x]! > scores[y]! ? 1 : x - y))
  return order.slice(0, m).sort((x, y) => x - y)
}

/** f when the name does not fix it: the most Byzantine updates Krum tolerates, floor((K−3)/2). */
export function defaultByzantine(k: number): number {
  return Math.max(0, Math.floor((k - 3) / 2))
}
