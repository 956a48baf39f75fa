import { expectKeeper } from '../../state/index.js'
import type { CoinValue } from '../bank/messages.js'
import type { DatanetsView } from '../datanets/views.js'
import type { SubnetParamsValue, SubnetValue } from '../subnets/messages.js'
import type { ModelVersionValue, RoundValue } from '../training/messages.js'

/** What lineage calls on bank: fees into its account, the validators' part on to the fee collector, withdrawals out. */
export interface LineageBankKeeper {
  balance(address: Uint8Array, denom: string): bigint
  sendToModule(from: Uint8Array, name: string, coins: CoinValue[]): void
  sendFromModule(name: string, to: Uint8Array, coins: CoinValue[]): void
  sendModuleToModule(from: string, to: string, coins: CoinValue[]): void
}

/** The denomination fees are paid in. */
export interface LineageStakingKeeper {
  bondDenom(): string
}

/** A subnet (admin, model spec, initial model), its params in force (sharing) and a round's (validation set). */
export interface LineageSubnetsKeeper {
  subnet(id: bigint): SubnetValue | undefined
  params(id: bigint): SubnetParamsValue
  effectiveParams(id: bigint, round: bigint): SubnetParamsValue
}

/** Training's rounds and versions (src/modules/training/keeper.ts). */
export interface LineageTrainingKeeper {
  round(subnet: bigint, round: bigint): RoundValue | undefined
  version(subnet: bigint, version: bigint): ModelVersionValue | undefined
  latestVersion(subnet: bigint): ModelVersionValue | undefined
}

export const BANK = expectKeeper<LineageBankKeeper>('bank', {
  balance: true,
  sendToModule: true,
  sendFromModule: true,
  sendModuleToModule: true,
})
export const STAKING = expectKeeper<LineageStakingKeeper>('staking', { bondDenom: true })
export const SUBNETS = expectKeeper<LineageSubnetsKeeper>('subnets', { subnet: true, params: true, effectiveParams: true })
export const TRAINING = expectKeeper<LineageTrainingKeeper>('training', { round: true, version: true, latestVersion: true })
/** The Datanets module's published contract (src/modules/datanets/views.ts): records, versions, a round's declarations. */
export const DATANETS = expectKeeper<DatanetsView>('datanets', { record: true, version: true, declarations: true })

export const lineageExpectedKeepers = [BANK, STAKING, SUBNETS, TRAINING, DATANETS]
