import { type Context, Dec, implementHooks, readParams } from '../../state/index.js'
import { TRAINING_HOOKS } from '../training/hooks.js'
import type { ModelVersionValue, RoundValue } from '../training/messages.js'
import { type CommitView, ReputationBooks } from './books.js'
import { emitNoShow, emitRoundScored } from './events.js'
import { STAKING } from './expected-keepers.js'
import { REPUTATION_HOOKS, type ScoredTrainer, type ValidatorDividend } from './hooks.js'
import type { CommitStatus, ValidatorStandingValue } from './messages.js'
import { type ReputationParamsValue, reputationParams } from './params.js'
import { type YumaRow, yuma } from './yuma.js'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const FRESH_STANDING: ValidatorStandingValue = { standing: Dec.ONE, noShows: 0, reveals: 0, lastRound: 0n }

/**
 * A trainer's round quality q = min(1, C · K): its consensus score C (a share of the round,
 * Σ C ≤ 1) against an equal share 1/K of the round's K trainers. A trainer worth at least an
 * equal share scores 1, one the validators found worthless 0; unlike C itself, q does not
 * shrink as a subnet takes more trainers, so reputations (and a subnet's minimum) compare
 * across rounds of any size.
 */
export function roundQuality(consensusScore: Dec, trainers: number): Dec {
  return Dec.min(Dec.ONE, consensusScore.mulInt(BigInt(trainers)))
}

/** The reputation EMA, r ← α·q + (1 − α)·r_old, each product truncated: stays in [0, 1] when q and r_old do. */
export function nextReputation(previous: Dec, quality: Dec, alpha: Dec): Dec {
  return alpha.mul(quality).add(Dec.ONE.sub(alpha).mul(previous))
}

/**
 * A validator's standing after a round it committed to: s ← d·s + (1 − d) when its reveal
 * counted, s ← d·s for a no-show (no reveal, or a mismatch). Standing multiplies the stake Yuma
 * weighs, so a persistent no-show's consensus weight, bonds and dividends shrink geometrically
 * (d = 0.5: 1/2, 1/4, 1/8 …) and recover as geometrically by showing up again.
 */
export function nextStanding(previous: Dec, showedUp: boolean, decay: Dec): Dec {
  const kept = decay.mul(previous)
  return showedUp ? kept.add(Dec.ONE.sub(decay)) : kept
}

/**
 * Settles a round when training closes it (roundClosed, begin-block of the close height):
 *
 * 1. Verdicts: a commitment still `committed` is a no_show; a reveal whose validator is no
 *    longer bonded and unjailed is `excluded` (it weighs nothing, and is no no-show).
 * 2. Yuma (yuma.ts) over the round's trainers (the version's order) and every validator that
 *    committed or holds bonds on them (address order); a counted reveal weighs tokens × standing.
 * 3. Bonds written back; each commitment gets its stake, trust and dividend; standings move
 *    (nextStanding) and no-shows are counted (validator_no_show events).
 * 4. Per trainer a receipt; when some reveal counted, its reputation moves (nextReputation of
 *    roundQuality). When none counted, every receipt records score 0 and `scored: false`, and no
 *    reputation changes.
 * 5. round_scored, then REPUTATION_HOOKS.roundScored for the rewards module.
 *
 * A round without a version has nothing to score (no commitment could be made): nothing happens.
 */
export function settleRound(ctx: Context, round: RoundValue, version: ModelVersionValue | null): void {
  if (version === null) return
  const { subnet } = round
  const books = new ReputationBooks(ctx.moduleStore())
  const params = readParams(ctx.moduleStore(), reputationParams)
  const trainers = version.included
  const verdicts = verdictsOf(ctx, books, round)
  const rows = rowsOf(books, subnet, trainers, verdicts)
  const result = yuma(
    rows.map((r) => r.row),
    trainers.length,
    params,
  )
  rows.forEach(({ validator, row }, i) => {
    trainers.forEach((t, j) => books.setBond(subnet, t.trainer, validator, result.bonds[i]![j]!))
    const verdict = verdicts.get(hex(validator))
    if (verdict !== undefined)
      books.setCommit(subnet, round.round, validator, {
        ...verdict.commit.record,
        status: verdict.status,
        stake: row.stake,
        trust: result.trust[i]!,
        dividend: result.dividends[i]!,
      })
  })
  settleStandings(ctx, books, round, [...verdicts.values()], params)
  const scored = result.totalStake > 0n
  const scoredTrainers: ScoredTrainer[] = trainers.map((t, j) => {
    const consensusScore = scored ? result.consensus[j]! : Dec.ZERO
    const previous = books.reputation(subnet, t.trainer)
    let reputationAfter = previous?.value ?? params.initialReputation
    if (scored) {
      reputationAfter = nextReputation(reputationAfter, roundQuality(consensusScore, trainers.length), params.reputationAlpha)
      books.setReputation(subnet, t.trainer, { value: reputationAfter, rounds: (previous?.rounds ?? 0) + 1, lastRound: round.round })
    }
    books.setReceipt({
      subnet,
      round: round.round,
      trainer: t.trainer,
      version: version.version,
      updateCid: t.updateCid,
      weight: t.sampleCount,
      consensusScore,
      reputationAfter,
      scored,
      reward: 0n,
      slashed: 0n,
      height: BigInt(ctx.block.height),
    })
    return { trainer: t.trainer, consensusScore, weight: t.sampleCount }
  })
  const dividends: ValidatorDividend[] = rows.map(({ validator }, i) => ({ operator: validator, dividend: result.dividends[i]! }))
  emitRoundScored(ctx, subnet, round.round, trainers.length, rows.filter((r) => r.row.scores !== null).length, scored)
  ctx.hooks(REPUTATION_HOOKS).roundScored(subnet, round.round, scoredTrainers, dividends)
}

