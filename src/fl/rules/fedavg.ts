import type { KernelBackend } from '../kernels/backend.js'
import { checkInputShape } from './input-checks.js'
import type { AggregationInput, AggregationResult, AggregationRule, DeclaredRanges } from './types.js'
import { weightedMeanFast, weightedMeanOnKernel, weightedMeanReference } from './weighted-mean.js'

/**
 * Values fit int16 (the usual wire dtype), sample counts are capped at 4096 by the subnet, and
 * 2^16 updates keep the exact sum below 2^43. The kernel tiles 16 updates per float32 partial.
 */
export const FEDAVG_RANGES: DeclaredRanges = {
  maxAbsValue: 32767,
  maxWeight: 4096,
  maxUpdates: 65536,
  minUpdates: 1,
  maxParameters: 2 ** 28,
}

/**
 * FedAvg (McMahan et al. 2017), sample-weighted: roundDiv(Σ n_k·q_k, Σ n_k) per coordinate.
 * FedProx uses the same server step (its proximal term lives in the trainer), so `fedprox`
 * resolves here too under its own name.
 */
export function fedAvgRule(name = 'fedavg'): AggregationRule {
  return {
    name,
    ranges: FEDAVG_RANGES,
    reference(input: AggregationInput): AggregationResult {
      checkInputShape(input, FEDAVG_RANGES)
      return { values: weightedMeanReference(input.updates, input.weights, FEDAVG_RANGES.maxAbsValue) }
    },
    fast(input: AggregationInput, into?: Int32Array): AggregationResult {
      checkInputShape(input, FEDAVG_RANGES)
      return { values: weightedMeanFast(input.updates, input.weights, FEDAVG_RANGES.maxAbsValue, into) }
    },
    fastInt16(input: AggregationInput<readonly Int16Array[]>, into?: Int32Array): AggregationResult {
      checkInputShape(input, FEDAVG_RANGES)
      return { values: weightedMeanFast(input.updates, input.weights, FEDAVG_RANGES.maxAbsValue, into) }
    },
    async kernel(input: AggregationInput, backend: KernelBackend): Promise<AggregationResult> {
      checkInputShape(input, FEDAVG_RANGES)
      const { maxAbsValue, maxWeight } = FEDAVG_RANGES
      return { values: await weightedMeanOnKernel(backend, input.updates, input.weights, maxAbsValue, maxWeight) }
    },
  }
}
