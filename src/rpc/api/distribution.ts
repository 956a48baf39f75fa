/**
 * distribution_*: the distribution module's queries (src/modules/distribution/queries.ts) on
 * the latest committed state, each answer with the `height` it was read at. Rewards are
 * DecCoins: amounts with up to 18 digits after the point.
 */
import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { height } from '../shapes.js'
import { Account, DecCoinsJson, DecText, ValidatorParam, Valoper } from './module-shapes.js'

const QF = ['QUERY_FAILED'] as const

export const distributionRewards = defineMethod({
  name: 'distribution_rewards',
  summary: "A delegator's pending rewards, per validator and in total (one validator's alone with `validator`).",
  description:
    'QUERY_FAILED { codespace: distribution, code: UNKNOWN_VALIDATOR | NO_DELEGATION } for a validator it does not know or the delegator has no delegation with.',
  params: { delegator: Account, validator: s.optional(s.describe(ValidatorParam, 'default: every validator it delegates to')) },
  result: s.object({ height, rewards: s.array(s.object({ validator: Valoper, reward: DecCoinsJson })), total: DecCoinsJson }),
  errors: QF,
})

export const distributionCommission = defineMethod({
  name: 'distribution_commission',
  summary: "A validator's accumulated commission, not yet withdrawn.",
  params: { validator: ValidatorParam },
  result: s.object({ height, validator: Valoper, commission: DecCoinsJson }),
  errors: QF,
})

export const distributionOutstanding = defineMethod({
  name: 'distribution_outstanding',
  summary: "A validator's outstanding rewards: everything allocated to it not yet withdrawn (its delegators' and its commission).",
  params: { validator: ValidatorParam },
  result: s.object({ height, validator: Valoper, rewards: DecCoinsJson }),
  errors: QF,
})

export const distributionCommunityPool = defineMethod({
  name: 'distribution_communityPool',
  summary: 'The community pool.',
  params: {},
  result: s.object({ height, pool: DecCoinsJson }),
  errors: QF,
})

export const distributionParams = defineMethod({
  name: 'distribution_params',
  summary: "Distribution's parameters.",
  params: {},
  result: s.object({
    height,
    community_tax: DecText,
    base_proposer_reward: DecText,
    bonus_proposer_reward: DecText,
    emission_per_block: s.decimal('units of the bond denomination minted each block'),
    withdraw_addr_enabled: s.boolean(),
  }),
  errors: QF,
})

export const distributionWithdrawAddress = defineMethod({
  name: 'distribution_withdrawAddress',
  summary: "Where a delegator's rewards are paid (its own address unless it set another).",
  params: { delegator: Account },
  result: s.object({ height, delegator: Account, withdraw_address: Account }),
  errors: QF,
})
