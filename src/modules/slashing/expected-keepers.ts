import { type Dec, expectKeeper } from '../../state/index.js'
import type { DelegationView, ValidatorView } from '../staking/views.js'

/** What slashing calls on staking (x/slashing's expected StakingKeeper). */
export interface SlashingStakingKeeper {
  validatorByConsensusAddress(consensusAddress: Uint8Array): ValidatorView | undefined
  validator(operator: Uint8Array): ValidatorView | undefined
  delegation(delegator: Uint8Array, operator: Uint8Array): DelegationView | undefined
  /**
   * Slashes the validator for an infraction at `infractionHeight`, when its power was `power`:
   * takes `fraction` of power × power_reduction tokens, first from unbonding delegations and
   * redelegations that started at or after the infraction, the rest from the validator's tokens
   * (so every delegator loses pro rata); burns what it takes and returns the amount.
   */
  slash(consensusAddress: Uint8Array, infractionHeight: number, power: bigint, fraction: Dec): bigint
  /** Takes the validator out of the set at the next end-block; a no-op if already jailed. */
  jail(consensusAddress: Uint8Array): void
  /** Lets it back (it re-enters the set at the next end-block if its power ranks). */
  unjail(consensusAddress: Uint8Array): void
  /** Tokens per unit of consensus power (x/staking's PowerReduction). */
  powerReduction(): bigint
}

export const STAKING = expectKeeper<SlashingStakingKeeper>('staking', {
  validatorByConsensusAddress: true,
  validator: true,
  delegation: true,
  slash: true,
  jail: true,
  unjail: true,
  powerReduction: true,
})

export const slashingExpectedKeepers = [STAKING]
