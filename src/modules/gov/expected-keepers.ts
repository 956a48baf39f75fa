import { expectKeeper } from '../../state/index.js'
import type { CoinValue } from '../bank/messages.js'
import type { DelegationView, ValidatorView } from '../staking/views.js'

/** What gov calls on bank: deposits into its account, refunds out of it, burned deposits. */
export interface GovBankKeeper {
  balance(address: Uint8Array, denom: string): bigint
  sendToModule(from: Uint8Array, name: string, coins: CoinValue[]): void
  sendFromModule(name: string, to: Uint8Array, coins: CoinValue[]): void
  burn(name: string, coins: CoinValue[]): void
}

/**
 * What gov reads of staking for deposits and the tally (x/gov's StakingKeeper): the bond
 * denomination, the bonded set as the last end-block left it, a validator's tokens and
 * delegator shares, and a voter's delegations.
 */
export interface GovStakingKeeper {
  bondDenom(): string
  lastPowers(): Map<string, { operator: Uint8Array; power: bigint }>
  validator(operator: Uint8Array): ValidatorView | undefined
  delegationsOf(delegator: Uint8Array): DelegationView[]
}

export const BANK = expectKeeper<GovBankKeeper>('bank', { balance: true, sendToModule: true, sendFromModule: true, burn: true })
export const STAKING = expectKeeper<GovStakingKeeper>('staking', { bondDenom: true, lastPowers: true, validator: true, delegationsOf: true })

export const govExpectedKeepers = [BANK, STAKING]
