import { orderStatisticRule } from './order-statistic-rule.js'
import type { AggregationRule } from './types.js'

/**
 * Coordinate-wise median (Yin et al. 2018): the middle value for odd K; for even K the two
 * middle values averaged with roundDiv (halves towards +∞). Weights are ignored.
 */
export function medianRule(): AggregationRule {
  const bounds = (k: number): [number, number] => [Math.floor((k - 1) / 2), Math.floor(k / 2)]
  // the median's breakdown point: any ⌊(K−1)/2⌋ values can move, the middle stays among the rest
  return orderStatisticRule('median', bounds, (k) => Math.floor((k - 1) / 2))
}
