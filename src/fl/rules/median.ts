import type { KernelBackend } from '../kernels/backend.js'
import { checkInputShape } from './input-checks.js'
import { ORDER_STATISTIC_RANGES, orderStatisticMeanOnKernel, orderStatisticMeanReference } from './order-statistics.js'
import type { AggregationInput, AggregationResult, AggregationRule } from './types.js'

/**
 * Coordinate-wise median (Yin et al. 2018): the middle value for odd K; for even K the two
 * middle values averaged with roundDiv (halves towards +∞). Weights are ignored.
 */
export function medianRule(): AggregationRule {
  const ranges = ORDER_STATISTIC_RANGES
  const bounds = (k: number): [number, number] => [Math.floor((k - 1) / 2), Math.floor(k / 2)]
  return {
    name: 'median',
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
