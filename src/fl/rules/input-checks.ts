import { FlError } from '../errors.js'
import type { AggregationInput, DeclaredRanges, UpdateVectors } from './types.js'

/**
 * Structural checks shared by every rule: counts, lengths and weights against the declared
 * ranges. Value ranges are checked inside each rule's own pass over the data (a separate pass
 * would double the memory traffic of the cheapest rules). Returns N.
 */
export function checkInputShape(input: AggregationInput<UpdateVectors>, ranges: DeclaredRanges): number {
  const { updates, weights } = input
  const k = updates.length
  if (k < ranges.minUpdates)
    throw new FlError('FL_TOO_FEW_UPDATES', `rule needs at least ${ranges.minUpdates} updates`, { count: k, min: ranges.minUpdates })
  if (k > ranges.maxUpdates)
    throw new FlError('FL_TOO_MANY_UPDATES', `rule accepts at most ${ranges.maxUpdates} updates`, { count: k, max: ranges.maxUpdates })
  if (weights.length !== k)
    throw new FlError('FL_RULE_INPUT', 'one weight per update is required', { reason: `weights ${weights.length} for ${k} updates` })
  const n = updates[0]!.length
  if (n === 0) throw new FlError('FL_RULE_INPUT', 'updates are empty', { reason: 'zero parameters' })
  if (n > ranges.maxParameters)
    throw new FlError('FL_TOO_MANY_PARAMETERS', 'update longer than the rule allows', { count: n, max: ranges.maxParameters })
  for (let j = 0; j < k; j++) {
    if (updates[j]!.length !== n)
      throw new FlError('FL_RULE_INPUT', 'updates differ in length', {
        reason: `update ${j} has ${updates[j]!.length}, expected ${n}`,
        update: j,
      })
    const w = weights[j]!
    if (!Number.isInteger(w) || w < 0 || w > ranges.maxWeight)
      throw new FlError('FL_WEIGHT_RANGE', 'weight outside the declared range', { update: j, weight: w, maxWeight: ranges.maxWeight })
  }
  return n
}

/** Throws FL_VALUE_RANGE for the first coordinate of `values` with |v| > maxAbs. */
export function checkValueRange(values: Int32Array | Int16Array, maxAbs: number, update: number): void {
  const span = 2 * maxAbs
  for (let i = 0; i < values.length; i++) {
    // one unsigned compare tests both bounds: v + maxAbs ∈ [0, 2·maxAbs]
    if ((values[i]! + maxAbs) >>> 0 > span) throw valueRangeError(values, i, maxAbs, update)
  }
}

export function valueRangeError(values: Int32Array | Int16Array, index: number, maxAbs: number, update: number): FlError<'FL_VALUE_RANGE'> {
  return new FlError('FL_VALUE_RANGE', 'update value outside the declared range', { index, value: values[index]!, maxAbs, update })
}
