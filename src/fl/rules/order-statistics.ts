import { roundDiv } from '../int-math.js'
import type { KernelBackend } from '../kernels/backend.js'
import { planRankSum, rankSumOnKernel } from '../kernels/rank-sum.js'
import { valueRangeError } from './input-checks.js'
import type { DeclaredRanges } from './types.js'

/**
 * Median and trimmed mean are both "the mean of the order statistics ranked lo..hi" per
 * coordinate, rounded by roundDiv. K ≤ 255 keeps every partial sum K·maxAbs below 2^24.
 */
export const ORDER_STATISTIC_RANGES: DeclaredRanges = {
  maxAbsValue: 32767,
  maxWeight: 4096,
  maxUpdates: 255,
  minUpdates: 1,
  maxParameters: 2 ** 28,
}

export function orderStatisticMeanReference(updates: readonly Int32Array[], lo: number, hi: number, maxAbs: number): Int32Array {
  const k = updates.length
  const n = updates[0]!.length
  const out = new Int32Array(n)
  const column = new Int32Array(k)
  const span = 2 * maxAbs
  const count = hi - lo + 1
  for (let i = 0; i < n; i++) {
    // insertion sort: K is small and the column is rebuilt per coordinate
    for (let j = 0; j < k; j++) {
      const v = updates[j]![i]!
      if ((v + maxAbs) >>> 0 > span) throw valueRangeError(updates[j]!, i, maxAbs, j)
      let p = j
      while (p > 0 && column[p - 1]! > v) {
        column[p] = column[p - 1]!
        p--
      }
      column[p] = v
    }
    let s = 0
    for (let r = lo; r <= hi; r++) s += column[r]!
    out[i] = roundDiv(s, count)
  }
  return out
}

export async function orderStatisticMeanOnKernel(
  backend: KernelBackend,
  updates: readonly Int32Array[],
  lo: number,
  hi: number,
  maxAbs: number,
): Promise<Int32Array> {
  const plan = planRankSum(updates.length, updates[0]!.length, maxAbs)
  const sums = await rankSumOnKernel(backend, updates, lo, hi, maxAbs, plan)
  const out = new Int32Array(sums.length)
  const count = hi - lo + 1
  for (let i = 0; i < sums.length; i++) out[i] = roundDiv(sums[i]!, count)
  return out
}
