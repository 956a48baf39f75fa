import { expectKeeper } from '../../state/index.js'
import type { CoinValue } from '../bank/messages.js'
import type { Role, SubnetValue } from '../subnets/messages.js'
import type { RoundValue } from '../training/messages.js'

/** What datanets calls on bank: deposits and bonds into its account, bonds back out of it. */
export interface DatanetsBankKeeper {
  balance(address: Uint8Array, denom: string): bigint
  sendToModule(from: Uint8Array, name: string, coins: CoinValue[]): void
  sendFromModule(name: string, to: Uint8Array, coins: CoinValue[]): void
}

/** The denomination deposits and bonds are in. */
export interface DatanetsStakingKeeper {
  bondDenom(): string
}

/** What datanets asks subnets (src/modules/subnets/keeper.ts), as training does: the subnet, and whether a declarer trains in it. */
export interface DatanetsSubnetsKeeper {
  subnet(id: bigint): SubnetValue | undefined
  isMember(id: bigint, role: Role, address: Uint8Array): boolean
}

/** The round a declaration names (its phase by training's phaseAt). */
export interface DatanetsTrainingKeeper {
  round(subnet: bigint, round: bigint): RoundValue | undefined
}

export const BANK = expectKeeper<DatanetsBankKeeper>('bank', { balance: true, sendToModule: true, sendFromModule: true })
export const STAKING = expectKeeper<DatanetsStakingKeeper>('staking', { bondDenom: true })
export const SUBNETS = expectKeeper<DatanetsSubnetsKeeper>('subnets', { subnet: true, isMember: true })
export const TRAINING = expectKeeper<DatanetsTrainingKeeper>('training', { round: true })

export const datanetsExpectedKeepers = [BANK, STAKING, SUBNETS, TRAINING]
