/**
 * staking_*: the staking module's queries (src/modules/staking/queries.ts) on the latest
 * committed state, each answer with the `height` it was read at. Amounts are decimal strings,
 * shares and rates decimal texts, times unix ms as decimal strings.
 */
import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { height } from '../shapes.js'
import { Account, DecText, ValidatorParam, Valoper } from './module-shapes.js'

export const VALIDATOR_STATUSES = ['bonded', 'unbonding', 'unbonded'] as const

const validatorShape = {
  operator: Valoper,
  consensus_pubkey: s.hex({ bytes: 32, description: 'ed25519 consensus public key' }),
  consensus_address: s.describe(Account, "the consensus key's address (fedra1… form; slashing names it fedravalcons1…)"),
  moniker: s.string(),
  status: s.enum(VALIDATOR_STATUSES),
  jailed: s.boolean(),
  tokens: s.decimal('bonded tokens, in the bond denomination'),
  delegator_shares: DecText,
  commission: s.object({
    rate: DecText,
    max_rate: DecText,
    max_change_rate: DecText,
    update_time: s.decimal('unix ms of the last rate change'),
  }),
  min_self_delegation: s.decimal(),
  power: s.decimal('consensus power: tokens / power_reduction'),
  unbonding_height: s.decimal(),
  unbonding_time: s.decimal('unix ms when its unbonding completes (0 if not unbonding)'),
}
export const ValidatorJson = s.named('Validator', s.object(validatorShape))

const delegationShape = {
  delegator: Account,
  validator: Valoper,
  shares: DecText,
  balance: s.decimal('tokens the shares are worth, truncated'),
}
export const DelegationJson = s.named('Delegation', s.object(delegationShape))

const UnbondingJson = s.named(
  'Unbonding',
  s.object({
    delegator: Account,
    validator: Valoper,
    entries: s.array(
      s.object({ creation_height: s.decimal(), completion_time: s.decimal('unix ms'), initial_balance: s.decimal(), balance: s.decimal() }),
    ),
  }),
)

const RedelegationJson = s.named(
  'Redelegation',
  s.object({
    delegator: Account,
    source: Valoper,
    destination: Valoper,
    entries: s.array(
      s.object({
        creation_height: s.decimal(),
        completion_time: s.decimal('unix ms'),
        initial_balance: s.decimal(),
        shares_dst: DecText,
        balance: s.decimal(),
      }),
    ),
  }),
)

const QF = ['QUERY_FAILED'] as const

export const stakingValidators = defineMethod({
  name: 'staking_validators',
  summary: 'Every validator staking knows, optionally only those of one status.',
  params: { status: s.optional(s.describe(s.enum(VALIDATOR_STATUSES), 'default: every status')) },
  result: s.object({ height, validators: s.array(ValidatorJson) }),
  errors: QF,
})

export const stakingValidator = defineMethod({
  name: 'staking_validator',
  summary: 'One validator.',
  description: 'QUERY_FAILED { codespace: staking, code: UNKNOWN_VALIDATOR } when there is none.',
  params: { validator: ValidatorParam },
  result: s.object({ height, ...validatorShape }),
  errors: QF,
})

export const stakingDelegation = defineMethod({
  name: 'staking_delegation',
  summary: "A delegator's delegation to one validator.",
  description: 'QUERY_FAILED { codespace: staking, code: UNKNOWN_DELEGATION } when there is none.',
  params: { delegator: Account, validator: ValidatorParam },
  result: s.object({ height, ...delegationShape }),
  errors: QF,
})

export const stakingDelegations = defineMethod({
  name: 'staking_delegations',
  summary: "A delegator's delegations.",
  params: { delegator: Account },
  result: s.object({ height, delegations: s.array(DelegationJson) }),
  errors: QF,
})

export const stakingValidatorDelegations = defineMethod({
  name: 'staking_validatorDelegations',
  summary: 'The delegations to one validator.',
  params: { validator: ValidatorParam },
  result: s.object({ height, delegations: s.array(DelegationJson) }),
  errors: QF,
})

export const stakingUnbondings = defineMethod({
  name: 'staking_unbondings',
  summary: "A delegator's unbonding delegations, with their entries.",
  params: { delegator: Account },
  result: s.object({ height, unbondings: s.array(UnbondingJson) }),
  errors: QF,
})

export const stakingRedelegations = defineMethod({
  name: 'staking_redelegations',
  summary: "A delegator's redelegations, with their entries.",
  params: { delegator: Account },
  result: s.object({ height, redelegations: s.array(RedelegationJson) }),
  errors: QF,
})

export const stakingParams = defineMethod({
  name: 'staking_params',
  summary: "Staking's parameters.",
  params: {},
  result: s.object({
    height,
    unbonding_time: s.decimal('ms'),
    max_validators: s.integer({ min: 1 }),
    max_entries: s.integer({ min: 1 }),
    bond_denom: s.string(),
    power_reduction: s.decimal('tokens per unit of consensus power'),
    min_self_delegation: s.decimal("the chain-wide floor under each validator's own minimum"),
  }),
  errors: QF,
})

export const stakingPool = defineMethod({
  name: 'staking_pool',
  summary: 'Tokens bonded and not bonded (unbonding or of unbonded validators).',
  params: {},
  result: s.object({ height, bonded_tokens: s.decimal(), not_bonded_tokens: s.decimal() }),
  errors: QF,
})
