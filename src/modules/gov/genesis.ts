import { CodecError, encode } from '../../codec/index.js'
import { encodeAddress } from '../../crypto/index.js'
import {
  Dec,
  type ModuleGenesis,
  ModuleError,
  addressAt,
  arrayAt,
  bigintAt,
  boolAt,
  decAt,
  genesisError,
  objectAt,
  optionalU64At,
  stringAt,
  u64At,
} from '../../state/index.js'
import { GovBooks } from './books.js'
import { decodeContent } from './content.js'
import { checkWeightedOptions } from './handler.js'
import { accountInvariant, proposalBroken, proposalsInvariant, scopedInvariant, votesInvariant } from './invariants.js'
import { ScopedBooks, checkScopeRules, checkScopedContent } from './scoped.js'
import {
  MsgCancelUpgrade,
  MsgSoftwareUpgrade,
  MsgUpdateParams,
  Proposal,
  type ProposalValue,
  type AppliedUpgradeValue,
  type ScopeGovernanceValue,
  ScopedProposal,
  type ScopedProposalValue,
  isGovScope,
  isVoteOption,
  type TallyResultValue,
  type UpgradePlanValue,
  type WeightedVoteOptionValue,
} from './messages.js'
import { optionsJson, proposalJson, rulesJson, scopedProposalJson } from './queries.js'

/**
 * `app_state.gov` (params apart), what `export` writes and `init` reads back, every field
 * optional (empty on a new chain):
 *
 *   next_proposal_id: "1"
 *   proposals:    ProposalJson[]                      (queries.ts; messages as { type, ...fields })
 *   deposits:     [{ proposal, depositor, amount }]
 *   votes:        [{ proposal, voter, options: [{ option, weight }] }]
 *   upgrade_plan: { name, height, info, proposal } | null
 *   applied_upgrades: [{ name, height }]
 *   scopes:       [{ scope, target, rules: { quorum, threshold, veto_threshold, voting_period, min_deposit }, since_height }]
 *   next_scoped_proposal_id: "1"
 *   scoped_proposals: ScopedProposalJson[]            (queries.ts; messages base64)
 *   scoped_votes: [{ proposal, voter, option }]
 *
 * Decimal strings. The queues are rebuilt from the proposals. At init the books must hold: the
 * gov account's genesis balance (bank comes first) equals the open proposals' deposits, and
 * every invariant of invariants.ts.
 */
export interface GovGenesis {
  nextId: bigint
  proposals: ProposalValue[]
  deposits: { proposal: bigint; depositor: Uint8Array; amount: bigint }[]
  votes: { proposal: bigint; voter: Uint8Array; options: WeightedVoteOptionValue[] }[]
  plan: UpgradePlanValue | null
  applied: AppliedUpgradeValue[]
  scopes: { scope: string; target: bigint; value: ScopeGovernanceValue }[]
  nextScopedId: bigint
  scopedProposals: ScopedProposalValue[]
  scopedVotes: { proposal: bigint; voter: Uint8Array; option: string }[]
}

const FIELDS = [
  'next_proposal_id',
  'proposals',
  'deposits',
  'votes',
  'upgrade_plan',
  'applied_upgrades',
  'scopes',
  'next_scoped_proposal_id',
  'scoped_proposals',
  'scoped_votes',
]
const amountAt = (value: unknown, path: string) => bigintAt(value, path, { max: 2n ** 256n - 1n })
const list = (body: Record<string, unknown>, field: string, path: string) =>
  arrayAt(body[field] ?? [], `${path}.${field}`).map((e, i) => ({ at: `${path}.${field}[${i}]`, o: objectAt(e, `${path}.${field}[${i}]`) }))

function contentAt(value: unknown, at: string): Uint8Array {
  const o = objectAt(value, at)
  let bytes: Uint8Array
  try {
    switch (o.type) {
      case 'gov/MsgUpdateParams':
        bytes = encode(MsgUpdateParams, { module: stringAt(o.module, `${at}.module`), params: stringAt(o.params, `${at}.params`) })
        break
      case 'gov/MsgSoftwareUpgrade':
        bytes = encode(MsgSoftwareUpgrade, {
          name: stringAt(o.name, `${at}.name`),
          height: u64At(o.height, `${at}.height`),
          info: stringAt(o.info, `${at}.info`),
        })
        break
      case 'gov/MsgCancelUpgrade':
        bytes = encode(MsgCancelUpgrade, {})
        break
      default:
        throw genesisError(`${at}.type`, `"${String(o.type).slice(0, 40)}" is not a content message a chain proposal may carry`)
    }
    decodeContent(bytes, 0)
  } catch (error) {
    if (error instanceof CodecError || error instanceof ModuleError) throw genesisError(at, error.message)
    throw error
  }
  return bytes
}

