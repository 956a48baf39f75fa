import type { Module } from '../../state/index.js'
import { stakingExpectedKeepers } from './expected-keepers.js'
import { stakingGenesis } from './genesis.js'
import { stakingMessages } from './handler.js'
import { stakingInvariants } from './invariants.js'
import { StakingKeeper } from './keeper.js'
import { BONDED_POOL, BONDS_POOL, MODULE, NOT_BONDED_POOL } from './keys.js'
import { stakingParams } from './params.js'
import { stakingQueries } from './queries.js'

/** Validators, delegations and their shares, unbonding and redelegation, the validator set, slashing's and other modules' bonds. */
export const stakingModule: Module<StakingKeeper> = {
  name: MODULE,
  expects: stakingExpectedKeepers,
  messages: stakingMessages,
  queries: stakingQueries,
  genesis: stakingGenesis,
  params: stakingParams,
  keeper: (ctx, caller) => new StakingKeeper(ctx, caller),
  endBlock: (ctx) => new StakingKeeper(ctx, MODULE).endBlock(),
  invariants: stakingInvariants,
}

/** The module accounts staking owns, as the composition table must list them. */
export const STAKING_MODULE_ACCOUNTS = {
  [BONDED_POOL]: { owner: MODULE, permissions: ['burner', 'staking'] },
  [NOT_BONDED_POOL]: { owner: MODULE, permissions: ['burner', 'staking'] },
  [BONDS_POOL]: { owner: MODULE, permissions: ['burner', 'staking'] },
} as const

export { StakingKeeper } from './keeper.js'
export { sharesFromTokens, tokensFromSharesTruncated } from './shares.js'
export { consensusAddressOf } from './validator-rules.js'
export { BONDED_POOL, NOT_BONDED_POOL, BONDS_POOL, MODULE as STAKING_MODULE } from './keys.js'
export {
  MsgCreateValidator,
  MsgEditValidator,
  MsgDelegate,
  MsgUndelegate,
  MsgRedelegate,
  MsgCancelUnbonding,
  type MsgCreateValidatorValue,
  type MsgEditValidatorValue,
  type MsgDelegateValue,
  type MsgUndelegateValue,
  type MsgRedelegateValue,
  type MsgCancelUnbondingValue,
} from './messages.js'
export { STAKING_ERRORS, type StakingErrorCode } from './errors.js'
export { STAKING_EVENTS } from './events.js'
export { stakingParams, type StakingParamsValue } from './params.js'
export { stakingInvariants } from './invariants.js'
export { STAKING_HOOKS, type StakingHooks } from './hooks.js'
export type { Bonds } from './bonds.js'
export { tokensFromShares, type ValidatorView, type DelegationView, type BondStatus } from './views.js'
export { parseValidatorAddress } from './queries.js'