interface Verdict {
  commit: CommitView
  status: CommitStatus
  /** The effective stake Yuma weighs (tokens × standing); 0 unless the reveal counts. */
  stake: bigint
}

/** Step 1: each commitment's final status, and the effective stake of a counted reveal. */
function verdictsOf(ctx: Context, books: ReputationBooks, round: RoundValue): Map<string, Verdict> {
  const staking = ctx.keeper(STAKING)
  const verdicts = new Map<string, Verdict>()
  for (const commit of books.commits(round.subnet, round.round)) {
    const recorded = commit.record.status as CommitStatus
    let verdict: Verdict = { commit, status: recorded === 'committed' ? 'no_show' : recorded, stake: 0n }
    if (recorded === 'revealed') {
      const v = staking.validator(commit.validator)
      const standing = (books.standing(round.subnet, commit.validator) ?? FRESH_STANDING).standing
      verdict =
        v === undefined || v.status !== 'bonded' || v.jailed
          ? { ...verdict, status: 'excluded' }
          : { ...verdict, stake: (v.tokens * standing.raw) / Dec.ONE.raw }
    }
    verdicts.set(hex(commit.validator), verdict)
  }
  return verdicts
}

/** Yuma's rows: every validator that committed or holds a bond on one of the trainers, in address order. */
function rowsOf(
  books: ReputationBooks,
  subnet: bigint,
  trainers: ModelVersionValue['included'],
  verdicts: Map<string, Verdict>,
): { validator: Uint8Array; row: YumaRow }[] {
  const validators = new Map<string, Uint8Array>()
  for (const v of verdicts.values()) validators.set(hex(v.commit.validator), v.commit.validator)
  for (const t of trainers) for (const b of books.bonds(subnet, t.trainer)) validators.set(hex(b.validator), b.validator)
  return [...validators.keys()].sort().map((key) => {
    const validator = validators.get(key)!
    const verdict = verdicts.get(key)
    const counted = verdict !== undefined && verdict.status === 'revealed' && verdict.stake > 0n
    return {
      validator,
      row: {
        stake: counted ? verdict.stake : 0n,
        scores: counted ? verdict.commit.record.scores : null,
        bonds: trainers.map((t) => books.bond(subnet, t.trainer, validator)),
      },
    }
  })
}

function settleStandings(
  ctx: Context,
  books: ReputationBooks,
  round: RoundValue,
  verdicts: Verdict[],
  params: ReputationParamsValue,
): void {
  for (const { commit, status } of verdicts) {
    if (status === 'excluded') continue
    const previous = books.standing(round.subnet, commit.validator) ?? FRESH_STANDING
    const showedUp = status === 'revealed'
    const standing = nextStanding(previous.standing, showedUp, params.standingDecay)
    books.setStanding(round.subnet, commit.validator, {
      standing,
      noShows: previous.noShows + (showedUp ? 0 : 1),
      reveals: previous.reveals + (showedUp ? 1 : 0),
      lastRound: round.round,
    })
    if (!showedUp)
      emitNoShow(ctx, round.subnet, round.round, commit.validator, status === 'mismatched' ? 'mismatch' : 'no_reveal', standing.toString())
  }
}

/** Reputation's subscription to training's rounds: it settles a round when the round closes. */
export const trainingHooks = implementHooks(TRAINING_HOOKS, (ctx) => ({
  roundOpened: () => {},
  roundAggregated: () => {},
  roundClosed: (round, version) => settleRound(ctx, round, version),
}))