function tallyAt(value: unknown, at: string): TallyResultValue | null {
  if (value === null || value === undefined) return null
  const o = objectAt(value, at)
  return {
    yes: amountAt(o.yes, `${at}.yes`),
    abstain: amountAt(o.abstain, `${at}.abstain`),
    no: amountAt(o.no, `${at}.no`),
    noWithVeto: amountAt(o.no_with_veto, `${at}.no_with_veto`),
  }
}

function proposalAt(at: string, o: Record<string, unknown>): ProposalValue {
  const p: ProposalValue = {
    id: u64At(o.id, `${at}.id`),
    proposer: addressAt(o.proposer, `${at}.proposer`),
    messages: arrayAt(o.messages ?? [], `${at}.messages`).map((m, j) => contentAt(m, `${at}.messages[${j}]`)),
    title: stringAt(o.title, `${at}.title`),
    summary: stringAt(o.summary, `${at}.summary`),
    metadata: stringAt(o.metadata ?? '', `${at}.metadata`),
    expedited: boolAt(o.expedited, `${at}.expedited`),
    status: stringAt(o.status, `${at}.status`),
    submitTime: u64At(o.submit_time, `${at}.submit_time`),
    depositEndTime: u64At(o.deposit_end_time, `${at}.deposit_end_time`),
    totalDeposit: amountAt(o.total_deposit, `${at}.total_deposit`),
    votingStartTime: optionalU64At(o.voting_start_time, `${at}.voting_start_time`),
    votingEndTime: optionalU64At(o.voting_end_time, `${at}.voting_end_time`),
    finalTally: tallyAt(o.final_tally, `${at}.final_tally`),
    outcome: stringAt(o.outcome ?? '', `${at}.outcome`),
    failedReason: stringAt(o.failed_reason ?? '', `${at}.failed_reason`),
    deposits: stringAt(o.deposits, `${at}.deposits`),
  }
  try {
    encode(Proposal, p)
  } catch (error) {
    if (error instanceof CodecError) throw genesisError(at, error.message)
    throw error
  }
  const broken = proposalBroken(p)
  if (broken !== null) throw genesisError(at, broken)
  return p
}

function optionsAt(value: unknown, at: string): WeightedVoteOptionValue[] {
  const options = arrayAt(value, at).map((e, k) => {
    const o = objectAt(e, `${at}[${k}]`)
    return { option: stringAt(o.option, `${at}[${k}].option`), weight: decAt(o.weight, `${at}[${k}].weight`) }
  })
  if (options.length === 0 || options.length > 4) throw genesisError(at, 'a vote lists 1 to 4 options')
  try {
    checkWeightedOptions(options)
  } catch (error) {
    if (error instanceof ModuleError) throw genesisError(at, error.message)
    throw error
  }
  return options
}

