import type { MessageHandler } from '../../state/index.js'
import { stakingError } from './errors.js'
import { StakingKeeper } from './keeper.js'
import { assertCommission } from './validator-rules.js'
import { MODULE } from './keys.js'
import {
  MsgCancelUnbonding,
  type MsgCancelUnbondingValue,
  MsgCreateValidator,
  type MsgCreateValidatorValue,
  MsgDelegate,
  type MsgDelegateValue,
  MsgEditValidator,
  type MsgEditValidatorValue,
  MsgRedelegate,
  type MsgRedelegateValue,
  MsgUndelegate,
  type MsgUndelegateValue,
} from './messages.js'

const positive = (amount: bigint): void => {
  if (amount <= 0n) throw stakingError('INVALID_AMOUNT', 'amount must be positive')
}
const keeper = (ctx: Parameters<MessageHandler['handle']>[0]) => new StakingKeeper(ctx, MODULE)

/** Staking's message server: thin over the keeper; the signer is the operator / delegator. */
export const stakingMessages: MessageHandler[] = [
  {
    type: MsgCreateValidator,
    validate(m: MsgCreateValidatorValue) {
      positive(m.value.amount)
      assertCommission(m.commissionRate, m.commissionMaxRate, m.commissionMaxChangeRate)
      if (m.moniker.trim().length === 0) throw stakingError('INVALID_MONIKER', 'a moniker is 1–70 characters, not blank')
    },
    handle: (ctx, m: MsgCreateValidatorValue, signer) => keeper(ctx).createValidator(signer.addressBytes, m),
  },
  {
    type: MsgEditValidator,
    validate(m: MsgEditValidatorValue) {
      if (m.moniker !== null && m.moniker.trim().length === 0)
        throw stakingError('INVALID_MONIKER', 'a moniker is 1–70 characters, not blank')
    },
    handle: (ctx, m: MsgEditValidatorValue, signer) => keeper(ctx).editValidator(signer.addressBytes, m),
  },
  {
    type: MsgDelegate,
    validate: (m: MsgDelegateValue) => positive(m.amount.amount),
    handle: (ctx, m: MsgDelegateValue, signer) => void keeper(ctx).delegate(signer.addressBytes, m.validator, m.amount),
  },
  {
    type: MsgUndelegate,
    validate: (m: MsgUndelegateValue) => positive(m.amount.amount),
    handle: (ctx, m: MsgUndelegateValue, signer) => void keeper(ctx).undelegate(signer.addressBytes, m.validator, m.amount),
  },
  {
    type: MsgRedelegate,
    validate(m: MsgRedelegateValue) {
      positive(m.amount.amount)
      if (Buffer.compare(m.source, m.destination) === 0) throw stakingError('SAME_VALIDATOR', 'cannot redelegate to the same validator')
    },
    handle: (ctx, m: MsgRedelegateValue, signer) => void keeper(ctx).redelegate(signer.addressBytes, m.source, m.destination, m.amount),
  },
  {
    type: MsgCancelUnbonding,
    validate: (m: MsgCancelUnbondingValue) => positive(m.amount.amount),
    handle: (ctx, m: MsgCancelUnbondingValue, signer) =>
      keeper(ctx).cancelUnbonding(signer.addressBytes, m.validator, m.creationHeight, m.amount),
  },
]
