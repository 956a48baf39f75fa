import { implementHooks } from '../../state/index.js'
import { STAKING_HOOKS } from '../staking/hooks.js'
import { DistributionKeeper } from './keeper.js'

/**
 * Distribution's side of staking's hooks (x/distribution's hooks.go): a period ends before a
 * delegation appears, rewards are paid before its shares change and it starts afresh after, a
 * slash ends a period and is recorded against it. Bonding, unbonding and removing a delegation
 * need nothing (the withdrawal before the last share change already paid it).
 */
export const distributionStakingHooks = implementHooks(STAKING_HOOKS, (ctx) => {
  const keeper = new DistributionKeeper(ctx)
  return {
    afterValidatorCreated: (operator) => keeper.initializeValidator(operator),
    afterValidatorBonded: () => {},
    afterValidatorBeginUnbonding: () => {},
    afterValidatorRemoved: (_consensusAddress, operator) => keeper.removeValidator(operator),
    beforeDelegationCreated: (_delegator, operator) => {
      const validator = keeper.staking.validator(operator)
      if (validator !== undefined && keeper.hasValidator(operator)) keeper.incrementValidatorPeriod(validator)
    },
    beforeDelegationSharesModified: (delegator, operator) => {
      const validator = keeper.staking.validator(operator)
      const delegation = keeper.staking.delegation(delegator, operator)
      if (validator === undefined || delegation === undefined || keeper.startingInfo(operator, delegator) === undefined) return
      keeper.withdrawDelegationRewards(validator, delegation)
    },
    beforeDelegationRemoved: () => {},
    afterDelegationModified: (delegator, operator) => {
      if (keeper.hasValidator(operator)) keeper.initializeDelegation(operator, delegator)
    },
    beforeValidatorSlashed: (operator, fraction) => keeper.recordSlash(operator, fraction),
  }
})
