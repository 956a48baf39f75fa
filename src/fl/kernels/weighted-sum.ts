import { FlError } from '../errors.js'
import { checkValueRange } from '../rules/input-checks.js'
import type { KernelBackend, GpuKernel } from './backend.js'
import { MAX_ARGUMENT_ELEMENTS, MAX_PARTIAL_SUM } from './limits.js'

/**
 * How the weighted sum S[i] = Σ_k w_k·q_k[i] is cut so every float32 partial sum stays exact.
 * Each value is split into limbs q = hi·base + lo (0 ≤ lo < base) and the kernel sums w·hi and
 * w·lo separately over `updatesPerTile` updates at a time; the CPU adds the tiles in float64
 * (exact below 2^53) and recombines S = base·ΣHi + ΣLo.
 */
export interface WeightedSumPlan {
  readonly base: number
  readonly updatesPerTile: number
  readonly coordsPerTile: number
}

/** The plan that is exact for values |q| ≤ maxAbs and weights ≤ maxWeight. */
export function planWeightedSum(maxAbs: number, maxWeight: number, updates: number, coords: number): WeightedSumPlan {
  const base = 256
  const maxLimb = Math.max(base - 1, Math.ceil(maxAbs / base))
  const maxProduct = maxLimb * Math.max(1, maxWeight)
  const updatesPerTile = Math.min(updates, Math.floor(MAX_PARTIAL_SUM / maxProduct))
  if (updatesPerTile < 1)
    throw new FlError('FL_RULE_PARAMS', 'ranges too wide for an exact float32 kernel', {
      name: 'weighted-sum',
      reason: `max limb product ${maxProduct}`,
    })
  const coordsPerTile = Math.min(coords, Math.floor(MAX_ARGUMENT_ELEMENTS / updatesPerTile), MAX_ARGUMENT_ELEMENTS / 2)
  return { base, updatesPerTile, coordsPerTile }
}

function buildKernel(backend: KernelBackend, kt: number, nt: number, base: number): GpuKernel {
  return backend.kernel(`wsum:${kt}:${nt}:${base}`, (gpu) =>
    gpu.createKernel(
      function (this: KernelThis, tile: Float32Array, w: Float32Array, count: number): number {
        let s = 0
        for (let j = 0; j < this.constants.KT; j++) {
          if (j < count) {
            const v = tile[j * this.constants.NT + this.thread.x]!
            const hi = Math.floor(v / this.constants.BASE)
            let limb = v - hi * this.constants.BASE
            if (this.thread.y === 0) {
              limb = hi
            }
            s += w[j]! * limb
          }
        }
        return s
      } as never,
      { output: [nt, 2], constants: { KT: kt, NT: nt, BASE: base }, precision: 'single', tactic: 'precision', loopMaxIterations: kt },
    ),
  )
}

/**
 * Σ_k w_k·q_k[i] for every i, computed by gpu.js tiles and combined exactly on the CPU.
 * Checks every value against maxAbs while copying it into the tile (FL_VALUE_RANGE).
 */
export async function weightedSumOnKernel(
  backend: KernelBackend,
  updates: readonly Int32Array[],
  weights: readonly number[],
  maxAbs: number,
  plan: WeightedSumPlan,
): Promise<Float64Array> {
  const k = updates.length
  const n = updates[0]!.length
  const { base, updatesPerTile: kt, coordsPerTile } = plan
  const sums = new Float64Array(n)
  for (let k0 = 0; k0 < k; k0 += kt) {
    const count = Math.min(kt, k - k0)
    const w = new Float32Array(kt)
    for (let j = 0; j < count; j++) w[j] = weights[k0 + j]!
    for (let i0 = 0; i0 < n; i0 += coordsPerTile) {
      const nt = Math.min(coordsPerTile, n - i0)
      const tile = new Float32Array(kt * nt)
      for (let j = 0; j < count; j++) {
        const slice = updates[k0 + j]!.subarray(i0, i0 + nt)
        checkValueRange(slice, maxAbs, k0 + j)
        tile.set(slice, j * nt)
      }
      const [hi, lo] = await backend.run(buildKernel(backend, kt, nt, base), [tile, w, count])
      for (let i = 0; i < nt; i++) sums[i0 + i]! += base * hi![i]! + lo![i]!
    }
  }
  return sums
}

/** The `this` gpu.js gives kernel functions. */
export interface KernelThis {
  thread: { x: number; y: number; z: number }
  constants: { KT: number; NT: number; BASE: number; K: number; LO: number; HI: number; CH: number }
}
