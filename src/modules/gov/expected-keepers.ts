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

/** What gov calls on subnets for the subnet scope (SubnetsKeeper's governance contract). */
export interface GovSubnetsKeeper {
  subnet(id: bigint): { admin: Uint8Array } | undefined
  members(id: bigint, role: 'trainer' | 'aggregator'): { address: Uint8Array; bond: bigint }[]
  transferAdmin(id: bigint, from: Uint8Array, to: Uint8Array): void
  governedChange(admin: Uint8Array, message: Uint8Array): { subnet: bigint; apply: () => void }
}

export const BANK = expectKeeper<GovBankKeeper>('bank', { balance: true, sendToModule: true, sendFromModule: true, burn: true })
export const STAKING = expectKeeper<GovStakingKeeper>('staking', {
  bondDenom: true,
  lastPowers: true,
  validator: true,
  delegationsOf: true,
})

/** What gov calls on datanets for the Datanet scope (DatanetsKeeper's governance contract). */
export interface GovDatanetsKeeper {
  curation(datanet: bigint): { owner: Uint8Array; curators: Uint8Array[]; approvals: number } | undefined
  curatorsChange(datanet: bigint, curators: readonly Uint8Array[], approvals: number): () => void
}

export const DATANETS = expectKeeper<GovDatanetsKeeper>('datanets', { curation: true, curatorsChange: true })
export const SUBNETS = expectKeeper<GovSubnetsKeeper>('subnets', { subnet: true, members: true, transferAdmin: true, governedChange: true })

export const govExpectedKeepers = [BANK, STAKING, SUBNETS, DATANETS]
