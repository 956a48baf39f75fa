/**
 * gov_*: the gov module's queries (src/modules/gov/queries.ts) on the latest committed state,
 * each answer with the `height` it was read at: proposals (their content messages decoded),
 * votes, deposits, the running or final tally, and the scheduled upgrade. Ids, times (ms of block
 * time) and amounts are decimal strings; fractions exact decimal texts.
 */
import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { height } from '../shapes.js'
import { Account, DecText } from './module-shapes.js'

const QF = ['QUERY_FAILED'] as const
const Id = (what: string) => s.decimal(what)
const Status = s.enum(['deposit_period', 'voting_period', 'passed', 'rejected', 'failed'] as const)
const Option = s.enum(['yes', 'abstain', 'no', 'no_with_veto'] as const)
const Tally = { yes: s.decimal(), abstain: s.decimal(), no: s.decimal(), no_with_veto: s.decimal() }

const Content = s.named(
  'ProposalMessage',
  s.union([
    s.object({
      type: s.literal('gov/MsgUpdateParams'),
      module: s.string(),
      params: s.string({ description: "the module's params, canonical JSON text" }),
    }),
    s.object({ type: s.literal('gov/MsgSoftwareUpgrade'), name: s.string(), height: s.decimal(), info: s.string() }),
    s.object({ type: s.literal('gov/MsgCancelUpgrade') }),
  ]),
  'a message a passed proposal executes',
)

const proposalShape = {
  id: s.decimal(),
  proposer: Account,
  status: Status,
  title: s.string(),
  summary: s.string(),
  metadata: s.string(),
  expedited: s.boolean(),
  messages: s.array(Content),
  submit_time: s.decimal('block time, ms'),
  deposit_end_time: s.decimal(),
  total_deposit: s.decimal(),
  voting_start_time: s.nullable(s.decimal()),
  voting_end_time: s.nullable(s.decimal()),
  final_tally: s.nullable(s.object(Tally)),
  outcome: s.string({ description: "why it ended ('' while open)" }),
  failed_reason: s.string(),
  deposits: s.enum(['held', 'refunded', 'burned'] as const),
}
export const ProposalJson = s.named('Proposal', s.object(proposalShape))
const VoteJson = s.named(
  'GovVote',
  s.object({ proposal: s.decimal(), voter: Account, options: s.array(s.object({ option: Option, weight: DecText })) }),
)

export const govParams = defineMethod({
  name: 'gov_params',
  summary: "The gov module's parameters: deposits, periods (ms), quorum, thresholds, veto, burns.",
  params: {},
  result: s.object({
    height,
    min_deposit: s.decimal(),
    expedited_min_deposit: s.decimal(),
    max_deposit_period: s.decimal(),
    voting_period: s.decimal(),
    expedited_voting_period: s.decimal(),
    quorum: DecText,
    threshold: DecText,
    veto_threshold: DecText,
    expedited_threshold: DecText,
    burn_vote_quorum: s.boolean(),
    burn_proposal_deposit_prevote: s.boolean(),
    burn_vote_veto: s.boolean(),
    min_initial_deposit_ratio: DecText,
  }),
  errors: QF,
})

export const govProposal = defineMethod({
  name: 'gov_proposal',
  summary: 'One proposal: its messages, status, periods, deposit and, once it ended, the final tally and outcome.',
  description: 'QUERY_FAILED { codespace: gov, code: UNKNOWN_PROPOSAL } when there is none.',
  params: { id: Id('proposal id') },
  result: s.object({ height, ...proposalShape }),
  errors: QF,
})

export const govProposals = defineMethod({
  name: 'gov_proposals',
  summary: 'Proposals by id, filtered by status, voter and depositor (the filters combine).',
  params: { status: s.optional(Status), voter: s.optional(Account), depositor: s.optional(Account) },
  result: s.object({ height, proposals: s.array(ProposalJson) }),
  errors: QF,
})

export const govVote = defineMethod({
  name: 'gov_vote',
  summary: "One voter's (weighted) vote on a proposal.",
  params: { proposal: Id('proposal id'), voter: Account },
  result: s.object({ height, proposal: s.decimal(), voter: Account, options: s.array(s.object({ option: Option, weight: DecText })) }),
  errors: QF,
})

