import { FlError } from '../errors.js'
import type { KernelBackend } from '../kernels/backend.js'
import { checkInputShape } from './input-checks.js'
import { KRUM_RANGES, defaultByzantine, krumSelect, pairwiseDistancesKernel, pairwiseDistancesReference } from './krum-selection.js'
import type { AggregationInput, AggregationResult, AggregationRule } from './types.js'
import { copyInto } from './weighted-mean.js'

/**
 * Krum (Blanchard et al. 2017): the single update with the lowest Krum score becomes the
 * aggregate, unchanged. `f` is the number of Byzantine updates assumed (`krum:f`); K must be at
 * least 2f + 3. Without f, f = floor((K − 3) / 2).
 */
export function krumRule(f: number | undefined, name: string): AggregationRule {
  const ranges = KRUM_RANGES
  const select = (input: AggregationInput, distances: bigint[][]): AggregationResult => {
    const [chosen] = krumSelect(distances, byzantine(input), 1)
    return { values: input.updates[chosen!]!.slice(), selected: [chosen!] }
  }
  const byzantine = (input: AggregationInput): number => {
    checkInputShape(input, ranges)
    const k = input.updates.length
    const assumed = f ?? defaultByzantine(k)
    if (k < 2 * assumed + 3 && f !== undefined)
      throw new FlError('FL_TOO_FEW_UPDATES', `krum with f=${assumed} needs 2f+3 updates`, { count: k, min: 2 * assumed + 3 })
    return assumed
  }
  const reference = (input: AggregationInput): AggregationResult => {
    byzantine(input)
    return select(input, pairwiseDistancesReference(input.updates, ranges.maxAbsValue))
  }
  return {
    name,
    ranges,
    reference,
    fast(input: AggregationInput, into?: Int32Array): AggregationResult {
      const result = reference(input)
      return { ...result, values: copyInto(result.values, into) }
    },
    async kernel(input: AggregationInput, backend: KernelBackend): Promise<AggregationResult> {
      byzantine(input)
      return select(input, await pairwiseDistancesKernel(backend, input.updates, ranges.maxAbsValue))
    },
    byzantineTolerance: (k: number) => f ?? defaultByzantine(k),
  }
}
