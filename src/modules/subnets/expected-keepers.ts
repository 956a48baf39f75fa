import { expectKeeper } from '../../state/index.js'
import type { CoinValue } from '../bank/messages.js'
import type { Bonds } from '../staking/bonds.js'

/** What subnets calls on bank: the creation deposit goes into the `subnets` module account it owns. */
export interface SubnetsBankKeeper {
  balance(address: Uint8Array, denom: string): bigint
  sendToModule(from: Uint8Array, name: string, coins: CoinValue[]): void
}

/** Role stakes go through staking's Bonds (purpose `subnet/<id>/<role>`), plus the denomination they are in. */
export interface SubnetsStakingKeeper extends Bonds {
  bondDenom(): string
}

export const BANK = expectKeeper<SubnetsBankKeeper>('bank', { balance: true, sendToModule: true })

export const STAKING = expectKeeper<SubnetsStakingKeeper>('staking', {
  bond: true,
  beginUnbond: true,
  slashBond: true,
  bondedAmount: true,
  unbondingAmount: true,
  bondDenom: true,
})

export const subnetsExpectedKeepers = [BANK, STAKING]
