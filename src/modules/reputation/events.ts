import { encodeAddress } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'

/** Reputation's event types; every attribute is a string, ids and rounds in decimal, shares as decimal text. */
export const REPUTATION_EVENTS = {
  scoresCommitted: 'scores_committed',
  scoresRevealed: 'scores_revealed',
  scoresMismatched: 'scores_mismatched',
  validatorNoShow: 'validator_no_show',
  roundScored: 'round_scored',
} as const

const at = (subnet: bigint, round: bigint, validator: Uint8Array) => ({
  subnet: String(subnet),
  round: String(round),
  validator: encodeAddress(validator),
})

export const emitCommitted = (ctx: Context, subnet: bigint, round: bigint, validator: Uint8Array, commitment: Uint8Array): void =>
  ctx.emit(REPUTATION_EVENTS.scoresCommitted, { ...at(subnet, round, validator), commitment: Buffer.from(commitment).toString('hex') })

export const emitRevealed = (ctx: Context, subnet: bigint, round: bigint, validator: Uint8Array, trainers: number): void =>
  ctx.emit(REPUTATION_EVENTS.scoresRevealed, { ...at(subnet, round, validator), trainers: String(trainers) })

/** `code` is SCORES_MISMATCH's number: the verdict a client switches on, since the tx itself succeeds. */
export const emitMismatched = (ctx: Context, subnet: bigint, round: bigint, validator: Uint8Array, code: number): void =>
  ctx.emit(REPUTATION_EVENTS.scoresMismatched, { ...at(subnet, round, validator), code: String(code), reason: 'SCORES_MISMATCH' })

export const emitNoShow = (
  ctx: Context,
  subnet: bigint,
  round: bigint,
  validator: Uint8Array,
  reason: 'no_reveal' | 'mismatch',
  standing: string,
): void => ctx.emit(REPUTATION_EVENTS.validatorNoShow, { ...at(subnet, round, validator), reason, standing })

export const emitRoundScored = (ctx: Context, subnet: bigint, round: bigint, trainers: number, counted: number, scored: boolean): void =>
  ctx.emit(REPUTATION_EVENTS.roundScored, {
    subnet: String(subnet),
    round: String(round),
    trainers: String(trainers),
    validators: String(counted),
    scored: String(scored),
  })
