import { FlError } from '../errors.js'
import { roundDiv } from '../int-math.js'
import type { KernelBackend } from '../kernels/backend.js'
import { planSimdWeightedMean, simdModule, simdWeightedMeanApplies, weightedMeanSimd } from '../kernels/simd-weighted-mean.js'
import { planWeightedSum, weightedSumOnKernel } from '../kernels/weighted-sum.js'
import { checkValueRange } from './input-checks.js'
import type { UpdateVectors } from './types.js'

/**
 * The integer weighted mean shared by FedAvg, reputation-weighted FedAvg and Multi-Krum:
 *   out[i] = roundDiv(Σ_k w_k·q_k[i], Σ_k w_k)   (round half towards +∞, see int-math.ts)
 * The sum is exact: the callers' ranges keep K·maxWeight·maxAbs ≤ 2^52.
 */
export function weightedMeanReference(updates: readonly Int32Array[], weights: readonly number[], maxAbs: number): Int32Array {
  const total = totalWeight(weights)
  const n = updates[0]!.length
  const out = new Int32Array(n)
  const span = 2 * maxAbs
  // Hot path (the chain recomputes every FedAvg round with it). Blocks of coordinates keep the
  // float64 accumulator in cache while the updates stream through it once; four updates per
  // pass cut accumulator traffic; the range test is branch-free — any t = v + maxAbs outside
  // [0, span] sets the sign bit of `flags` — and the offending value is located afterwards.
  // Every term is ≤ 2^27 and every sum ≤ 2^43, so float64 is exact here.
  const block = 4096
  const acc = new Float64Array(block)
  let flags = 0
  for (let i0 = 0; i0 < n; i0 += block) {
    const len = Math.min(block, n - i0)
    acc.fill(0)
    let k = 0
    for (; k + 4 <= updates.length; k += 4) {
      const a = updates[k]!
      const b = updates[k + 1]!
      const c = updates[k + 2]!
      const d = updates[k + 3]!
      const wa = weights[k]!
      const wb = weights[k + 1]!
      const wc = weights[k + 2]!
      const wd = weights[k + 3]!
      for (let i = 0; i < len; i++) {
        const j = i0 + i
        const va = a[j]!
        const vb = b[j]!
        const vc = c[j]!
        const vd = d[j]!
        const ta = va + maxAbs
        const tb = vb + maxAbs
        const tc = vc + maxAbs
        const td = vd + maxAbs
        flags |= ta | tb | tc | td | (span - ta) | (span - tb) | (span - tc) | (span - td)
        acc[i]! += wa * va + wb * vb + wc * vc + wd * vd
      }
    }
    for (; k < updates.length; k++) {
      const a = updates[k]!
      const wa = weights[k]!
      for (let i = 0; i < len; i++) {
        const va = a[i0 + i]!
        const ta = va + maxAbs
        flags |= ta | (span - ta)
        acc[i]! += wa * va
      }
    }
    if (flags < 0) break
    for (let i = 0; i < len; i++) out[i0 + i] = roundDiv(acc[i]!, total)
  }
  if (flags < 0) updates.forEach((q, j) => checkValueRange(q, maxAbs, j))
  return out
}

/**
 * The same integers as `weightedMeanReference`, on the WebAssembly SIMD kernel when the engine
 * has it and the weights fit its proof (always, within the FedAvg ranges); otherwise on the
 * reference. Throws the reference's errors, with the same context. `into` (length N) receives
 * the result instead of a fresh array: a hot caller can reuse one buffer and spare the page
 * faults of a new 4·N-byte allocation. The updates may be int16 views of blob bodies (all of
 * one element type): the kernel widens each block as it copies it into its own memory, so no
 * int32 copy of the K·N inputs is made; the integers summed are the same.
 */
export function weightedMeanFast(updates: UpdateVectors, weights: readonly number[], maxAbs: number, into?: Int32Array): Int32Array {
  const total = totalWeight(weights)
  const module = simdModule()
  const plan = planSimdWeightedMean(maxAbs, updates.length)
  if (module === null || !simdWeightedMeanApplies(weights, maxAbs, plan))
    return copyInto(weightedMeanReference(widened(updates), weights, maxAbs), into)
  const out = weightedMeanSimd(module, updates, weights, total, maxAbs, plan, into)
  if (out === undefined) {
    updates.forEach((q: Int16Array | Int32Array, j: number) => checkValueRange(q, maxAbs, j))
    throw new Error('unreachable: the SIMD range check failed but no value is out of range')
  }
  return out
}

/** The updates as Int32Array (int16 ones copied): the reference's loops stay monomorphic, and only nodes without the SIMD kernel pay the copy. */
function widened(updates: UpdateVectors): readonly Int32Array[] {
  return updates.every((q: Int16Array | Int32Array) => q instanceof Int32Array)
    ? (updates as readonly Int32Array[])
    : updates.map((q: Int16Array | Int32Array) => Int32Array.from(q))
}

/** `values`, or `into` holding a copy of them. */
export function copyInto(values: Int32Array, into: Int32Array | undefined): Int32Array {
  if (into === undefined) return values
  if (into.length !== values.length)
    throw new FlError('FL_RULE_INPUT', 'output buffer has the wrong length', {
      reason: `output ${into.length}, aggregate ${values.length}`,
    })
  into.set(values)
  return into
}

export async function weightedMeanOnKernel(
  backend: KernelBackend,
  updates: readonly Int32Array[],
  weights: readonly number[],
  maxAbs: number,
  maxWeight: number,
): Promise<Int32Array> {
  const total = totalWeight(weights)
  const plan = planWeightedSum(maxAbs, maxWeight, updates.length, updates[0]!.length)
  const sums = await weightedSumOnKernel(backend, updates, weights, maxAbs, plan)
  const out = new Int32Array(sums.length)
  for (let i = 0; i < sums.length; i++) out[i] = roundDiv(sums[i]!, total)
  return out
}

function totalWeight(weights: readonly number[]): number {
  let total = 0
  for (const w of weights) total += w
  if (total === 0) throw new FlError('FL_ZERO_WEIGHT', 'the weights of the included updates sum to zero', { updates: weights.length })
  return total
}
