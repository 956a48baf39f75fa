import { type Dec, expectKeeper } from '../../state/index.js'
import type { CoinValue } from '../bank/messages.js'
import type { Reputations } from '../reputation/views.js'
import type { Role, SubnetParamsValue, SubnetValue } from '../subnets/messages.js'
import type { ModelVersionValue, RoundValue } from '../training/messages.js'

/** What rewards calls on bank: the emission minted into its account, fundings into it, payouts out of it. */
export interface RewardsBankKeeper {
  balance(address: Uint8Array, denom: string): bigint
  sendToModule(from: Uint8Array, name: string, coins: CoinValue[]): void
  sendFromModule(name: string, to: Uint8Array, coins: CoinValue[]): void
  mint(name: string, coins: CoinValue[]): void
}

/** The denomination pools are kept in. */
export interface RewardsStakingKeeper {
  bondDenom(): string
}

/** What rewards calls on subnets (src/modules/subnets/keeper.ts): the subnet, its reward split for a round, a harmful trainer's slash. */
export interface RewardsSubnetsKeeper {
  subnet(id: bigint): SubnetValue | undefined
  effectiveParams(id: bigint, round: bigint): SubnetParamsValue
  slashMember(id: bigint, role: Role, address: Uint8Array, fraction: Dec, infractionHeight: number): bigint
}

/** What rewards calls on training: the settled round (its open height, its version) and the version's aggregator. */
export interface RewardsTrainingKeeper {
  round(subnet: bigint, round: bigint): RoundValue | undefined
  version(subnet: bigint, version: bigint): ModelVersionValue | undefined
}

export const BANK = expectKeeper<RewardsBankKeeper>('bank', { balance: true, sendToModule: true, sendFromModule: true, mint: true })
export const STAKING = expectKeeper<RewardsStakingKeeper>('staking', { bondDenom: true })
export const SUBNETS = expectKeeper<RewardsSubnetsKeeper>('subnets', { subnet: true, effectiveParams: true, slashMember: true })
export const TRAINING = expectKeeper<RewardsTrainingKeeper>('training', { round: true, version: true })
/** Receipts' payouts (views.ts Reputations.recordPayout: rewards is among PAYOUT_WRITERS). */
export const REPUTATION = expectKeeper<Pick<Reputations, 'recordPayout' | 'reputationOf'>>('reputation', {
  recordPayout: true,
  reputationOf: true,
})

export const rewardsExpectedKeepers = [BANK, STAKING, SUBNETS, TRAINING, REPUTATION]
