import { type Context, Dec, implementHooks, readParams } from '../../state/index.js'
import { REPUTATION_HOOKS, type ScoredTrainer, type ValidatorDividend } from '../reputation/hooks.js'
import { RewardsBooks } from './books.js'
import { emitRoundRewarded, emitTrainerReward, emitTrainerSlashed } from './events.js'
import { BANK, REPUTATION, STAKING, SUBNETS, TRAINING } from './expected-keepers.js'
import { REWARDS_ACCOUNT } from './keys.js'
import type { RoundPayoutsValue, ScorerPayoutValue, TrainerPayoutValue } from './messages.js'
import { rewardsParams } from './params.js'
import { type Allocator, largestRemainder, splitPool } from './split.js'

/**
 * A trainer's round quality before reputation caps it: C·K, its consensus score against an
 * equal share 1/K of the round's K trainers (reputation's roundQuality without the min(1, ·)).
 */
export const qualityOf = (consensusScore: Dec, trainers: number): Dec => consensusScore.mulInt(BigInt(trainers))

/**
 * Whether a trainer's update was harmful: the validators' consensus found some value in the
 * round (Σ C > 0) and this trainer's quality C·K lies below `threshold`. When nobody's update
 * counted (no reveal, or every consensus score 0) nobody is singled out.
 */
export function isHarmful(consensusScore: Dec, trainers: number, roundScored: boolean, threshold: Dec): boolean {
  return roundScored && qualityOf(consensusScore, trainers).lt(threshold)
}

/**
 * Settles round `round` of `subnet` when reputation has scored it (REPUTATION_HOOKS.roundScored,
 * begin-block of the close height, after the receipts are written):
 *
 * 1. Emission: `emission_per_round` of the bond denomination is minted into the rewards account
 *    and the subnet's pool; `available` = the pool now (carried + funded + emission).
 * 2. Split by the subnet's reward split for the round: four parts, each ⌊available × share⌋.
 * 3. Trainers' part: paid ∝ consensus score × capped samples (largest remainder, split.ts), to
 *    every trainer not found harmful; when no such weight is positive (no reveal counted, every
 *    score 0, or every trainer harmful) the part stays in the pool.
 *    Aggregator's part: to the version's aggregator. Scorers' part: to validators' operators ∝
 *    their dividends; when every dividend is 0 the part stays in the pool. Data part: into the
 *    subnet's treasury.
 * 4. Harmful trainers (isHarmful) lose `trainer_slash_fraction` of their subnet bond through
 *    subnets' slashMember, which burns it (infraction height: the round's open height).
 * 5. The pool keeps what was not paid (the split's truncation dust, parts nobody could claim):
 *    carried to the subnet's next settlement. Each receipt records its reward and slash
 *    (reputation's recordPayout), and the round's RoundPayouts is stored.
 *
 * Coins move by bank sends from the rewards account, directly into the payees' accounts.
 * `allocate` divides a part among claims (largestRemainder; a test plants a wrong one).
 */
