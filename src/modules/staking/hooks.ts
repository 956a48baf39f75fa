import { type Dec, hookPoint } from '../../state/index.js'

/**
 * What staking tells other modules (x/staking's StakingHooks), fired inside the same block
 * and store as the change. Slashing keeps signing info by them; distribution runs its F1
 * bookkeeping by them (a delegation's rewards are withdrawn before its shares change, a slash
 * ends a reward period). Addresses are 20 bytes: `operator` the validator's operator,
 * `consensusAddress` its consensus key's address.
 */
export interface StakingHooks {
  afterValidatorCreated(operator: Uint8Array): void
  /** The validator entered the bonded set (at genesis or an end-block). */
  afterValidatorBonded(consensusAddress: Uint8Array, operator: Uint8Array): void
  /** The validator left the bonded set and started unbonding. */
  afterValidatorBeginUnbonding(consensusAddress: Uint8Array, operator: Uint8Array): void
  /** The validator's record was deleted (unbonded with no shares left). */
  afterValidatorRemoved(consensusAddress: Uint8Array, operator: Uint8Array): void
  beforeDelegationCreated(delegator: Uint8Array, operator: Uint8Array): void
  /** Before an existing delegation's shares change (delegate more, undelegate, redelegate away). */
  beforeDelegationSharesModified(delegator: Uint8Array, operator: Uint8Array): void
  beforeDelegationRemoved(delegator: Uint8Array, operator: Uint8Array): void
  /** After a delegation was created or its shares changed (not after it was removed). */
  afterDelegationModified(delegator: Uint8Array, operator: Uint8Array): void
  /** Before the validator's tokens drop by `fraction` of its stake at the infraction (the fraction of its current tokens actually taken). */
  beforeValidatorSlashed(operator: Uint8Array, fraction: Dec): void
}

export const STAKING_HOOKS = hookPoint<StakingHooks>('staking', 'staking', {
  afterValidatorCreated: true,
  afterValidatorBonded: true,
  afterValidatorBeginUnbonding: true,
  afterValidatorRemoved: true,
  beforeDelegationCreated: true,
  beforeDelegationSharesModified: true,
  beforeDelegationRemoved: true,
  afterDelegationModified: true,
  beforeValidatorSlashed: true,
})
