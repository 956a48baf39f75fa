import { getAggregationRule } from '../../fl/rules/registry.js'
import type { Context } from '../../state/index.js'
import { type RoundFormat, modelOf, recompute, submittedValues } from '../training/model.js'
import type { AggregateRejectionValue, RoundValue } from '../training/messages.js'
import type { UpdateView } from '../training/books.js'

/** The blobs a `wrong_rejection` recomputation reads: the round's base model, its updates (trainer order), the rejected result and model. */
export function rejectionEvidence(round: RoundValue, updates: readonly UpdateView[], rejection: AggregateRejectionValue): string[] {
  return [round.baseGlobalCid, ...updates.map((u) => u.updateCid), rejection.resultCid, rejection.newGlobalCid]
}

/**
 * Whether the aggregate training rejected was in fact right: the round's rule recomputed from the
 * round's updates (their capped weights) and base model, exactly as MsgSubmitAggregate does
 * (training's model.ts `recompute`, the reference's bits), and its CIDs held against the ones
 * the rejected aggregate named. Gas: gas_per_coordinate × (K + 2) × N, charged before any blob is
 * read. Throws as training would on inputs it refused (AGGREGATION_FAILED, an update code).
 */
export function rejectedAggregateWasRight(
  ctx: Context,
  round: RoundValue,
  updates: readonly UpdateView[],
  rejection: AggregateRejectionValue,
  parameterCount: number,
  gasPerCoordinate: number,
): boolean {
  ctx.gas.consume(BigInt(gasPerCoordinate) * BigInt(updates.length + 2) * BigInt(parameterCount), 'dispute recomputation')
  const format: RoundFormat = { dtype: round.dtype, scale: round.scale, maxAbs: round.maxAbs, parameterCount }
  const values = updates.map((u) => submittedValues(ctx.block.blobs.get(u.updateCid), format))
  const base = modelOf(ctx.block.blobs.get(round.baseGlobalCid), parameterCount, round.baseGlobalCid)
  const expected = recompute(
    getAggregationRule(round.rule),
    values,
    updates.map((u) => u.weight),
    base,
    format,
  )
  return expected.aggregateCid === rejection.resultCid && expected.modelCid === rejection.newGlobalCid
}
