import type { KernelBackend } from '../kernels/backend.js'
import { checkInputShape } from './input-checks.js'
import { ORDER_STATISTIC_RANGES, orderStatisticMeanOnKernel, orderStatisticMeanReference } from './order-statistics.js'
import type { AggregationInput, AggregationResult, AggregationRule } from './types.js'
import { copyInto } from './weighted-mean.js'

/**
 * A rule that averages (with roundDiv) the order statistics lo..hi of each coordinate; median
 * and trimmed mean differ only in how K maps to [lo, hi].
 */
export function orderStatisticRule(
  name: string,
  bounds: (k: number) => [lo: number, hi: number],
  byzantineTolerance: (k: number) => number,
): AggregationRule {
  const ranges = ORDER_STATISTIC_RANGES
  const reference = (input: AggregationInput): AggregationResult => {
    checkInputShape(input, ranges)
    const [lo, hi] = bounds(input.updates.length)
    return { values: orderStatisticMeanReference(input.updates, lo, hi, ranges.maxAbsValue) }
  }
  return {
    name,
    ranges,
    reference,
    fast(input: AggregationInput, into?: Int32Array): AggregationResult {
      return { values: copyInto(reference(input).values, into) }
    },
    async kernel(input: AggregationInput, backend: KernelBackend): Promise<AggregationResult> {
      checkInputShape(input, ranges)
      const [lo, hi] = bounds(input.updates.length)
      return { values: await orderStatisticMeanOnKernel(backend, input.updates, lo, hi, ranges.maxAbsValue) }
    },
    byzantineTolerance,
  }
}
