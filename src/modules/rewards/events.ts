import { encodeAddress } from '../../crypto/index.js'
import type { Context, Dec } from '../../state/index.js'
import { REWARDS_ERRORS } from './errors.js'
import type { RoundPayoutsValue } from './messages.js'

/** Rewards' event types; every attribute a string, amounts in units of the bond denomination, shares as decimal text. */
export const REWARDS_EVENTS = {
  fundSubnetPool: 'fund_subnet_pool',
  roundRewarded: 'round_rewarded',
  trainerReward: 'trainer_reward',
  trainerSlashed: 'trainer_slashed',
} as const

export const emitFundSubnetPool = (ctx: Context, subnet: bigint, depositor: Uint8Array, amount: bigint, denom: string): void =>
  ctx.emit(REWARDS_EVENTS.fundSubnetPool, { subnet: String(subnet), depositor: encodeAddress(depositor), amount: `${amount}${denom}` })

export function emitRoundRewarded(ctx: Context, p: RoundPayoutsValue): void {
  const paidTrainers = p.trainers.reduce((sum, t) => sum + t.reward, 0n)
  const paidScorers = p.scorers.reduce((sum, s) => sum + s.amount, 0n)
  ctx.emit(REWARDS_EVENTS.roundRewarded, {
    subnet: String(p.subnet),
    round: String(p.round),
    emission: String(p.emission),
    available: String(p.available),
    trainers: String(paidTrainers),
    aggregator: String(p.aggregatorPaid),
    scorers: String(paidScorers),
    treasury: String(p.dataShare),
    carried: String(p.carried),
    scored: String(p.scored),
  })
}

export const emitTrainerReward = (ctx: Context, subnet: bigint, round: bigint, trainer: Uint8Array, amount: bigint): void =>
  ctx.emit(REWARDS_EVENTS.trainerReward, {
    subnet: String(subnet),
    round: String(round),
    trainer: encodeAddress(trainer),
    amount: String(amount),
  })

/** `code` is HARMFUL_UPDATE's number, as a client switches on; `reason` names it. */
export const emitTrainerSlashed = (
  ctx: Context,
  subnet: bigint,
  round: bigint,
  trainer: Uint8Array,
  quality: Dec,
  fraction: Dec,
  amount: bigint,
): void =>
  ctx.emit(REWARDS_EVENTS.trainerSlashed, {
    subnet: String(subnet),
    round: String(round),
    trainer: encodeAddress(trainer),
    reason: 'harmful',
    code: String(REWARDS_ERRORS.HARMFUL_UPDATE),
    quality: quality.toString(),
    fraction: fraction.toString(),
    amount: String(amount),
  })
