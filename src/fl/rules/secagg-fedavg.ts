import { FlError } from '../errors.js'
import type { KernelBackend } from '../kernels/backend.js'
import { SecAggError } from '../secagg/errors.js'
import { maskCorrection, secAggMean } from '../secagg/mask.js'
import type { SecAggRecovery } from '../secagg/recovery.js'
import { MAX_SIGNED_RESIDUE, SECAGG_MAX_UPDATES, SECAGG_MAX_WEIGHT } from '../secagg/ring.js'
import { checkInputShape } from './input-checks.js'
import type { AggregationInput, AggregationResult, AggregationRule, DeclaredRanges } from './types.js'

/**
 * The wire values are masked residues (any int32 but −2^31); the plain updates under the masks are
 * bounded by PLAIN_MAX_ABS (src/fl/secagg/ring.ts), and weights and counts are small enough that
 * the exact weighted sum of any admissible round fits the ring.
 */
export const SECAGG_FEDAVG_RANGES: DeclaredRanges = {
  maxAbsValue: MAX_SIGNED_RESIDUE,
  maxWeight: SECAGG_MAX_WEIGHT,
  maxUpdates: SECAGG_MAX_UPDATES,
  minUpdates: 1,
  maxParameters: 2 ** 28,
}

/**
 * FedAvg under secure aggregation: the updates are the survivors' masked vectors
 * y_k = w_k·x_k + masks (src/fl/secagg/mask.ts), already weighted by their trainers, and the rule
 * returns roundDiv(Σ w_k·x_k, Σ w_k) — plain FedAvg's integers over the survivors, bit for bit —
 * after adding `correction`, the masks the survivors share with dropped members, rebuilt from
 * those members' revealed shares. The registry's `secagg-fedavg` has no correction (nobody
 * dropped); the chain and the aggregator build the rule of each round with its own (secAggRecoveredRule).
 *
 * The modular sum is linear and memory-bound, so `fast` is the reference, and `kernel` runs it on
 * the CPU too: a float32 gpu.js kernel would have to split 32-bit residues into limbs for a sum
 * that costs one pass over K·N integers.
 */
export function secAggFedAvgRule(correction?: Uint32Array, name = 'secagg-fedavg'): AggregationRule {
  const run = (input: AggregationInput, into?: Int32Array): AggregationResult => {
    checkInputShape(input, SECAGG_FEDAVG_RANGES)
    try {
      return { values: secAggMean(input.updates, input.weights, correction, into) }
    } catch (error) {
      if (error instanceof SecAggError) throw new FlError('FL_RULE_INPUT', error.plainMessage, { reason: error.code }, { cause: error })
      throw error
    }
  }
  return {
    name,
    ranges: SECAGG_FEDAVG_RANGES,
    reference: (input) => run(input),
    fast: (input, into) => run(input, into),
    async kernel(input: AggregationInput, _backend: KernelBackend): Promise<AggregationResult> {
      return run(input)
    },
  }
}

/**
 * A secagg round's rule from its recovery (src/fl/secagg/recovery.ts): secagg-fedavg carrying the
 * correction that removes every survivor's self mask and the pairwise masks shared with dropped
 * members, and the gas of expanding them, gasPerCoordinate × length per mask (SecAggRecovery's
 * expansions). `rule()` does the expansion, so the chain charges `gas` before it.
 */
export function secAggRecoveredRule(
  recovery: SecAggRecovery,
  length: number,
  gasPerCoordinate: bigint,
): { gas: bigint; rule: () => AggregationRule } {
  const { roundId, graph, dropped, survivors, selfSeeds } = recovery
  return {
    gas: gasPerCoordinate * BigInt(length) * BigInt(recovery.expansions),
    rule: () => secAggFedAvgRule(maskCorrection({ roundId, graph, length, dropped, survivors, selfSeeds })),
  }
}
