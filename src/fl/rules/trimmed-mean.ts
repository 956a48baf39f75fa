import type { KernelBackend } from '../kernels/backend.js'
import { checkInputShape } from './input-checks.js'
import { ORDER_STATISTIC_RANGES, orderStatisticMeanOnKernel, orderStatisticMeanReference } from './order-statistics.js'
import type { AggregationInput, AggregationResult, AggregationRule } from './types.js'

/**
 * Coordinate-wise trimmed mean (Yin et al. 2018): drop the t = floor(K·β) smallest and largest
 * values per coordinate and roundDiv the rest. β is held as an integer per mille so that t is
 * computed without floating point: t = floor(K·βPerMille / 1000).
 */
export function trimmedMeanRule(betaPerMille: number, name: string): AggregationRule {
  const ranges = ORDER_STATISTIC_RANGES
  const bounds = (k: number): [number, number] => {
    const t = Math.floor((k * betaPerMille) / 1000)
    return [t, k - 1 - t]
  }
  return {
    name,
    ranges,
    reference(input: AggregationInput): AggregationResult {
      checkInputShape(input, ranges)
      const [lo, hi] = bounds(input.updates.length)
      return { values: orderStatisticMeanReference(input.updates, lo, hi, ranges.maxAbsValue) }
    },
    async kernel(input: AggregationInput, backend: KernelBackend): Promise<AggregationResult> {
      checkInputShape(input, ranges)
      const [lo, hi] = bounds(input.updates.length)
      return { values: await orderStatisticMeanOnKernel(backend, input.updates, lo, hi, ranges.maxAbsValue) }
    },
  }
}
