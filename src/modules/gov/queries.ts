/**
 * Gov's queries (plain JSON in and out; ids, times (ms) and amounts as decimal strings, amounts
 * in units of the bond denomination; ids as decimal strings or safe integers, addresses fedra1…).
 *
 *   params        {}                                  → the params form (params.ts)
 *   proposal      { id }                              → ProposalJson                   (UNKNOWN_PROPOSAL)
 *   proposals     { status?, voter?, depositor? }     → { proposals: ProposalJson[] }  (by id; filters combine)
 *   vote          { proposal, voter }                 → VoteJson                       (UNKNOWN_PROPOSAL, UNKNOWN_VOTE)
 *   votes         { proposal }                        → { votes: VoteJson[] }
 *   deposits      { proposal }                        → { denom, total, deposits: [{ depositor, amount }] }
 *   tally         { proposal }                        → { yes, abstain, no, no_with_veto, final }
 *                 (while voting: the votes over the current bonded set; after: the final tally;
 *                  before voting, or a proposal dropped in its deposit period: zeros)
 *   upgrade_plan  {}                                  → { plan: { name, height, info, proposal } | null }
 *   applied_upgrades {}                               → { upgrades: [{ name, height }] } (by name)
 *   scope         { scope, target }                   → { scope, target, governed, rules | null, since_height | null }
 *   scoped_proposal  { id }                           → ScopedProposalJson             (UNKNOWN_PROPOSAL)
 *   scoped_proposals { scope?, target? }              → { proposals: ScopedProposalJson[] }
 *   scoped_tally     { proposal }                     → { yes, abstain, no, no_with_veto, total, final } (total: the scope's whole weight now)
 *
 *   ProposalJson = { id, proposer, status, title, summary, metadata, expedited,
 *                    messages: [{ type, ...fields }], submit_time, deposit_end_time, total_deposit,
 *                    voting_start_time, voting_end_time (null before voting), final_tally (null until it ended),
 *                    outcome ('' while open), failed_reason, deposits (held | refunded | burned) }
 */
import { decodeAddress, encodeAddress } from '../../crypto/index.js'
import { type Context, type QueryHandler, readParams } from '../../state/index.js'
import { GovBooks } from './books.js'
import { contentJson } from './content.js'
import { govError } from './errors.js'
import { STAKING } from './expected-keepers.js'
import { GovProposals } from './lifecycle.js'
import { type ProposalValue, type TallyResultValue, type WeightedVoteOptionValue, isProposalStatus } from './messages.js'
import { govParams } from './params.js'
import { tallyResult } from './tally.js'
import { ScopedBooks, ScopedGovernance } from './scoped.js'
import type { ScopeRulesValue, ScopedProposalValue } from './messages.js'

export const rulesJson = (r: ScopeRulesValue) => ({
  quorum: r.quorum.toString(),
  threshold: r.threshold.toString(),
  veto_threshold: r.vetoThreshold.toString(),
  voting_period: String(r.votingPeriod),
  min_deposit: String(r.minDeposit),
})

export const scopedProposalJson = (p: ScopedProposalValue) => ({
  id: String(p.id),
  scope: p.scope,
  target: String(p.target),
  proposer: encodeAddress(p.proposer),
  status: p.status,
  title: p.title,
  summary: p.summary,
  messages: p.messages.map((m) => Buffer.from(m).toString('base64')),
  deposit: String(p.deposit),
  submit_time: String(p.submitTime),
  voting_end_time: String(p.votingEndTime),
  final_tally: p.finalTally === null ? null : tallyJson(p.finalTally),
  outcome: p.outcome,
  failed_reason: p.failedReason,
  deposits: p.deposits,
})

export const tallyJson = (t: TallyResultValue) => ({
  yes: String(t.yes),
  abstain: String(t.abstain),
  no: String(t.no),
  no_with_veto: String(t.noWithVeto),
})
export const optionsJson = (options: WeightedVoteOptionValue[]) => options.map((o) => ({ option: o.option, weight: o.weight.toString() }))

export const proposalJson = (p: ProposalValue) => ({
  id: String(p.id),
  proposer: encodeAddress(p.proposer),
  status: p.status,
  title: p.title,
  summary: p.summary,
  metadata: p.metadata,
  expedited: p.expedited,
  messages: p.messages.map(contentJson),
  submit_time: String(p.submitTime),
  deposit_end_time: String(p.depositEndTime),
  total_deposit: String(p.totalDeposit),
  voting_start_time: p.votingStartTime === null ? null : String(p.votingStartTime),
  voting_end_time: p.votingEndTime === null ? null : String(p.votingEndTime),
  final_tally: p.finalTally === null ? null : tallyJson(p.finalTally),
  outcome: p.outcome,
  failed_reason: p.failedReason,
  deposits: p.deposits,
})

/** A u64 from a query: a decimal string or a safe integer; else INVALID_QUERY. */
function idParam(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(value) && BigInt(value) < 2n ** 64n) return BigInt(value)
  throw govError('INVALID_QUERY', `${field} must be a decimal integer string`, { [field]: String(value).slice(0, 40) })
}

function addressParam(value: unknown, field: string): Uint8Array {
  try {
    return decodeAddress(String(value))
  } catch {
    throw govError('INVALID_QUERY', `${field} must be a fedra1… address`, { [field]: String(value).slice(0, 90) })
  }
}

const booksOf = (ctx: Context) => new GovBooks(ctx.moduleStore())