export const govGenesis: ModuleGenesis<GovGenesis> = {
  validate(section, path) {
    const body = objectAt(section ?? {}, path)
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such gov genesis field')
    const proposals = list(body, 'proposals', path).map(({ at, o }) => proposalAt(at, o))
    const ids = new Set<bigint>()
    for (const [i, p] of proposals.entries()) {
      if (ids.has(p.id)) throw genesisError(`${path}.proposals[${i}].id`, `proposal ${p.id} listed twice`)
      ids.add(p.id)
    }
    const pairs = new Set<string>()
    const once = (at: string, key: string) => {
      if (pairs.has(key)) throw genesisError(at, 'listed twice')
      pairs.add(key)
    }
    const deposits = list(body, 'deposits', path).map(({ at, o }) => {
      const d = {
        proposal: u64At(o.proposal, `${at}.proposal`),
        depositor: addressAt(o.depositor, `${at}.depositor`),
        amount: amountAt(o.amount, `${at}.amount`),
      }
      if (d.amount === 0n) throw genesisError(`${at}.amount`, 'a zero deposit is left out, not listed')
      once(at, `d/${d.proposal}/${Buffer.from(d.depositor).toString('hex')}`)
      return d
    })
    const votes = list(body, 'votes', path).map(({ at, o }) => {
      const v = {
        proposal: u64At(o.proposal, `${at}.proposal`),
        voter: addressAt(o.voter, `${at}.voter`),
        options: optionsAt(o.options, `${at}.options`),
      }
      once(at, `v/${v.proposal}/${Buffer.from(v.voter).toString('hex')}`)
      return v
    })
    const planBody =
      body.upgrade_plan === undefined || body.upgrade_plan === null ? null : objectAt(body.upgrade_plan, `${path}.upgrade_plan`)
    const plan =
      planBody === null
        ? null
        : {
            name: stringAt(planBody.name, `${path}.upgrade_plan.name`),
            height: u64At(planBody.height, `${path}.upgrade_plan.height`),
            info: stringAt(planBody.info ?? '', `${path}.upgrade_plan.info`),
            proposal: u64At(planBody.proposal, `${path}.upgrade_plan.proposal`),
          }
    const applied = list(body, 'applied_upgrades', path).map(({ at, o }) => {
      const u = { name: stringAt(o.name, `${at}.name`), height: u64At(o.height, `${at}.height`) }
      if (u.name.trim() === '' || new TextEncoder().encode(u.name).length > 140)
        throw genesisError(`${at}.name`, 'an upgrade name is 1 to 140 bytes')
      once(`${at}.name`, `u/${u.name}`)
      return u
    })
    const scopeAt = (value: unknown, at: string): string => {
      const scope = stringAt(value, at)
      if (!isGovScope(scope)) throw genesisError(at, 'a scope is subnet or datanet')
      return scope
    }
    const scopes = list(body, 'scopes', path).map(({ at, o }) => {
      const r = objectAt(o.rules, `${at}.rules`)
      const rules = {
        quorum: decAt(r.quorum, `${at}.rules.quorum`),
        threshold: decAt(r.threshold, `${at}.rules.threshold`),
        vetoThreshold: decAt(r.veto_threshold, `${at}.rules.veto_threshold`),
        votingPeriod: u64At(r.voting_period, `${at}.rules.voting_period`),
        minDeposit: amountAt(r.min_deposit, `${at}.rules.min_deposit`),
      }
      try {
        checkScopeRules(rules)
      } catch (error) {
        if (error instanceof ModuleError) throw genesisError(`${at}.rules`, error.message)
        throw error
      }
      const g = {
        scope: scopeAt(o.scope, `${at}.scope`),
        target: u64At(o.target, `${at}.target`),
        value: { rules, height: u64At(o.since_height, `${at}.since_height`) },
      }
      once(at, `s/${g.scope}/${g.target}`)
      return g
    })
    const scopedProposals = list(body, 'scoped_proposals', path).map(({ at, o }) => {
      const p: ScopedProposalValue = {
        id: u64At(o.id, `${at}.id`),
        scope: scopeAt(o.scope, `${at}.scope`),
        target: u64At(o.target, `${at}.target`),
        proposer: addressAt(o.proposer, `${at}.proposer`),
        messages: arrayAt(o.messages ?? [], `${at}.messages`).map(
          (m, j) => new Uint8Array(Buffer.from(stringAt(m, `${at}.messages[${j}]`), 'base64')),
        ),
        title: stringAt(o.title, `${at}.title`),
        summary: stringAt(o.summary, `${at}.summary`),
        deposit: amountAt(o.deposit, `${at}.deposit`),
        submitTime: u64At(o.submit_time, `${at}.submit_time`),
        votingEndTime: u64At(o.voting_end_time, `${at}.voting_end_time`),
        status: stringAt(o.status, `${at}.status`),
        finalTally: tallyAt(o.final_tally, `${at}.final_tally`),
        outcome: stringAt(o.outcome ?? '', `${at}.outcome`),
        failedReason: stringAt(o.failed_reason ?? '', `${at}.failed_reason`),
        deposits: stringAt(o.deposits, `${at}.deposits`),
      }
      try {
        encode(ScopedProposal, p)
        checkScopedContent(p.scope, p.messages)
      } catch (error) {
        if (error instanceof CodecError || error instanceof ModuleError) throw genesisError(at, error.message)
        throw error
      }
      once(`${at}.id`, `sp/${p.id}`)
      return p
    })
    const scopedVotes = list(body, 'scoped_votes', path).map(({ at, o }) => {
      const v = {
        proposal: u64At(o.proposal, `${at}.proposal`),
        voter: addressAt(o.voter, `${at}.voter`),
        option: stringAt(o.option, `${at}.option`),
      }
      if (!isVoteOption(v.option)) throw genesisError(`${at}.option`, 'a vote option is yes, abstain, no or no_with_veto')
      once(at, `sv/${v.proposal}/${Buffer.from(v.voter).toString('hex')}`)
      return v
    })
    const highestScoped = scopedProposals.reduce((max, p) => (p.id > max ? p.id : max), 0n)
    const nextScopedId =
      body.next_scoped_proposal_id === undefined
        ? highestScoped + 1n
        : u64At(body.next_scoped_proposal_id, `${path}.next_scoped_proposal_id`)
    if (nextScopedId <= highestScoped || nextScopedId === 0n)
      throw genesisError(`${path}.next_scoped_proposal_id`, `must exceed every scoped proposal id (${highestScoped})`)
    const highest = proposals.reduce((max, p) => (p.id > max ? p.id : max), 0n)
    const nextId = body.next_proposal_id === undefined ? highest + 1n : u64At(body.next_proposal_id, `${path}.next_proposal_id`)
    if (nextId <= highest || nextId === 0n) throw genesisError(`${path}.next_proposal_id`, `must exceed every proposal id (${highest})`)
    return { nextId, proposals, deposits, votes, plan, applied, scopes, nextScopedId, scopedProposals, scopedVotes }
  },
  init(ctx, g) {
    const gen = g
    const books = new GovBooks(ctx.moduleStore())
    books.setNextId(g.nextId)
    for (const p of g.proposals) books.setProposal(p)
    for (const d of g.deposits) books.setDeposit(d.proposal, d.depositor, d.amount)
    for (const v of g.votes) books.setVote(v.proposal, v.voter, v.options)
    books.setUpgradePlan(g.plan ?? undefined)
    for (const u of g.applied) books.setApplied(u)
    const scoped = new ScopedBooks(ctx.moduleStore())
    for (const g of gen.scopes) scoped.setGovernance(g.scope, g.target, g.value)
    scoped.setNextId(gen.nextScopedId)
    for (const p of gen.scopedProposals) scoped.setProposal(p)
    for (const v of gen.scopedVotes) {
      if (scoped.proposal(v.proposal) === undefined)
        throw genesisError('app_state.gov.scoped_votes', `a vote on scoped proposal ${v.proposal}, which does not exist`)
      scoped.setVote(v.proposal, v.voter, [{ option: v.option, weight: Dec.ONE }])
    }
    const broken = accountInvariant(ctx) ?? proposalsInvariant(ctx) ?? votesInvariant(ctx) ?? scopedInvariant(ctx)
    if (broken !== null) throw genesisError('app_state.gov', `the gov books are inconsistent: ${broken}`)
  },
  export(ctx) {
    const books = new GovBooks(ctx.moduleStore())
    const scoped = new ScopedBooks(ctx.moduleStore())
    const plan = books.upgradePlan()
    return {
      next_proposal_id: String(books.nextId()),
      proposals: [...books.proposals()].map(proposalJson),
      deposits: [...books.deposits()].map((d) => ({
        proposal: String(d.proposal),
        depositor: encodeAddress(d.depositor),
        amount: String(d.amount),
      })),
      votes: [...books.votes()].map((v) => ({
        proposal: String(v.proposal),
        voter: encodeAddress(v.voter),
        options: optionsJson(v.options),
      })),
      upgrade_plan:
        plan === undefined ? null : { name: plan.name, height: String(plan.height), info: plan.info, proposal: String(plan.proposal) },
      applied_upgrades: [...books.appliedUpgrades()].map((u) => ({ name: u.name, height: String(u.height) })),
      scopes: [...scoped.governed()].map((g) => ({
        scope: g.scope,
        target: String(g.target),
        rules: rulesJson(g.value.rules),
        since_height: String(g.value.height),
      })),
      next_scoped_proposal_id: String(scoped.nextId()),
      scoped_proposals: [...scoped.proposals()].map(scopedProposalJson),
      scoped_votes: [...scoped.proposals()].flatMap((p) =>
        [...scoped.votes(p.id)].map((v) => ({ proposal: String(p.id), voter: encodeAddress(v.voter), option: v.options[0]!.option })),
      ),
    }
  },
}
