import { FlError } from '../errors.js'
import { floorDiv } from '../int-math.js'
import type { KernelBackend } from '../kernels/backend.js'
import { FEDAVG_RANGES } from './fedavg.js'
import { checkInputShape } from './input-checks.js'
import type { AggregationInput, AggregationResult, AggregationRule, UpdateVectors } from './types.js'
import { weightedMeanFast, weightedMeanOnKernel, weightedMeanReference } from './weighted-mean.js'

/** Reputations are fixed-point in [0, REPUTATION_UNIT] (per mille), as the reputation module keeps them. */
export const REPUTATION_UNIT = 1000

/**
 * Reputation-weighted FedAvg: weight_k = floor(n_k · r_k / REPUTATION_UNIT), then FedAvg. A
 * trainer with reputation 0 contributes nothing; the effective weights stay ≤ maxWeight, so the
 * FedAvg proof of exactness carries over unchanged.
 */
export function repFedAvgRule(): AggregationRule {
  const ranges = FEDAVG_RANGES
  const effectiveWeights = (input: AggregationInput<UpdateVectors>): number[] => {
    checkInputShape(input, ranges)
    const reputations = input.reputations
    if (reputations === undefined || reputations.length !== input.updates.length)
      throw new FlError('FL_RULE_INPUT', 'repfedavg needs one reputation per update', { reason: `reputations ${reputations?.length ?? 0}` })
    return input.weights.map((w, k) => {
      const r = reputations[k]!
      if (!Number.isInteger(r) || r < 0 || r > REPUTATION_UNIT)
        throw new FlError('FL_RULE_INPUT', 'reputation outside [0, REPUTATION_UNIT]', { reason: `reputation ${r}`, update: k })
      return floorDiv(w * r, REPUTATION_UNIT)
    })
  }
  return {
    name: 'repfedavg',
    ranges,
    reference(input: AggregationInput): AggregationResult {
      return { values: weightedMeanReference(input.updates, effectiveWeights(input), ranges.maxAbsValue) }
    },
    fast(input: AggregationInput, into?: Int32Array): AggregationResult {
      return { values: weightedMeanFast(input.updates, effectiveWeights(input), ranges.maxAbsValue, into) }
    },
    fastInt16(input: AggregationInput<readonly Int16Array[]>, into?: Int32Array): AggregationResult {
      return { values: weightedMeanFast(input.updates, effectiveWeights(input), ranges.maxAbsValue, into) }
    },
    async kernel(input: AggregationInput, backend: KernelBackend): Promise<AggregationResult> {
      const weights = effectiveWeights(input)
      return { values: await weightedMeanOnKernel(backend, input.updates, weights, ranges.maxAbsValue, ranges.maxWeight) }
    },
  }
}
