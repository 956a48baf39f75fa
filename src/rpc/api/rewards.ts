/**
 * rewards_*: the rewards module's queries (src/modules/rewards/queries.ts) on the latest
 * committed state, with the `height` read at: each subnet's pool and treasury, what each scored
 * round paid to whom, and the totals minted and burned.
 */
import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { height } from '../shapes.js'
import { Account, DecText } from './module-shapes.js'

const QF = ['QUERY_FAILED'] as const
const Id = (what: string) => s.decimal(what)

export const rewardsParams = defineMethod({
  name: 'rewards_params',
  summary: "The rewards module's parameters: the emission per round, the harmful-score threshold, the trainers' slash fraction.",
  params: {},
  result: s.object({
    height,
    emission_per_round: s.decimal(),
    harmful_score_threshold: DecText,
    slash_reputation_threshold: s.describe(DecText, 'a harmful trainer is slashed only below this reputation'),
    trainer_slash_fraction: DecText,
  }),
  errors: QF,
})

export const rewardsPool = defineMethod({
  name: 'rewards_pool',
  summary: "What a subnet's next settlement splits (funding and carried remainders; the round's emission is minted at settlement).",
  params: { subnet: Id('subnet id') },
  result: s.object({ height, subnet: s.decimal(), denom: s.string(), pool: s.decimal() }),
  errors: QF,
})

export const rewardsTreasury = defineMethod({
  name: 'rewards_treasury',
  summary: "A subnet's treasury: the data share of its rounds, accrued.",
  params: { subnet: Id('subnet id') },
  result: s.object({ height, subnet: s.decimal(), denom: s.string(), treasury: s.decimal() }),
  errors: QF,
})

export const rewardsPayouts = defineMethod({
  name: 'rewards_payouts',
  summary:
    'What a settled round paid: the split, each trainer (reward, slash, harmful), the aggregator, each scorer, the treasury, what was carried.',
  description: 'QUERY_FAILED { codespace: rewards, code: UNKNOWN_PAYOUTS } before the round settled, or for a round without a version.',
  params: { subnet: Id('subnet id'), round: Id('round number') },
  result: s.object({
    height,
    subnet: s.decimal(),
    round: s.decimal(),
    version: s.decimal(),
    scored: s.boolean(),
    emission: s.decimal(),
    available: s.decimal(),
    shares: s.object({ trainers: s.decimal(), aggregator: s.decimal(), scorers: s.decimal(), data: s.decimal() }),
    trainers: s.array(s.object({ trainer: Account, reward: s.decimal(), slashed: s.decimal(), harmful: s.boolean() })),
    aggregator: s.nullable(s.object({ address: Account, amount: s.decimal() })),
    scorers: s.array(s.object({ operator: Account, amount: s.decimal() })),
    treasury: s.decimal(),
    carried: s.decimal(),
    settled_height: s.decimal(),
  }),
  errors: QF,
})

export const rewardsTotals = defineMethod({
  name: 'rewards_totals',
  summary: "All rounds together: the emission minted and the trainers' bonds burned by harmful-update slashes.",
  params: {},
  result: s.object({ height, denom: s.string(), emitted: s.decimal(), burned: s.decimal() }),
  errors: QF,
})
