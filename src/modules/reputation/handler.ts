import { encodeAddress, type PublicKey } from '../../crypto/index.js'
import { equalBytes } from '../../codec/index.js'
import { type Context, Dec, type MessageHandler } from '../../state/index.js'
import { type ModelVersionValue, type RoundValue, isSecAggRound } from '../training/messages.js'
import { ReputationBooks } from './books.js'
import { scoreCommitment } from './commitment.js'
import { REPUTATION_ERRORS, reputationError } from './errors.js'
import { emitCommitted, emitMismatched, emitRevealed } from './events.js'
import { STAKING, TRAINING } from './expected-keepers.js'
import {
  MsgCommitScores,
  type MsgCommitScoresValue,
  MsgRevealScores,
  type MsgRevealScoresValue,
  type TrainerScoreValue,
  scoreWindows,
} from './messages.js'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** The round a message names, still open at this height: UNKNOWN_ROUND, ROUND_CLOSED. */
function openRound(ctx: Context, subnet: bigint, number: bigint): RoundValue {
  const round = ctx.keeper(TRAINING).round(subnet, number)
  const at = { subnet: String(subnet), round: String(number) }
  if (round === undefined) throw reputationError('UNKNOWN_ROUND', `training has no round ${number} of subnet ${subnet}`, at)
  if (round.closed || BigInt(ctx.block.height) >= round.closeHeight)
    throw reputationError('ROUND_CLOSED', `round ${number} of subnet ${subnet} closed at height ${round.closeHeight}`, at)
  return round
}

/** The round's accepted version (checked once the aggregate window is over): NO_VERSION. */
function versionOf(ctx: Context, round: RoundValue): ModelVersionValue {
  const version = round.version === null ? undefined : ctx.keeper(TRAINING).version(round.subnet, round.version)
  if (version === undefined)
    throw reputationError('NO_VERSION', `round ${round.round} of subnet ${round.subnet} has no accepted aggregate to score`, {
      subnet: String(round.subnet),
      round: String(round.round),
    })
  return version
}

/** Only the operator of a bonded, unjailed validator scores: NOT_VALIDATOR. */
function checkValidator(ctx: Context, signer: PublicKey): void {
  const validator = ctx.keeper(STAKING).validator(signer.addressBytes)
  if (validator === undefined || validator.status !== 'bonded' || validator.jailed) {
    const state = validator === undefined ? 'no validator' : validator.jailed ? 'jailed' : validator.status
    throw reputationError('NOT_VALIDATOR', `${signer.address} is not the operator of a bonded, unjailed validator (${state})`, { state })
  }
}

/**
 * MsgCommitScores: a bonded validator's commitment in the commit half of the round's score
 * window, [aggregateEnd, revealStart) (messages.ts scoreWindows). Refusals: UNKNOWN_ROUND,
 * ROUND_CLOSED, NOT_VALIDATOR, COMMIT_TOO_EARLY (the aggregate window still runs), NO_VERSION,
 * COMMIT_TOO_LATE, ALREADY_COMMITTED.
 */
const commitScores: MessageHandler<MsgCommitScoresValue> = {
  type: MsgCommitScores,
  handle(ctx, m, signer) {
    const round = openRound(ctx, m.subnet, m.round)
    checkValidator(ctx, signer)
    const height = BigInt(ctx.block.height)
    const windows = scoreWindows(round)
    const at = { subnet: String(m.subnet), round: String(m.round), height: String(height) }
    if (height < windows.commitStart)
      throw reputationError('COMMIT_TOO_EARLY', `round ${m.round} takes commitments from height ${windows.commitStart}`, at)
    versionOf(ctx, round)
    if (height >= windows.revealStart)
      throw reputationError(
        'COMMIT_TOO_LATE',
        `round ${m.round} took commitments at heights ${windows.commitStart}..${windows.revealStart - 1n}`,
        at,
      )
    const books = new ReputationBooks(ctx.moduleStore())
    const validator = signer.addressBytes
    if (books.commit(m.subnet, m.round, validator) !== undefined)
      throw reputationError('ALREADY_COMMITTED', `${signer.address} already committed to round ${m.round} of subnet ${m.subnet}`, at)
    books.setCommit(m.subnet, m.round, validator, {
      commitment: m.commitment,
      status: 'committed',
      committedHeight: height,
      revealedHeight: null,
      scores: [],
      stake: 0n,
      trust: Dec.ZERO,
      dividend: Dec.ZERO,
    })
    emitCommitted(ctx, m.subnet, m.round, validator, m.commitment)
  },
}

/** Strictly ascending trainers, stateless: DUPLICATE_TRAINER, UNSORTED_TRAINERS. */
function checkTrainerOrder(scores: readonly TrainerScoreValue[]): void {
  for (let i = 1; i < scores.length; i++) {
    const order = Buffer.compare(scores[i - 1]!.trainer, scores[i]!.trainer)
    if (order === 0)
      throw reputationError('DUPLICATE_TRAINER', `trainer ${encodeAddress(scores[i]!.trainer)} is scored twice`, { index: i })
    if (order > 0)
      throw reputationError('UNSORTED_TRAINERS', `scores must list trainers in ascending address order; entry ${i} is not`, { index: i })
  }
}

