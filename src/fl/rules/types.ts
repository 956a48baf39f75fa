import type { KernelBackend } from '../kernels/backend.js'

/**
 * The bounds within which a rule is proven exact on every backend. The float32 kernels hold
 * integers exactly only below 2^24, so each rule derives its tiling from these numbers, and
 * the rule rejects (with a typed error) any input outside them instead of silently rounding.
 */
export interface DeclaredRanges {
  /** Largest |value| of any update coordinate. */
  readonly maxAbsValue: number
  /** Largest per-update weight (a capped sample count, or the reputation-scaled weight). */
  readonly maxWeight: number
  /** Most updates one aggregation may include. */
  readonly maxUpdates: number
  /** Fewest updates the rule is defined for. */
  readonly minUpdates: number
  /** Most parameters per update. */
  readonly maxParameters: number
}

/**
 * K update vectors of one element type: Int32Array, or Int16Array views of int16 blob bodies
 * (what the chain reads in place). One type per call keeps every element access monomorphic.
 */
export type UpdateVectors = readonly Int32Array[] | readonly Int16Array[]

/** What the chain hands a rule: K quantized updates of equal length N, and per-update data. */
export interface AggregationInput<Updates extends UpdateVectors = readonly Int32Array[]> {
  readonly updates: Updates
  /** Integer weights, one per update (sample counts, capped by the subnet). */
  readonly weights: readonly number[]
  /** Integer reputations in [0, REPUTATION_UNIT], one per update; used by `repfedavg`. */
  readonly reputations?: readonly number[]
}

export interface AggregationResult {
  /** The aggregate, an integer vector on the same quantization scale as the inputs. */
  readonly values: Int32Array
  /** Indices of the updates that entered the result (Krum family), ascending. */
  readonly selected?: readonly number[]
}

/**
 * One aggregation algorithm (STYLE §5): a plain-TypeScript reference that defines the result,
 * a fast CPU path and a gpu.js implementation, both of which must give the same bits. Looked
 * up by name in the registry.
 */
export interface AggregationRule {
  /** Canonical name including parameters, e.g. `trimmed:0.2` (what the subnet stores). */
  readonly name: string
  readonly ranges: DeclaredRanges
  /** The definition: integer math only. Throws FlError on inputs outside `ranges`. */
  reference(input: AggregationInput): AggregationResult
  /**
   * The same function on the fastest exact CPU path here (WebAssembly SIMD for the FedAvg
   * family; the reference itself for the other rules): what a node without a GPU recomputes
   * with. `into` (length N), when given, receives the values instead of a fresh array (after a
   * thrown error its contents are unspecified).
   */
  fast(input: AggregationInput, into?: Int32Array): AggregationResult
  /**
   * `fast` on int16 updates read in place (no widening copy), the same bits as `fast` on their
   * Int32Array copies. Present only where that is cheap: the FedAvg family, whose kernel widens
   * block by block as it copies into its own memory. Callers holding int16 blobs use it when it
   * is there and widen for `fast` otherwise.
   */
  fastInt16?(input: AggregationInput<readonly Int16Array[]>, into?: Int32Array): AggregationResult
  /** The same function on gpu.js; resolves to exactly `reference(input)`. */
  kernel(input: AggregationInput, backend: KernelBackend): Promise<AggregationResult>
  /**
   * How many Byzantine updates of K the rule assumes (its own parameter or default): what
   * nearest-neighbour mixing (`+nnm`) uses for f unless the name fixes it. Absent for rules with
   * no robustness claim (the FedAvg family).
   */
  byzantineTolerance?(k: number): number
}
