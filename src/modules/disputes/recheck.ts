import type { AggregateRejectionValue, RoundValue, UpdateValue } from '../training/messages.js'

/** The blobs a `wrong_rejection` recomputation reads: the round's base model, its updates (trainer order), the rejected result and model. */
export function rejectionEvidence(round: RoundValue, updates: readonly UpdateValue[], rejection: AggregateRejectionValue): string[] {
  return [round.baseGlobalCid, ...updates.map((u) => u.updateCid), rejection.resultCid, rejection.newGlobalCid]
}
