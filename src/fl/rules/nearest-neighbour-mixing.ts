import { FlError } from '../errors.js'
import type { KernelBackend } from '../kernels/backend.js'
import { checkInputShape } from './input-checks.js'
import { KRUM_RANGES, pairwiseDistancesKernel, pairwiseDistancesReference } from './krum-selection.js'
import type { AggregationInput, AggregationResult, AggregationRule } from './types.js'
import { weightedMeanFast, weightedMeanOnKernel, weightedMeanReference } from './weighted-mean.js'

/**
 * For each update i, the `keep` updates nearest to it (itself included, at distance 0), ordered
 * by (exact squared distance, index): ties go to the lower index, so the set is a function of
 * the distance matrix alone. Returned ascending by index.
 */
export function nearestNeighbours(distances: readonly (readonly bigint[])[], keep: number): number[][] {
  return distances.map((row) =>
    row
      .map((_, j) => j)
      .sort((x, y) => (row[x]! < row[y]! ? -1 : row[x]! > row[y]! ? 1 : x - y))
      .slice(0, keep)
      .sort((x, y) => x - y),
  )
}

const pick = <T>(items: readonly T[], indices: readonly number[]): T[] => indices.map((i) => items[i]!)

/**
 * Nearest-neighbour mixing (Allouah et al., "Fixing by Mixing", AISTATS 2023): every update is
 * replaced by the unweighted mean of its K − f nearest updates in L2, itself included, i.e.
 * roundDiv(Σ_{j ∈ N_i} q_j[c], K − f) per coordinate — the FedAvg mean with unit weights. Each
 * honest update then averages ≥ K − 2f honest ones, which shrinks the honest spread that the
 * robust rule's bias is proportional to.
 */
export function mixReference(updates: readonly Int32Array[], keep: number, maxAbs: number): Int32Array[] {
  const ones = new Array<number>(keep).fill(1)
  return nearestNeighbours(pairwiseDistancesReference(updates, maxAbs), keep).map((n) =>
    weightedMeanReference(pick(updates, n), ones, maxAbs),
  )
}

/** `mixReference` with each mean on the WebAssembly SIMD path (same bits). */
export function mixFast(updates: readonly Int32Array[], keep: number, maxAbs: number): Int32Array[] {
  const ones = new Array<number>(keep).fill(1)
  return nearestNeighbours(pairwiseDistancesReference(updates, maxAbs), keep).map((n) => weightedMeanFast(pick(updates, n), ones, maxAbs))
}

/** `mixReference` on gpu.js: the exact distance kernel, then the exact weighted-sum kernel per update. */
export async function mixOnKernel(
  backend: KernelBackend,
  updates: readonly Int32Array[],
  keep: number,
  maxAbs: number,
): Promise<Int32Array[]> {
  const ones = new Array<number>(keep).fill(1)
  const neighbours = nearestNeighbours(await pairwiseDistancesKernel(backend, updates, maxAbs), keep)
  const mixed: Int32Array[] = []
  for (const n of neighbours) mixed.push(await weightedMeanOnKernel(backend, pick(updates, n), ones, maxAbs, 1))
  return mixed
}

/**
 * `inner` applied to the mixed updates (`median+nnm`, `trimmed:0.3+nnm`, `krum+nnm:2`). f is
 * `byzantine` when the name gives it, else the inner rule's own tolerance at K; 2f < K is
 * required (NNM's assumption: honest updates are a majority of every neighbourhood). Weights
 * and reputations stay with their index (Multi-Krum averages the mixed updates by them);
 * `selected` indexes the mixed updates.
 */
export function nearestNeighbourMixingRule(inner: AggregationRule, byzantine: number | undefined, name: string): AggregationRule {
  const tolerance = inner.byzantineTolerance
  if (tolerance === undefined && byzantine === undefined)
    throw new FlError('FL_RULE_PARAMS', `${inner.name} has no f of its own: give nnm:F (${name})`, { name, reason: 'nnm needs f' })
  // mixing computes pairwise distances, so K is bounded by Krum's ranges (equal to the inner robust rules')
  const ranges = { ...inner.ranges, maxUpdates: Math.min(inner.ranges.maxUpdates, KRUM_RANGES.maxUpdates) }
  const maxAbs = ranges.maxAbsValue
  const keep = (input: AggregationInput): number => {
    checkInputShape(input, ranges)
    const k = input.updates.length
    const f = byzantine ?? tolerance!(k)
    if (2 * f >= k)
      throw new FlError('FL_TOO_FEW_UPDATES', `nearest-neighbour mixing with f=${f} needs 2f+1 updates`, { count: k, min: 2 * f + 1 })
    return k - f
  }
  return {
    name,
    ranges,
    reference(input: AggregationInput): AggregationResult {
      return inner.reference({ ...input, updates: mixReference(input.updates, keep(input), maxAbs) })
    },
    fast(input: AggregationInput, into?: Int32Array): AggregationResult {
      return inner.fast({ ...input, updates: mixFast(input.updates, keep(input), maxAbs) }, into)
    },
    async kernel(input: AggregationInput, backend: KernelBackend): Promise<AggregationResult> {
      return inner.kernel({ ...input, updates: await mixOnKernel(backend, input.updates, keep(input), maxAbs) }, backend)
    },
    ...(tolerance === undefined ? {} : { byzantineTolerance: tolerance }),
  }
}
