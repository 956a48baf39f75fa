import type { MessageHandler } from '../../state/index.js'
import { DENOM } from '../bank/messages.js'
import { distributionError } from './errors.js'
import { DistributionKeeper } from './keeper.js'
import {
  MsgFundCommunityPool,
  type MsgFundCommunityPoolValue,
  MsgSetWithdrawAddress,
  type MsgSetWithdrawAddressValue,
  MsgWithdrawAllRewards,
  type MsgWithdrawAllRewardsValue,
  MsgWithdrawCommission,
  type MsgWithdrawCommissionValue,
  MsgWithdrawRewards,
  type MsgWithdrawRewardsValue,
} from './messages.js'

/** Distribution's message server: each handler is thin over the keeper. */
const withdrawRewards: MessageHandler<MsgWithdrawRewardsValue> = {
  type: MsgWithdrawRewards,
  handle(ctx, message, signer) {
    new DistributionKeeper(ctx).withdrawRewards(signer.addressBytes, message.validator)
  },
}

const withdrawAllRewards: MessageHandler<MsgWithdrawAllRewardsValue> = {
  type: MsgWithdrawAllRewards,
  handle(ctx, _message, signer) {
    new DistributionKeeper(ctx).withdrawAllRewards(signer.addressBytes)
  },
}

const withdrawCommission: MessageHandler<MsgWithdrawCommissionValue> = {
  type: MsgWithdrawCommission,
  handle(ctx, _message, signer) {
    new DistributionKeeper(ctx).withdrawCommission(signer.addressBytes)
  },
}

const setWithdrawAddress: MessageHandler<MsgSetWithdrawAddressValue> = {
  type: MsgSetWithdrawAddress,
  handle(ctx, message, signer) {
    new DistributionKeeper(ctx).setWithdrawAddress(signer.addressBytes, message.address)
  },
}

/** Coins are canonical when denoms are valid, strictly ascending, amounts positive (bank's rule, distribution's code). */
export function assertValidCoins(coins: readonly { denom: string; amount: bigint }[]): void {
  let previous = ''
  for (const { denom, amount } of coins) {
    if (!DENOM.test(denom)) throw distributionError('INVALID_COINS', `invalid denomination "${denom}"`, { denom })
    if (denom <= previous) throw distributionError('INVALID_COINS', 'coins must be sorted by denomination without duplicates', { denom })
    if (amount <= 0n) throw distributionError('INVALID_COINS', `amount of ${denom} must be positive`, { denom })
    previous = denom
  }
}

const fundCommunityPool: MessageHandler<MsgFundCommunityPoolValue> = {
  type: MsgFundCommunityPool,
  validate(message) {
    assertValidCoins(message.amount)
  },
  handle(ctx, message, signer) {
    new DistributionKeeper(ctx).fundCommunityPool(signer.addressBytes, message.amount)
  },
}

export const distributionMessages: MessageHandler[] = [
  withdrawRewards,
  withdrawAllRewards,
  withdrawCommission,
  setWithdrawAddress,
  fundCommunityPool,
]
