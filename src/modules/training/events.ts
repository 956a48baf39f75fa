import { encodeAddress } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'
import type { ModelVersionValue, RoundValue, UpdateRejectionValue } from './messages.js'
import { TRAINING_ERRORS, type TrainingErrorCode } from './errors.js'

/** Training's event types; every attribute is a string, ids, rounds, heights and amounts in decimal. */
export const TRAINING_EVENTS = {
  roundOpened: 'round_opened',
  updateSubmitted: 'update_submitted',
  aggregateAccepted: 'aggregate_accepted',
  aggregateRejected: 'aggregate_rejected',
  updateRejected: 'update_rejected',
  submitWindowClosed: 'submit_window_closed',
  roundClosed: 'round_closed',
  envelopeKeysPublished: 'envelope_keys_published',
} as const

export const emitRoundOpened = (ctx: Context, r: RoundValue): void =>
  ctx.emit(TRAINING_EVENTS.roundOpened, {
    subnet: String(r.subnet),
    round: String(r.round),
    base_version: String(r.baseVersion),
    base_global_cid: r.baseGlobalCid,
    submit_end: String(r.submitEnd),
    aggregate_end: String(r.aggregateEnd),
    close_height: String(r.closeHeight),
  })

export const emitUpdateSubmitted = (ctx: Context, subnet: bigint, round: bigint, trainer: Uint8Array, cid: string, weight: number): void =>
  ctx.emit(TRAINING_EVENTS.updateSubmitted, {
    subnet: String(subnet),
    round: String(round),
    trainer: encodeAddress(trainer),
    update_cid: cid,
    weight: String(weight),
  })

export const emitAggregateAccepted = (ctx: Context, v: ModelVersionValue, aggregator: Uint8Array): void =>
  ctx.emit(TRAINING_EVENTS.aggregateAccepted, {
    subnet: String(v.subnet),
    round: String(v.round),
    version: String(v.version),
    aggregator: encodeAddress(aggregator),
    aggregate_cid: v.aggregateCid ?? '',
    global_cid: v.globalCid,
    included: String(v.included.length),
  })

/** `code` is WRONG_AGGREGATE's number: the verdict a client switches on, since the tx itself succeeds. */
export const emitAggregateRejected = (
  ctx: Context,
  subnet: bigint,
  round: bigint,
  aggregator: Uint8Array,
  claimed: { resultCid: string; newGlobalCid: string },
  expected: { resultCid: string; newGlobalCid: string },
  slashed: bigint,
  code: number,
): void =>
  ctx.emit(TRAINING_EVENTS.aggregateRejected, {
    subnet: String(subnet),
    round: String(round),
    aggregator: encodeAddress(aggregator),
    code: String(code),
    reason: 'WRONG_AGGREGATE',
    result_cid: claimed.resultCid,
    new_global_cid: claimed.newGlobalCid,
    expected_result_cid: expected.resultCid,
    expected_global_cid: expected.newGlobalCid,
    slashed: String(slashed),
  })

/**
 * A free-rider's verdict: `code` (32 DUPLICATE_CONTENT, 33 ZERO_UPDATE, 34 NEAR_COPY) and
 * `reason` its name; `matched_round` and `matched_trainer` the earlier update it matched ('' for a
 * zero update); `norm_sq` its squared L2 norm in quantized units; `cosine` to the match (Dec text,
 * truncated to 18 digits; '1' for a duplicate, '0' for a zero update); `slashed` the bond burned.
 */
export const emitUpdateRejected = (ctx: Context, subnet: bigint, round: bigint, trainer: Uint8Array, r: UpdateRejectionValue): void =>
  ctx.emit(TRAINING_EVENTS.updateRejected, {
    subnet: String(subnet),
    round: String(round),
    trainer: encodeAddress(trainer),
    update_cid: r.updateCid,
    code: String(r.code),
    reason: reasonOf(r.code),
    matched_round: r.matchedRound === null ? '' : String(r.matchedRound),
    matched_trainer: r.matchedTrainer === null ? '' : encodeAddress(r.matchedTrainer),
    norm_sq: String(r.normSq),
    cosine: r.cosine.toString(),
    slashed: String(r.slashed),
  })

/** The code's name in TRAINING_ERRORS. */
export function reasonOf(code: number): TrainingErrorCode | '' {
  for (const [name, value] of Object.entries(TRAINING_ERRORS)) if (value === code) return name as TrainingErrorCode
  return ''
}

/** Why a submit window ended early (close_submit_when_full): every trainer member submitted, or the round holds its maxUpdates. */
export type SubmitClosedReason = 'all_submitted' | 'full'

/** A submit window ended at the next block: `submit_end`, `aggregate_end` and `close_height` are the round's moved heights. */
export const emitSubmitWindowClosed = (ctx: Context, r: RoundValue, reason: SubmitClosedReason): void =>
  ctx.emit(TRAINING_EVENTS.submitWindowClosed, {
    subnet: String(r.subnet),
    round: String(r.round),
    reason,
    submit_end: String(r.submitEnd),
    aggregate_end: String(r.aggregateEnd),
    close_height: String(r.closeHeight),
  })

export const emitRoundClosed = (ctx: Context, r: RoundValue): void =>
  ctx.emit(TRAINING_EVENTS.roundClosed, {
    subnet: String(r.subnet),
    round: String(r.round),
    updates: String(r.updates),
    version: r.version === null ? '' : String(r.version),
    outcome: r.version === null ? 'no_version' : 'new_version',
  })

/** A private subnet's admin published epoch `epoch`'s key set (envelope-keys.ts) for `recipients` recipients. */
export const emitEnvelopeKeysPublished = (ctx: Context, subnet: bigint, epoch: number, recipients: number): void =>
  ctx.emit(TRAINING_EVENTS.envelopeKeysPublished, { subnet: String(subnet), epoch: String(epoch), recipients: String(recipients) })