function knownProposal(ctx: Context, value: unknown, field = 'proposal'): ProposalValue {
  const id = idParam(value, field)
  const p = booksOf(ctx).proposal(id)
  if (p === undefined) throw govError('UNKNOWN_PROPOSAL', `no proposal ${id}`, { proposal: String(id) })
  return p
}

const ZERO_TALLY: TallyResultValue = { yes: 0n, abstain: 0n, no: 0n, noWithVeto: 0n }

export const govQueries: Record<string, QueryHandler> = {
  params: (ctx) => govParams.toJson(readParams(ctx.moduleStore(), govParams)),
  proposal: (ctx, p) => proposalJson(knownProposal(ctx, p.id, 'id')),
  proposals(ctx, p) {
    if (p.status !== undefined && !(typeof p.status === 'string' && isProposalStatus(p.status))) {
      throw govError('INVALID_QUERY', 'status must be deposit_period, voting_period, passed, rejected or failed', {
        status: String(p.status).slice(0, 40),
      })
    }
    const books = booksOf(ctx)
    const voter = p.voter === undefined ? undefined : addressParam(p.voter, 'voter')
    const depositor = p.depositor === undefined ? undefined : addressParam(p.depositor, 'depositor')
    const matches = [...books.proposals()].filter(
      (proposal) =>
        (p.status === undefined || proposal.status === p.status) &&
        (voter === undefined || books.vote(proposal.id, voter) !== undefined) &&
        (depositor === undefined || books.deposit(proposal.id, depositor) > 0n),
    )
    return { proposals: matches.map(proposalJson) }
  },
  vote(ctx, p) {
    const proposal = knownProposal(ctx, p.proposal)
    const voter = addressParam(p.voter, 'voter')
    const options = booksOf(ctx).vote(proposal.id, voter)
    if (options === undefined)
      throw govError('UNKNOWN_VOTE', `${encodeAddress(voter)} has not voted on proposal ${proposal.id}`, { proposal: String(proposal.id) })
    return { proposal: String(proposal.id), voter: encodeAddress(voter), options: optionsJson(options) }
  },
  votes(ctx, p) {
    const proposal = knownProposal(ctx, p.proposal)
    return {
      votes: [...booksOf(ctx).votes(proposal.id)].map((v) => ({
        proposal: String(v.proposal),
        voter: encodeAddress(v.voter),
        options: optionsJson(v.options),
      })),
    }
  },
  deposits(ctx, p) {
    const proposal = knownProposal(ctx, p.proposal)
    const deposits = [...booksOf(ctx).deposits(proposal.id)].map((d) => ({
      depositor: encodeAddress(d.depositor),
      amount: String(d.amount),
    }))
    return { denom: ctx.keeper(STAKING).bondDenom(), total: String(proposal.totalDeposit), deposits }
  },
  tally(ctx, p) {
    const proposal = knownProposal(ctx, p.proposal)
    if (proposal.finalTally !== null) return { ...tallyJson(proposal.finalTally), final: true }
    if (proposal.status !== 'voting_period') return { ...tallyJson(ZERO_TALLY), final: false }
    return { ...tallyJson(tallyResult(new GovProposals(ctx).currentTally(proposal.id).tally)), final: false }
  },
  upgrade_plan(ctx) {
    const plan = booksOf(ctx).upgradePlan()
    return {
      plan: plan === undefined ? null : { name: plan.name, height: String(plan.height), info: plan.info, proposal: String(plan.proposal) },
    }
  },
  applied_upgrades(ctx) {
    return { upgrades: [...booksOf(ctx).appliedUpgrades()].map((u) => ({ name: u.name, height: String(u.height) })) }
  },
  scope(ctx, p) {
    if (p.scope !== 'subnet' && p.scope !== 'datanet')
      throw govError('INVALID_QUERY', 'scope must be subnet or datanet', { scope: String(p.scope).slice(0, 16) })
    const target = idParam(p.target, 'target')
    const g = new ScopedBooks(ctx.moduleStore()).governance(p.scope, target)
    return {
      scope: p.scope,
      target: String(target),
      governed: g !== undefined,
      rules: g === undefined ? null : rulesJson(g.rules),
      since_height: g === undefined ? null : String(g.height),
    }
  },
  scoped_proposal(ctx, p) {
    const id = idParam(p.id, 'id')
    const proposal = new ScopedBooks(ctx.moduleStore()).proposal(id)
    if (proposal === undefined) throw govError('UNKNOWN_PROPOSAL', `no scoped proposal ${id}`, { proposal: String(id) })
    return scopedProposalJson(proposal)
  },
  scoped_proposals(ctx, p) {
    const target = p.target === undefined ? undefined : idParam(p.target, 'target')
    const all = [...new ScopedBooks(ctx.moduleStore()).proposals()].filter(
      (x) => (p.scope === undefined || x.scope === p.scope) && (target === undefined || x.target === target),
    )
    return { proposals: all.map(scopedProposalJson) }
  },
  scoped_tally(ctx, p) {
    const id = idParam(p.proposal, 'proposal')
    const proposal = new ScopedBooks(ctx.moduleStore()).proposal(id)
    if (proposal === undefined) throw govError('UNKNOWN_PROPOSAL', `no scoped proposal ${id}`, { proposal: String(id) })
    const { tally, total } = new ScopedGovernance(ctx).currentTally(proposal)
    if (proposal.finalTally !== null) return { ...tallyJson(proposal.finalTally), total: String(total), final: true }
    return { ...tallyJson(tallyResult(tally)), total: String(total), final: false }
  },
}