/** The reveal names exactly the version's trainers (both sorted): UNKNOWN_TRAINER, MISSING_TRAINER. */
function checkTrainerSet(scores: readonly TrainerScoreValue[], version: ModelVersionValue): void {
  const included = new Set(version.included.map((c) => hex(c.trainer)))
  for (const [i, s] of scores.entries()) {
    if (!included.has(hex(s.trainer)))
      throw reputationError('UNKNOWN_TRAINER', `version ${version.version} does not include trainer ${encodeAddress(s.trainer)}`, {
        index: i,
      })
  }
  const named = new Set(scores.map((s) => hex(s.trainer)))
  for (const c of version.included) {
    if (!named.has(hex(c.trainer)))
      throw reputationError(
        'MISSING_TRAINER',
        `the reveal leaves out trainer ${encodeAddress(c.trainer)} of version ${version.version}`,
        {},
      )
  }
}

/**
 * In a secure-aggregation round every trainer gets the same score (SECAGG_UNEQUAL_SCORES): the
 * validators saw only masked updates, so a score can only judge the round's aggregate, and it
 * judges every survivor alike: all 0 blames the group, any equal positive score credits it. Yuma
 * then gives each trainer the consensus share 1/K, and rewards (∝ consensus × capped samples)
 * pay in proportion to sample counts: participation × sample count, the only contribution the
 * chain can attest without seeing an update (docs/privacy.md). A score that tells trainers apart
 * would be made up, or leaked from outside the protocol.
 */
function checkGroupScores(scores: readonly TrainerScoreValue[], round: RoundValue): void {
  if (!isSecAggRound(round)) return
  const first = scores[0]?.score
  const other = scores.findIndex((s) => s.score !== first)
  if (other >= 0)
    throw reputationError(
      'SECAGG_UNEQUAL_SCORES',
      `round ${round.round} of subnet ${round.subnet} is securely aggregated: every trainer gets the same score (entry ${other} is ${scores[other]!.score}, entry 0 is ${first})`,
      { subnet: String(round.subnet), round: String(round.round), index: other },
    )
}

/**
 * MsgRevealScores: the reveal of a commitment in the reveal half [revealStart, closeHeight).
 * Refusals (the tx fails, the commitment still stands): DUPLICATE_TRAINER, UNSORTED_TRAINERS
 * (stateless), UNKNOWN_ROUND, ROUND_CLOSED, NO_VERSION, NOT_VALIDATOR, REVEAL_TOO_EARLY,
 * NOT_COMMITTED, ALREADY_REVEALED, UNKNOWN_TRAINER, MISSING_TRAINER, SECAGG_UNEQUAL_SCORES (a
 * secure-aggregation round: checkGroupScores). Then the scores are hashed
 * with the salt (commitment.ts) and compared with the commitment:
 *
 * - equal: the scores are recorded (status revealed, in the version's trainer order) and count
 *   when the round closes; scores_revealed.
 * - different: a verdict, not a refusal. The tx SUCCEEDS with a scores_mismatched event carrying
 *   code SCORES_MISMATCH (17), and the commitment is recorded as mismatched: no scores, no
 *   dividend for the round, and a no-show against the validator's standing when it settles.
 *   A failed tx's writes are dropped, so a refusal could not keep that record (as training's
 *   wrong aggregates); the verdict is final (a second reveal: ALREADY_REVEALED).
 */
const revealScores: MessageHandler<MsgRevealScoresValue> = {
  type: MsgRevealScores,
  validate: (m) => checkTrainerOrder(m.scores),
  handle(ctx, m, signer) {
    const round = openRound(ctx, m.subnet, m.round)
    const version = versionOf(ctx, round)
    checkValidator(ctx, signer)
    const height = BigInt(ctx.block.height)
    const windows = scoreWindows(round)
    const at = { subnet: String(m.subnet), round: String(m.round), height: String(height) }
    if (height < windows.revealStart)
      throw reputationError('REVEAL_TOO_EARLY', `round ${m.round} takes reveals from height ${windows.revealStart}`, at)
    const books = new ReputationBooks(ctx.moduleStore())
    const validator = signer.addressBytes
    const commit = books.commit(m.subnet, m.round, validator)
    if (commit === undefined)
      throw reputationError('NOT_COMMITTED', `${signer.address} did not commit to round ${m.round} of subnet ${m.subnet}`, at)
    if (commit.status !== 'committed')
      throw reputationError('ALREADY_REVEALED', `${signer.address} already revealed for round ${m.round} (${commit.status})`, at)
    checkTrainerSet(m.scores, version)
    checkGroupScores(m.scores, round)
    const expected = scoreCommitment({ validator, subnet: m.subnet, round: m.round, salt: m.salt, scores: m.scores })
    if (equalBytes(expected, commit.commitment)) {
      books.setCommit(m.subnet, m.round, validator, {
        ...commit,
        status: 'revealed',
        revealedHeight: height,
        scores: m.scores.map((s) => s.score),
      })
      emitRevealed(ctx, m.subnet, m.round, validator, m.scores.length)
    } else {
      books.setCommit(m.subnet, m.round, validator, { ...commit, status: 'mismatched', revealedHeight: height })
      emitMismatched(ctx, m.subnet, m.round, validator, REPUTATION_ERRORS.SCORES_MISMATCH)
    }
  },
}

export const reputationMessages: MessageHandler[] = [commitScores, revealScores]