export const govVotes = defineMethod({
  name: 'gov_votes',
  summary: 'Every vote on a proposal, by voter.',
  params: { proposal: Id('proposal id') },
  result: s.object({ height, votes: s.array(VoteJson) }),
  errors: QF,
})

export const govDeposits = defineMethod({
  name: 'gov_deposits',
  summary: "A proposal's deposits, by depositor.",
  params: { proposal: Id('proposal id') },
  result: s.object({
    height,
    denom: s.string(),
    total: s.decimal(),
    deposits: s.array(s.object({ depositor: Account, amount: s.decimal() })),
  }),
  errors: QF,
})

export const govTally = defineMethod({
  name: 'gov_tally',
  summary: "A proposal's tally in bonded tokens: running while it is voted (over the current bonded set), final after.",
  params: { proposal: Id('proposal id') },
  result: s.object({ height, ...Tally, final: s.boolean() }),
  errors: QF,
})

export const govUpgradePlan = defineMethod({
  name: 'gov_upgradePlan',
  summary: 'The software upgrade a passed proposal scheduled (name, height, info), or null.',
  params: {},
  result: s.object({
    height,
    plan: s.nullable(s.object({ name: s.string(), height: s.decimal(), info: s.string(), proposal: s.decimal() })),
  }),
  errors: QF,
})

export const govAppliedUpgrades = defineMethod({
  name: 'gov_appliedUpgrades',
  summary: 'The software upgrades this chain applied (x/upgrade done records), by name: the height whose begin-block applied each.',
  params: {},
  result: s.object({ height, upgrades: s.array(s.object({ name: s.string(), height: s.decimal() })) }),
  errors: QF,
})

const Rules = s.object({
  quorum: DecText,
  threshold: DecText,
  veto_threshold: DecText,
  voting_period: s.decimal('ms'),
  min_deposit: s.decimal(),
})
const scopedShape = {
  id: s.decimal(),
  scope: s.enum(['subnet', 'datanet'] as const),
  target: s.decimal('subnet or Datanet id'),
  proposer: Account,
  status: Status,
  title: s.string(),
  summary: s.string(),
  messages: s.array(s.string({ description: 'an encoded subnets message, base64' })),
  deposit: s.decimal(),
  submit_time: s.decimal('block time, ms'),
  voting_end_time: s.decimal(),
  final_tally: s.nullable(s.object(Tally)),
  outcome: s.string({ description: "why it ended ('' while open)" }),
  failed_reason: s.string(),
  deposits: s.enum(['held', 'refunded', 'burned'] as const),
}
const ScopedProposalJson = s.named('ScopedProposal', s.object(scopedShape))

export const govScope = defineMethod({
  name: 'gov_scope',
  summary: 'Whether a subnet opted into governance (its admin is the gov module account), and its rules.',
  params: { scope: s.enum(['subnet', 'datanet'] as const), target: Id('subnet or Datanet id') },
  result: s.object({
    height,
    scope: s.string(),
    target: s.decimal(),
    governed: s.boolean(),
    rules: s.nullable(Rules),
    since_height: s.nullable(s.decimal()),
  }),
  errors: QF,
})

export const govScopedProposal = defineMethod({
  name: 'gov_scopedProposal',
  summary: 'One subnet-scope proposal: its messages, status, voting end and, once it ended, the final tally (bond units).',
  description: 'QUERY_FAILED { codespace: gov, code: UNKNOWN_PROPOSAL } when there is none.',
  params: { id: Id('scoped proposal id') },
  result: s.object({ height, ...scopedShape }),
  errors: QF,
})

export const govScopedProposals = defineMethod({
  name: 'gov_scopedProposals',
  summary: 'Subnet-scope proposals by id, filtered by scope and subnet.',
  params: { scope: s.optional(s.enum(['subnet', 'datanet'] as const)), target: s.optional(Id('subnet or Datanet id')) },
  result: s.object({ height, proposals: s.array(ScopedProposalJson) }),
  errors: QF,
})

export const govScopedTally = defineMethod({
  name: 'gov_scopedTally',
  summary:
    "A subnet-scope proposal's tally in bond units: running while voted (members' bonds now), final after; total is the subnet's whole weight now.",
  params: { proposal: Id('scoped proposal id') },
  result: s.object({ height, ...Tally, total: s.decimal(), final: s.boolean() }),
  errors: QF,
})
