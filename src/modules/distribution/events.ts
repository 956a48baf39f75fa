import { encodeAddress } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'
import type { CoinValue } from '../bank/messages.js'
import { type DecCoins, formatDecCoins } from './dec-coins.js'

/** Distribution's event types and their attributes, emitted in one place (x/distribution's names). */
export const DISTRIBUTION_EVENTS = {
  rewards: 'rewards',
  commission: 'commission',
  proposerReward: 'proposer_reward',
  withdrawRewards: 'withdraw_rewards',
  withdrawCommission: 'withdraw_commission',
  setWithdrawAddress: 'set_withdraw_address',
  fundCommunityPool: 'fund_community_pool',
} as const

const valoper = (operator: Uint8Array): string => encodeAddress(operator, 'fedravaloper')
const coinsText = (coins: readonly CoinValue[]): string => coins.map((c) => `${c.amount}${c.denom}`).join(',')

export function emitAllocation(ctx: Context, operator: Uint8Array, commission: DecCoins, rewards: DecCoins): void {
  ctx.emit(DISTRIBUTION_EVENTS.commission, { validator: valoper(operator), amount: formatDecCoins(commission) })
  ctx.emit(DISTRIBUTION_EVENTS.rewards, { validator: valoper(operator), amount: formatDecCoins(rewards) })
}

export const emitProposerReward = (ctx: Context, operator: Uint8Array, amount: DecCoins): void =>
  ctx.emit(DISTRIBUTION_EVENTS.proposerReward, { validator: valoper(operator), amount: formatDecCoins(amount) })

export const emitWithdrawRewards = (ctx: Context, delegator: Uint8Array, operator: Uint8Array, coins: readonly CoinValue[]): void =>
  ctx.emit(DISTRIBUTION_EVENTS.withdrawRewards, {
    delegator: encodeAddress(delegator),
    validator: valoper(operator),
    amount: coinsText(coins),
  })

export const emitWithdrawCommission = (ctx: Context, operator: Uint8Array, coins: readonly CoinValue[]): void =>
  ctx.emit(DISTRIBUTION_EVENTS.withdrawCommission, { validator: valoper(operator), amount: coinsText(coins) })

export const emitSetWithdrawAddress = (ctx: Context, delegator: Uint8Array, address: Uint8Array): void =>
  ctx.emit(DISTRIBUTION_EVENTS.setWithdrawAddress, { delegator: encodeAddress(delegator), withdraw_address: encodeAddress(address) })

export const emitFundCommunityPool = (ctx: Context, depositor: Uint8Array, coins: readonly CoinValue[]): void =>
  ctx.emit(DISTRIBUTION_EVENTS.fundCommunityPool, { depositor: encodeAddress(depositor), amount: coinsText(coins) })
