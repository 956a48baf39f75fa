import { checkValueRange } from '../rules/input-checks.js'
import type { KernelBackend, GpuKernel } from './backend.js'
import type { KernelThis } from './weighted-sum.js'
import { MAX_ARGUMENT_ELEMENTS, MAX_PARTIAL_SUM } from './limits.js'

/**
 * Squared Euclidean distances between all pairs of updates (Krum's input). A squared
 * difference of two values ≤ maxAbs needs ~2·log2(2·maxAbs) bits, far beyond float32's 24, so
 * each difference d = h·256 + l (0 ≤ l < 256) is squared by limbs: d² = 65536·h² + 512·h·l + l².
 * The kernel sums each limb product over chunks of `chunk` coordinates (every chunk sum < 2^24);
 * the CPU adds chunks per limb in float64 and recombines in bigint.
 */
export interface DistancePlan {
  readonly chunk: number
  readonly coordsPerTile: number
}

export const DISTANCE_BASE = 256

export function planDistances(updates: number, coords: number, maxAbs: number): DistancePlan {
  const maxHi = Math.ceil((2 * maxAbs) / DISTANCE_BASE)
  const low = DISTANCE_BASE - 1
  const maxTerm = Math.max(maxHi * maxHi, maxHi * low, low * low)
  const chunk = Math.floor(MAX_PARTIAL_SUM / maxTerm)
  if (chunk < 1) throw new RangeError('distance ranges exceed the exact float32 range')
  const pairs = (updates * (updates - 1)) / 2
  const maxChunks = Math.max(1, Math.floor(MAX_ARGUMENT_ELEMENTS / (3 * Math.max(1, pairs))))
  return { chunk, coordsPerTile: Math.min(coords, Math.floor(MAX_ARGUMENT_ELEMENTS / updates), maxChunks * chunk) }
}

function buildKernel(backend: KernelBackend, pairs: number, nt: number, chunk: number): GpuKernel {
  const chunks = Math.ceil(nt / chunk)
  return backend.kernel(`dist:${pairs}:${nt}:${chunk}`, (gpu) =>
    gpu.createKernel(
      function (this: KernelThis, tile: Float32Array, pa: Float32Array, pb: Float32Array): number {
        const a = pa[this.thread.y]!
        const b = pb[this.thread.y]!
        const start = this.thread.x * this.constants.CH
        let s = 0
        for (let c = 0; c < this.constants.CH; c++) {
          const i = start + c
          if (i < this.constants.NT) {
            const d = tile[a * this.constants.NT + i]! - tile[b * this.constants.NT + i]!
            const h = Math.floor(d / 256)
            const l = d - h * 256
            if (this.thread.z === 0) {
              s += h * h
            } else if (this.thread.z === 1) {
              s += h * l
            } else {
              s += l * l
            }
          }
        }
        return s
      } as never,
      { output: [chunks, pairs, 3], constants: { CH: chunk, NT: nt }, precision: 'single', tactic: 'precision', loopMaxIterations: chunk },
    ),
  )
}

/** Pair (a, b) with a < b, in row-major order: the index layout of the distance matrix. */
export function pairList(k: number): { a: number[]; b: number[] } {
  const a: number[] = []
  const b: number[] = []
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      a.push(i)
      b.push(j)
    }
  return { a, b }
}

/** The K×K matrix of exact squared distances (bigint), computed on gpu.js. */
export async function pairwiseDistancesOnKernel(
  backend: KernelBackend,
  updates: readonly Int32Array[],
  maxAbs: number,
  plan: DistancePlan,
): Promise<bigint[][]> {
  const k = updates.length
  const n = updates[0]!.length
  const { a, b } = pairList(k)
  const pairs = a.length
  const limbSums = [new Float64Array(pairs), new Float64Array(pairs), new Float64Array(pairs)]
  if (pairs > 0) {
    const pa = Float32Array.from(a)
    const pb = Float32Array.from(b)
    for (let i0 = 0; i0 < n; i0 += plan.coordsPerTile) {
      const nt = Math.min(plan.coordsPerTile, n - i0)
      const tile = new Float32Array(k * nt)
      for (let j = 0; j < k; j++) {
        const slice = updates[j]!.subarray(i0, i0 + nt)
        checkValueRange(slice, maxAbs, j)
        tile.set(slice, j * nt)
      }
      // rows come back limb-major: [limb][pair] → Float32Array over chunks
      const rows = await backend.run(buildKernel(backend, pairs, nt, plan.chunk), [tile, pa, pb])
      for (let limb = 0; limb < 3; limb++) {
        const acc = limbSums[limb]!
        for (let p = 0; p < pairs; p++) {
          const row = rows[limb * pairs + p]!
          let s = 0
          for (let c = 0; c < row.length; c++) s += row[c]!
          acc[p]! += s
        }
      }
    }
  } else {
    for (let j = 0; j < k; j++) checkValueRange(updates[j]!, maxAbs, j)
  }
  const matrix = Array.from({ length: k }, () => new Array<bigint>(k).fill(0n))
  for (let p = 0; p < pairs; p++) {
    const d = BigInt(limbSums[0]![p]!) * 65536n + BigInt(limbSums[1]![p]!) * 512n + BigInt(limbSums[2]![p]!)
    matrix[a[p]!]![b[p]!] = d
    matrix[b[p]!]![a[p]!] = d
  }
  return matrix
}
