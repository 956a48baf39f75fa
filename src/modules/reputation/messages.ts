// Message and stored types only (codec, nothing else): clients and the scorer daemon build
// transactions from this file, and the rewards module reads Receipt from it.
import { t, type StructValue } from '../../codec/index.js'
import { decType } from '../../state/dec.js'
import { MAX_INCLUDED } from '../training/messages.js'

const address = t.fixedBytes(20)
const cid = t.string({ max: 128 })

/** A validator's score of one trainer's update in a round: an integer on the subnet's scoring scale (higher is better). */
export const TrainerScore = t.struct('reputation/TrainerScore', 2600, 1, {
  trainer: address,
  score: t.u32,
})

/**
 * A validator's commitment to its scores of `round` of `subnet`, in the first half of the
 * round's score window: `commitment` = commitment.ts scoreCommitment(validator, subnet, round,
 * salt, scores), 32 bytes. One per validator per round; signed by the validator's operator account.
 */
export const MsgCommitScores = t.struct('reputation/MsgCommitScores', 2610, 1, {
  subnet: t.u64,
  round: t.u64,
  commitment: t.fixedBytes(32),
})

/**
 * The reveal of a commitment, in the second half of the score window: the salt and one score
 * for every trainer the round's accepted version includes, in strictly ascending trainer order
 * (the version's order). A reveal that does not hash to the commitment is a recorded verdict
 * (scores_mismatched), not a refused tx.
 */
export const MsgRevealScores = t.struct('reputation/MsgRevealScores', 2611, 1, {
  subnet: t.u64,
  round: t.u64,
  salt: t.fixedBytes(32),
  scores: t.array(TrainerScore, { max: MAX_INCLUDED }),
})

/**
 * What a commitment hashes (commitment.ts): the validator is bound in, so a validator cannot
 * copy another's commitment and later replay its reveal as its own.
 */
export const ScoreCommitmentPreimage = t.struct('reputation/ScoreCommitmentPreimage', 2612, 1, {
  validator: address,
  subnet: t.u64,
  round: t.u64,
  salt: t.fixedBytes(32),
  scores: t.array(TrainerScore, { max: MAX_INCLUDED }),
})

/**
 * The state of a validator's scoring of one round:
 *   committed   committed, not (yet) revealed
 *   revealed    revealed, matching its commitment (`scores` in the version's trainer order)
 *   mismatched  revealed scores that do not hash to its commitment (no scores kept)
 *   no_show     committed and never revealed (set when the round closes)
 *   excluded    revealed, but no longer a bonded, unjailed validator when the round closed
 * After the round closes: `stake` (effective stake Yuma weighed, 0 unless counted), `trust`
 * (Yuma validator trust) and `dividend` (its share of the round's validator dividends) are filled.
 */
export const ScoreCommit = t.struct('reputation/ScoreCommit', 2620, 1, {
  commitment: t.fixedBytes(32),
  status: t.string({ max: 16 }),
  committedHeight: t.u64,
  revealedHeight: t.optional(t.u64),
  scores: t.array(t.u32, { max: MAX_INCLUDED }),
  stake: t.uint(),
  trust: decType,
  dividend: decType,
})

/**
 * The proof of contribution: one per trainer of a scored round (every trainer the round's
 * accepted version includes), written when the round closes and provable against a header
 * (keys.ts receiptStateKey). `consensusScore` is Yuma's consensus weight of the update (a
 * share in [0, 1]); `scored` false when no validator's reveal counted (score 0, reputation
 * unchanged). `reward` and `slashed` are 0 until the rewards and slashing of trainers fill
 * them (keeper.ts recordPayout); `weight` is the capped sample count the aggregate used.
 */
export const Receipt = t.struct('reputation/Receipt', 2621, 1, {
  subnet: t.u64,
  round: t.u64,
  trainer: address,
  version: t.u64,
  updateCid: cid,
  weight: t.u32,
  consensusScore: decType,
  reputationAfter: decType,
  scored: t.bool,
  reward: t.uint(),
  slashed: t.uint(),
  height: t.u64,
})

/** A trainer's reputation in a subnet (an EMA in [0, 1]), the rounds that moved it, and the last of them. */
export const ReputationRecord = t.struct('reputation/Reputation', 2622, 1, {
  value: decType,
  rounds: t.u32,
  lastRound: t.u64,
})

/**
 * A validator's standing in a subnet's scoring, in [0, 1] (starts at 1): an EMA of showing up
 * (settlement.ts), multiplying its stake in Yuma. `noShows` counts its missed or mismatched
 * reveals, `reveals` its counted ones.
 */
export const ValidatorStanding = t.struct('reputation/ValidatorStanding', 2623, 1, {
  standing: decType,
  noShows: t.u32,
  reveals: t.u32,
  lastRound: t.u64,
})

/** Yuma's bond of a validator on a trainer (column-normalized EMA, in [0, 1]). */
export const BondRecord = t.struct('reputation/Bond', 2624, 1, {
  bond: decType,
})

export type TrainerScoreValue = StructValue<typeof TrainerScore.fields>
export type MsgCommitScoresValue = StructValue<typeof MsgCommitScores.fields>
export type MsgRevealScoresValue = StructValue<typeof MsgRevealScores.fields>
export type ScoreCommitmentPreimageValue = StructValue<typeof ScoreCommitmentPreimage.fields>
export type ScoreCommitValue = StructValue<typeof ScoreCommit.fields>
export type ReceiptValue = StructValue<typeof Receipt.fields>
export type ReputationValue = StructValue<typeof ReputationRecord.fields>
export type ValidatorStandingValue = StructValue<typeof ValidatorStanding.fields>

export const COMMIT_STATUSES = ['committed', 'revealed', 'mismatched', 'no_show', 'excluded'] as const
export type CommitStatus = (typeof COMMIT_STATUSES)[number]

/** The heights of a round's score window: commits in [aggregateEnd, revealStart), reveals in [revealStart, closeHeight). */
export interface ScoreWindows {
  commitStart: bigint
  revealStart: bigint
  revealEnd: bigint
}

/**
 * The split of a round's score window [aggregateEnd, closeHeight) of w blocks: the first ⌊w/2⌋
 * blocks take commits, the remaining ⌈w/2⌉ reveals. A window under 2 blocks has no commit
 * half, so such a round cannot be scored.
 */
export function scoreWindows(round: { aggregateEnd: bigint; closeHeight: bigint }): ScoreWindows {
  const width = round.closeHeight - round.aggregateEnd
  return { commitStart: round.aggregateEnd, revealStart: round.aggregateEnd + width / 2n, revealEnd: round.closeHeight }
}
