import { expectKeeper } from '../../state/index.js'
import type { CoinValue } from '../bank/messages.js'
import type { SubnetValue } from '../subnets/messages.js'
import type { ScopedProposalValue } from '../gov/messages.js'
import type { AggregateRejectionValue, RoundValue, UpdateRejectionValue, UpdateValue } from '../training/messages.js'

/** Bonds into escrow and back, a lost bond burned, a refunded slash minted (the disputes account is `minter` and `burner`). */
export interface DisputesBankKeeper {
  balance(address: Uint8Array, denom: string): bigint
  sendToModule(from: Uint8Array, name: string, coins: CoinValue[]): void
  sendFromModule(name: string, to: Uint8Array, coins: CoinValue[]): void
  mint(name: string, coins: CoinValue[]): void
  burn(name: string, coins: CoinValue[]): void
}

/** The denomination bonds are paid in. */
export interface DisputesStakingKeeper {
  bondDenom(): string
}

/** A subnet, to refuse an unknown one. */
export interface DisputesSubnetsKeeper {
  subnet(id: bigint): SubnetValue | undefined
}

/** Training's rounds, their updates, its stored verdicts and its own aggregate check (src/modules/training/keeper.ts). */
export interface DisputesTrainingKeeper {
  round(subnet: bigint, round: bigint): RoundValue | undefined
  updates(subnet: bigint, round: bigint): UpdateValue[]
  aggregateRejection(subnet: bigint, round: bigint, aggregator: Uint8Array): AggregateRejectionValue | undefined
  aggregateMatches(subnet: bigint, round: bigint, resultCid: string, newGlobalCid: string): boolean | undefined
  rejectedUpdates(subnet: bigint, round: bigint): (UpdateRejectionValue & { trainer: Uint8Array })[]
}

/** A text-only subnet-scope proposal opened for the disputer (it pays the deposit) and its status (src/modules/gov/keeper.ts). */
export interface DisputesGovKeeper {
  openScopedText(subnet: bigint, proposer: Uint8Array, title: string, summary: string): bigint | undefined
  scopedProposal(id: bigint): ScopedProposalValue | undefined
}

export const BANK = expectKeeper<DisputesBankKeeper>('bank', {
  balance: true,
  sendToModule: true,
  sendFromModule: true,
  mint: true,
  burn: true,
})
export const STAKING = expectKeeper<DisputesStakingKeeper>('staking', { bondDenom: true })
export const SUBNETS = expectKeeper<DisputesSubnetsKeeper>('subnets', { subnet: true })
export const TRAINING = expectKeeper<DisputesTrainingKeeper>('training', {
  round: true,
  updates: true,
  aggregateRejection: true,
  aggregateMatches: true,
  rejectedUpdates: true,
})
export const GOV = expectKeeper<DisputesGovKeeper>('gov', { openScopedText: true, scopedProposal: true })

export const disputesExpectedKeepers = [BANK, STAKING, SUBNETS, TRAINING, GOV]
