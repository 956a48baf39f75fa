import { checkValueRange } from '../rules/input-checks.js'
import type { KernelBackend, GpuKernel } from './backend.js'
import type { KernelThis } from './weighted-sum.js'
import { MAX_ARGUMENT_ELEMENTS, MAX_PARTIAL_SUM } from './limits.js'

/**
 * Per coordinate, the sum of the order statistics ranked lo..hi (0-based, ascending, ties broken
 * by update index) — the core of the median and the trimmed mean. The kernel ranks by counting
 * (O(K²) per coordinate, no sort), so all K values of a coordinate sit in one tile; the rule's
 * ranges keep K·maxAbs < 2^24 so the float32 sum is exact.
 */
export interface RankSumPlan {
  readonly coordsPerTile: number
}

export function planRankSum(updates: number, coords: number, maxAbs: number): RankSumPlan {
  if (updates * maxAbs > MAX_PARTIAL_SUM) throw new RangeError('rank-sum ranges exceed the exact float32 range')
  return { coordsPerTile: Math.min(coords, Math.floor(MAX_ARGUMENT_ELEMENTS / updates)) }
}

function buildKernel(backend: KernelBackend, k: number, nt: number, lo: number, hi: number): GpuKernel {
  return backend.kernel(`rank:${k}:${nt}:${lo}:${hi}`, (gpu) =>
    gpu.createKernel(
      function (this: KernelThis, tile: Float32Array): number {
        let s = 0
        for (let j = 0; j < this.constants.K; j++) {
          const v = tile[j * this.constants.NT + this.thread.x]!
          let rank = 0
          for (let l = 0; l < this.constants.K; l++) {
            const u = tile[l * this.constants.NT + this.thread.x]!
            if (u < v) {
              rank += 1
            } else if (u === v && l < j) {
              rank += 1
            }
          }
          if (rank >= this.constants.LO && rank <= this.constants.HI) {
            s += v
          }
        }
        return s
      } as never,
      { output: [nt], constants: { K: k, NT: nt, LO: lo, HI: hi }, precision: 'single', tactic: 'precision', loopMaxIterations: k },
    ),
  )
}

/** Σ of ranks lo..hi per coordinate on gpu.js; checks value ranges while tiling. */
export async function rankSumOnKernel(
  backend: KernelBackend,
  updates: readonly Int32Array[],
  lo: number,
  hi: number,
  maxAbs: number,
  plan: RankSumPlan,
): Promise<Float64Array> {
  const k = updates.length
  const n = updates[0]!.length
  const sums = new Float64Array(n)
  for (let i0 = 0; i0 < n; i0 += plan.coordsPerTile) {
    const nt = Math.min(plan.coordsPerTile, n - i0)
    const tile = new Float32Array(k * nt)
    for (let j = 0; j < k; j++) {
      const slice = updates[j]!.subarray(i0, i0 + nt)
      checkValueRange(slice, maxAbs, j)
      tile.set(slice, j * nt)
    }
    const [out] = await backend.run(buildKernel(backend, k, nt, lo, hi), [tile])
    for (let i = 0; i < nt; i++) sums[i0 + i] = out![i]!
  }
  return sums
}
