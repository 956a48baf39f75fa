import { encodeAddress } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'
import type { ModelVersionValue, RoundValue } from './messages.js'

/** Training's event types; every attribute is a string, ids, rounds, heights and amounts in decimal. */
export const TRAINING_EVENTS = {
  roundOpened: 'round_opened',
  updateSubmitted: 'update_submitted',
  aggregateAccepted: 'aggregate_accepted',
  aggregateRejected: 'aggregate_rejected',
  roundClosed: 'round_closed',
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
  ctx.emit(TRAINING_EVENTS.updateSubmitted, { subnet: String(subnet), round: String(round), trainer: encodeAddress(trainer), update_cid: cid, weight: String(weight) })

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

export const emitRoundClosed = (ctx: Context, r: RoundValue): void =>
  ctx.emit(TRAINING_EVENTS.roundClosed, {
    subnet: String(r.subnet),
    round: String(r.round),
    updates: String(r.updates),
    version: r.version === null ? '' : String(r.version),
    outcome: r.version === null ? 'no_version' : 'new_version',
  })
