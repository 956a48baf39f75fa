import { expectKeeper } from '../../state/index.js'
import type { CoinValue } from '../bank/messages.js'
import type { DelegationView, ValidatorView } from '../staking/views.js'

/** What distribution calls on staking (x/distribution's expected StakingKeeper). */
export interface DistributionStakingKeeper {
  validator(operator: Uint8Array): ValidatorView | undefined
  validatorByConsensusAddress(consensusAddress: Uint8Array): ValidatorView | undefined
  delegation(delegator: Uint8Array, operator: Uint8Array): DelegationView | undefined
  /** Every delegation of one delegator, in validator order (withdraw-all, queries). */
  delegationsOf(delegator: Uint8Array): DelegationView[]
  bondDenom(): string
}

/** What distribution calls on bank. */
export interface DistributionBankKeeper {
  balance(address: Uint8Array, denom: string): bigint
  /** Every denomination an address holds (the fee collector's, to allocate all of it). Added by distribution. */
  balances(address: Uint8Array): CoinValue[]
  /** Into a module account (MsgFundCommunityPool). Added by distribution. */
  sendToModule(from: Uint8Array, name: string, coins: CoinValue[]): void
  /** Out of a module account distribution owns (the fee collector, its own pool). */
  sendFromModule(from: string, to: Uint8Array, coins: CoinValue[]): void
  sendModuleToModule(from: string, to: string, coins: CoinValue[]): void
  /** The per-block emission, into distribution's minter account. */
  mint(name: string, coins: CoinValue[]): void
}

export const STAKING = expectKeeper<DistributionStakingKeeper>('staking', {
  validator: true,
  validatorByConsensusAddress: true,
  delegation: true,
  delegationsOf: true,
  bondDenom: true,
})

export const BANK = expectKeeper<DistributionBankKeeper>('bank', {
  balance: true,
  balances: true,
  sendToModule: true,
  sendFromModule: true,
  sendModuleToModule: true,
  mint: true,
})

export const distributionExpectedKeepers = [STAKING, BANK]
