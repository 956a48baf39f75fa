import { expectKeeper } from '../../state/index.js'
import type { ValidatorView } from '../staking/views.js'
import type { ModelVersionValue, RoundValue } from '../training/messages.js'

/** What reputation calls on training (src/modules/training/keeper.ts): rounds and the versions their aggregates made. */
export interface ReputationTrainingKeeper {
  round(subnet: bigint, round: bigint): RoundValue | undefined
  version(subnet: bigint, version: bigint): ModelVersionValue | undefined
}

/** What reputation calls on staking: a validator by its operator (who may score, and its stake when a round settles). */
export interface ReputationStakingKeeper {
  validator(operator: Uint8Array): ValidatorView | undefined
}

export const TRAINING = expectKeeper<ReputationTrainingKeeper>('training', { round: true, version: true })
export const STAKING = expectKeeper<ReputationStakingKeeper>('staking', { validator: true })

export const reputationExpectedKeepers = [TRAINING, STAKING]
