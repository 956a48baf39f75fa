import { implementHooks } from '../../state/index.js'
import { STAKING_HOOKS } from '../staking/hooks.js'
import { SigningInfos, freshSigningInfo } from './signing-infos.js'

/**
 * Slashing's side of staking's hooks (x/slashing Hooks): a validator entering the set for the
 * first time gets signing info starting at this height; a removed validator's is deleted,
 * unless it is tombstoned — that record is what keeps its consensus key from ever being
 * punished afresh or unjailed, so it outlives the validator.
 */
export const slashingStakingHooks = implementHooks(STAKING_HOOKS, (ctx) => {
  const books = new SigningInfos(ctx.moduleStore())
  return {
    afterValidatorBonded(consensusAddress) {
      if (books.get(consensusAddress) === undefined) books.set(consensusAddress, freshSigningInfo(ctx.block.height))
    },
    afterValidatorRemoved(consensusAddress) {
      if (books.get(consensusAddress)?.tombstoned !== true) books.delete(consensusAddress)
    },
    afterValidatorCreated() {},
    afterValidatorBeginUnbonding() {},
    beforeDelegationCreated() {},
    beforeDelegationSharesModified() {},
    beforeDelegationRemoved() {},
    afterDelegationModified() {},
    beforeValidatorSlashed() {},
  }
})
