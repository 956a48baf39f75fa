import { FlError } from '../errors.js'
import type { KernelBackend } from '../kernels/backend.js'
import { checkInputShape } from './input-checks.js'
import { KRUM_RANGES, defaultByzantine, krumSelect, pairwiseDistancesKernel, pairwiseDistancesReference } from './krum-selection.js'
import type { AggregationInput, AggregationResult, AggregationRule } from './types.js'
import { weightedMeanFast, weightedMeanOnKernel, weightedMeanReference } from './weighted-mean.js'

/**
 * Multi-Krum (El Mhamdi et al. 2018): select the m updates with the lowest Krum scores and
 * FedAvg them by sample weight. `multikrum:f:m`; m defaults to K − f.
 */
export function multiKrumRule(f: number | undefined, m: number | undefined, name: string): AggregationRule {
  const ranges = KRUM_RANGES
  const parameters = (input: AggregationInput): { byzantine: number; keep: number } => {
    checkInputShape(input, ranges)
    const k = input.updates.length
    const byzantine = f ?? defaultByzantine(k)
    if (k < 2 * byzantine + 3 && f !== undefined)
      throw new FlError('FL_TOO_FEW_UPDATES', `multikrum with f=${byzantine} needs 2f+3 updates`, { count: k, min: 2 * byzantine + 3 })
    const keep = Math.min(k, m ?? k - byzantine)
    return { byzantine, keep }
  }
  const pick = <T>(items: readonly T[], indices: readonly number[]): T[] => indices.map((i) => items[i]!)
  return {
    name,
    ranges,
    reference(input: AggregationInput): AggregationResult {
      const { byzantine, keep } = parameters(input)
      const selected = krumSelect(pairwiseDistancesReference(input.updates, ranges.maxAbsValue), byzantine, keep)
      return { values: weightedMeanReference(pick(input.updates, selected), pick(input.weights, selected), ranges.maxAbsValue), selected }
    },
    fast(input: AggregationInput, into?: Int32Array): AggregationResult {
      const { byzantine, keep } = parameters(input)
      const selected = krumSelect(pairwiseDistancesReference(input.updates, ranges.maxAbsValue), byzantine, keep)
      return { values: weightedMeanFast(pick(input.updates, selected), pick(input.weights, selected), ranges.maxAbsValue, into), selected }
    },
    async kernel(input: AggregationInput, backend: KernelBackend): Promise<AggregationResult> {
      const { byzantine, keep } = parameters(input)
      const selected = krumSelect(await pairwiseDistancesKernel(backend, input.updates, ranges.maxAbsValue), byzantine, keep)
      const values = await weightedMeanOnKernel(
        backend,
        pick(input.updates, selected),
        pick(input.weights, selected),
        ranges.maxAbsValue,
        ranges.maxWeight,
      )
      return { values, selected }
    },
    byzantineTolerance: (k: number) => f ?? defaultByzantine(k),
  }
}
