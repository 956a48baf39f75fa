// Message types (codec only): the client builds staking transactions from this file.
import { t, type StructValue } from '../../codec/index.js'
import { decType } from '../../state/dec.js'
import { Coin } from '../bank/messages.js'

const address = t.fixedBytes(20)

/** Creates a validator run by the signer (the operator), self-bonding `value`. */
export const MsgCreateValidator = t.struct('staking/MsgCreateValidator', 2000, 1, {
  /** ed25519 consensus public key. */
  pubKey: t.fixedBytes(32),
  moniker: t.string({ max: 70 }),
  commissionRate: decType,
  commissionMaxRate: decType,
  commissionMaxChangeRate: decType,
  minSelfDelegation: t.uint(),
  value: Coin,
})

/** Edits the signer's validator; null leaves a field as it is. */
export const MsgEditValidator = t.struct('staking/MsgEditValidator', 2001, 1, {
  moniker: t.optional(t.string({ max: 70 })),
  commissionRate: t.optional(decType),
  minSelfDelegation: t.optional(t.uint()),
})

/** Delegates `amount` of the signer's coins to `validator` (an operator address). */
export const MsgDelegate = t.struct('staking/MsgDelegate', 2002, 1, { validator: address, amount: Coin })

/** Undelegates `amount` tokens' worth of the signer's shares in `validator`; the coins return after unbonding_time. */
export const MsgUndelegate = t.struct('staking/MsgUndelegate', 2003, 1, { validator: address, amount: Coin })

/** Moves `amount` tokens' worth of the signer's delegation from `source` to `destination` at once (slashable for source's faults until it matures). */
export const MsgRedelegate = t.struct('staking/MsgRedelegate', 2004, 1, { source: address, destination: address, amount: Coin })

/** Re-delegates `amount` of the unbonding entry (signer, validator) created at `creationHeight` back to the validator. */
export const MsgCancelUnbonding = t.struct('staking/MsgCancelUnbonding', 2005, 1, {
  validator: address,
  creationHeight: t.u64,
  amount: Coin,
})

export type MsgCreateValidatorValue = StructValue<typeof MsgCreateValidator.fields>
export type MsgEditValidatorValue = StructValue<typeof MsgEditValidator.fields>
export type MsgDelegateValue = StructValue<typeof MsgDelegate.fields>
export type MsgUndelegateValue = StructValue<typeof MsgUndelegate.fields>
export type MsgRedelegateValue = StructValue<typeof MsgRedelegate.fields>
export type MsgCancelUnbondingValue = StructValue<typeof MsgCancelUnbonding.fields>