export function settleRewards(
  ctx: Context,
  subnet: bigint,
  roundNumber: bigint,
  trainers: readonly ScoredTrainer[],
  validators: readonly ValidatorDividend[],
  allocate: Allocator = largestRemainder,
): RoundPayoutsValue {
  const params = readParams(ctx.moduleStore(), rewardsParams)
  const books = new RewardsBooks(ctx.moduleStore())
  const bank = ctx.keeper(BANK)
  const subnets = ctx.keeper(SUBNETS)
  const training = ctx.keeper(TRAINING)
  const denom = ctx.keeper(STAKING).bondDenom()
  const coins = (amount: bigint) => [{ denom, amount }]
  const round = training.round(subnet, roundNumber)
  const version = round === undefined || round.version === null ? undefined : training.version(subnet, round.version)

  const emission = params.emissionPerRound
  if (emission > 0n) bank.mint(REWARDS_ACCOUNT, coins(emission))
  const available = books.pool(subnet) + emission
  const parts = splitPool(available, subnets.effectiveParams(subnet, roundNumber).rewardSplit)

  const scored = trainers.some((t) => !t.consensusScore.isZero())
  const harmful = trainers.map((t) => isHarmful(t.consensusScore, trainers.length, scored, params.harmfulScoreThreshold))
  const trainerClaims = trainers.map((t, i) => ({ key: t.trainer, weight: harmful[i] ? 0n : t.consensusScore.raw * BigInt(t.weight) }))
  const trainersOwed = trainerClaims.some((c) => c.weight > 0n)
  const rewards = trainersOwed ? allocate(parts.trainers, trainerClaims) : trainers.map(() => 0n)

  const aggregator = version?.aggregator ?? null
  const aggregatorPaid = aggregator === null ? 0n : parts.aggregator

  const scorerClaims = validators.map((v) => ({ key: v.operator, weight: v.dividend.raw }))
  const scorersOwed = scorerClaims.some((c) => c.weight > 0n)
  const scorerAmounts = scorersOwed ? allocate(parts.scorers, scorerClaims) : validators.map(() => 0n)

  const carried = available - (trainersOwed ? parts.trainers : 0n) - aggregatorPaid - (scorersOwed ? parts.scorers : 0n) - parts.data
  books.setPool(subnet, carried)
  books.setTreasury(subnet, books.treasury(subnet) + parts.data)

  const reputation = ctx.keeper(REPUTATION)
  let burned = 0n
  const trainerPayouts: TrainerPayoutValue[] = trainers.map((t, i) => {
    const reward = rewards[i]!
    if (reward > 0n) {
      bank.sendFromModule(REWARDS_ACCOUNT, t.trainer, coins(reward))
      emitTrainerReward(ctx, subnet, roundNumber, t.trainer, reward)
    }
    let slashed = 0n
    // Harm that persists: the reputation written for this round is already low (one noisy round is not enough).
    if (
      harmful[i] &&
      params.trainerSlashFraction.gt(Dec.ZERO) &&
      reputation.reputationOf(subnet, t.trainer).lt(params.slashReputationThreshold)
    ) {
      slashed = subnets.slashMember(
        subnet,
        'trainer',
        t.trainer,
        params.trainerSlashFraction,
        Number(round?.openHeight ?? BigInt(ctx.block.height)),
      )
      burned += slashed
      emitTrainerSlashed(
        ctx,
        subnet,
        roundNumber,
        t.trainer,
        qualityOf(t.consensusScore, trainers.length),
        params.trainerSlashFraction,
        slashed,
      )
    }
    if (reward > 0n || slashed > 0n) reputation.recordPayout(subnet, roundNumber, t.trainer, { reward, slashed })
    return { trainer: t.trainer, reward, slashed, harmful: harmful[i]! }
  })
  if (aggregator !== null && aggregatorPaid > 0n) bank.sendFromModule(REWARDS_ACCOUNT, aggregator, coins(aggregatorPaid))
  const scorerPayouts: ScorerPayoutValue[] = validators.map((v, i) => {
    if (scorerAmounts[i]! > 0n) bank.sendFromModule(REWARDS_ACCOUNT, v.operator, coins(scorerAmounts[i]!))
    return { operator: v.operator, amount: scorerAmounts[i]! }
  })

  const totals = books.totals()
  books.setTotals({ emitted: totals.emitted + emission, burned: totals.burned + burned })
  const record: RoundPayoutsValue = {
    subnet,
    round: roundNumber,
    version: version?.version ?? 0n,
    scored,
    emission,
    available,
    trainersShare: parts.trainers,
    aggregatorShare: parts.aggregator,
    scorersShare: parts.scorers,
    dataShare: parts.data,
    trainers: trainerPayouts,
    aggregator,
    aggregatorPaid,
    scorers: scorerPayouts,
    carried,
    height: BigInt(ctx.block.height),
  }
  books.setPayouts(record)
  emitRoundRewarded(ctx, record)
  return record
}

/** Rewards' subscription to reputation's scores, with the allocator the settlement divides parts by. */
export const reputationHooksWith = (allocate: Allocator) =>
  implementHooks(REPUTATION_HOOKS, (ctx) => ({
    roundScored: (subnet, round, trainers, validators) => {
      settleRewards(ctx, subnet, round, trainers, validators, allocate)
    },
  }))

/** Rewards settles a round in the begin-block that closes it, once reputation has scored it. */
export const reputationHooks = reputationHooksWith(largestRemainder)
