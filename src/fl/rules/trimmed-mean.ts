import { orderStatisticRule } from './order-statistic-rule.js'
import type { AggregationRule } from './types.js'

/**
 * Coordinate-wise trimmed mean (Yin et al. 2018): drop the t = floor(K·β) smallest and largest
 * values per coordinate and roundDiv the rest. β is held as an integer per mille so that t is
 * computed without floating point: t = floor(K·βPerMille / 1000).
 */
export function trimmedMeanRule(betaPerMille: number, name: string): AggregationRule {
  const trimmed = (k: number): number => Math.floor((k * betaPerMille) / 1000)
  const bounds = (k: number): [number, number] => [trimmed(k), k - 1 - trimmed(k)]
  return orderStatisticRule(name, bounds, trimmed)
}
