// Message types only (codec, nothing else): the browser client builds transactions from this file.
import { t, type StructValue } from '../../codec/index.js'
import { Coin } from '../bank/messages.js'

/** Withdraws the signer's rewards from one delegation; `validator` is the operator address. */
export const MsgWithdrawRewards = t.struct('distribution/MsgWithdrawRewards', 2200, 1, {
  validator: t.fixedBytes(20),
})

/** Withdraws the signer's rewards from every delegation it has. */
export const MsgWithdrawAllRewards = t.struct('distribution/MsgWithdrawAllRewards', 2201, 1, {})

/** Withdraws the commission of the validator the signer operates (operator address = signer's address). */
export const MsgWithdrawCommission = t.struct('distribution/MsgWithdrawCommission', 2202, 1, {})

/** Where the signer's rewards (and, for an operator, its commission) are paid; the signer's own address resets it. */
export const MsgSetWithdrawAddress = t.struct('distribution/MsgSetWithdrawAddress', 2203, 1, {
  address: t.fixedBytes(20),
})

/** Gives coins of the signer to the community pool. */
export const MsgFundCommunityPool = t.struct('distribution/MsgFundCommunityPool', 2204, 1, {
  amount: t.array(Coin, { min: 1, max: 8 }),
})

export type MsgWithdrawRewardsValue = StructValue<typeof MsgWithdrawRewards.fields>
export type MsgWithdrawAllRewardsValue = StructValue<typeof MsgWithdrawAllRewards.fields>
export type MsgWithdrawCommissionValue = StructValue<typeof MsgWithdrawCommission.fields>
export type MsgSetWithdrawAddressValue = StructValue<typeof MsgSetWithdrawAddress.fields>
export type MsgFundCommunityPoolValue = StructValue<typeof MsgFundCommunityPool.fields>
