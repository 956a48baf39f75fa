import { type Dec, expectKeeper } from '../../state/index.js'
import type { Role, SubnetParamsValue, SubnetValue } from '../subnets/messages.js'

/**
 * What training calls on subnets (src/modules/subnets/keeper.ts): the subnet and its params in
 * force (applied when a round opens), membership (and the trainer list: secure aggregation's roster) and bonds of both roles, and the slash and bar
 * of a lying aggregator.
 */
export interface TrainingSubnetsKeeper {
  subnet(id: bigint): SubnetValue | undefined
  params(id: bigint): SubnetParamsValue
  applyPending(id: bigint, round: bigint): SubnetParamsValue
  isMember(id: bigint, role: Role, address: Uint8Array): boolean
  /** The members of a role in address order (secure aggregation's round roster). */
  members(id: bigint, role: Role): readonly { address: Uint8Array }[]
  bondOf(id: bigint, role: Role, address: Uint8Array): bigint
  slashMember(id: bigint, role: Role, address: Uint8Array, fraction: Dec, infractionHeight: number): bigint
  barAggregator(id: bigint, round: bigint, address: Uint8Array): void
  isBarred(id: bigint, round: bigint, address: Uint8Array): boolean
}

export const SUBNETS = expectKeeper<TrainingSubnetsKeeper>('subnets', {
  subnet: true,
  params: true,
  applyPending: true,
  isMember: true,
  members: true,
  bondOf: true,
  slashMember: true,
  barAggregator: true,
  isBarred: true,
})

/**
 * What training reads of staking for encrypted envelopes (envelope-recipients.ts): the bonded set
 * as the last end-block left it, and each validator's consensus key.
 */
export interface TrainingStakingKeeper {
  lastPowers(): Map<string, { operator: Uint8Array; power: bigint }>
  validator(operator: Uint8Array): { consensusPubKey: Uint8Array; status: string } | undefined
}

export const STAKING = expectKeeper<TrainingStakingKeeper>('staking', { lastPowers: true, validator: true })

/** What training reads of auth: an aggregator's account key (an envelope recipient), known once it signed a tx. */
export interface TrainingAuthKeeper {
  account(address: Uint8Array): { publicKey: Uint8Array | null } | undefined
}

export const AUTH = expectKeeper<TrainingAuthKeeper>('auth', { account: true })

export const trainingExpectedKeepers = [SUBNETS, STAKING, AUTH]
