import { type Context, Dec, moduleAddress } from '../../state/index.js'
import { GovBooks, isOpen } from './books.js'
import { BANK, STAKING } from './expected-keepers.js'
import { GOV_ACCOUNT } from './keys.js'
import { ScopedBooks } from './scoped.js'
import { type ProposalValue, isProposalStatus, isVoteOption } from './messages.js'

const REJECTED = ['no_bonded_tokens', 'quorum_not_met', 'all_abstained', 'vetoed', 'threshold_not_met', 'deposit_period_ended']

/**
 * The gov account holds exactly the deposits of the open proposals (deposit or voting period),
 * and each proposal's deposit records sum to its total deposit.
 */
export function accountInvariant(ctx: Context): string | null {
  const books = new GovBooks(ctx.moduleStore())
  const denom = ctx.keeper(STAKING).bondDenom()
  const held = ctx.keeper(BANK).balance(moduleAddress(GOV_ACCOUNT), denom)
  const recorded = new Map<bigint, bigint>()
  for (const d of books.deposits()) recorded.set(d.proposal, (recorded.get(d.proposal) ?? 0n) + d.amount)
  let open = 0n
  for (const p of books.proposals()) {
    if ((recorded.get(p.id) ?? 0n) !== p.totalDeposit)
      return `proposal ${p.id} records a total deposit of ${p.totalDeposit}; its deposits sum to ${recorded.get(p.id) ?? 0n}`
    recorded.delete(p.id)
    if (isOpen(p)) open += p.totalDeposit
  }
  const orphan = [...recorded.keys()][0]
  if (orphan !== undefined) return `deposits are recorded for proposal ${orphan}, which does not exist`
  for (const p of new ScopedBooks(ctx.moduleStore()).proposals()) if (p.status === 'voting_period') open += p.deposit
  if (held !== open) return `the gov account holds ${held}${denom}; the open proposals' deposits (chain and scoped) sum to ${open}`
  return null
}

/** What is wrong with one proposal's status against its times, tally and outcome, or null. */
export function proposalBroken(p: ProposalValue): string | null {
  const at = `proposal ${p.id} (${p.status})`
  if (!isProposalStatus(p.status)) return `${at}: no such status`
  if (p.depositEndTime <= p.submitTime)
    return `${at}: its deposit period ends at ${p.depositEndTime}, not after its submission at ${p.submitTime}`
  const voted = p.votingStartTime !== null
  if ((p.votingStartTime === null) !== (p.votingEndTime === null)) return `${at}: a voting start without an end, or an end without a start`
  if (voted && p.votingEndTime! <= p.votingStartTime!)
    return `${at}: voting ends at ${p.votingEndTime}, not after it started at ${p.votingStartTime}`
  if (voted && p.votingStartTime! < p.submitTime) return `${at}: voting started before the proposal was submitted`
  if (isOpen(p) !== (p.deposits === 'held')) return `${at}: its deposits are ${p.deposits}`
  if (!isOpen(p) && p.deposits !== 'refunded' && p.deposits !== 'burned') return `${at}: its deposits are ${p.deposits}`
  if (isOpen(p) && (p.finalTally !== null || p.outcome !== '')) return `${at}: open, yet it has a final tally or an outcome`
  if (p.failedReason !== '' && p.status !== 'failed') return `${at}: a failure reason without the failed status`
  switch (p.status) {
    case 'deposit_period':
      return voted ? `${at}: voting times while still in its deposit period` : null
    case 'voting_period':
      return voted ? null : `${at}: no voting times`
    case 'passed':
    case 'failed':
      if (!voted || p.finalTally === null) return `${at}: ended without a voting period or a final tally`
      if (p.status === 'passed' && p.outcome !== 'passed') return `${at}: outcome ${p.outcome}`
      if (p.status === 'failed' && (p.outcome !== 'execution_failed' || p.failedReason === ''))
        return `${at}: failed without an execution failure and its reason`
      return p.deposits === 'refunded' ? null : `${at}: the deposits of a proposal that passed were ${p.deposits}`
    case 'rejected':
      if (!REJECTED.includes(p.outcome)) return `${at}: outcome ${p.outcome || '(none)'}`
      if (p.outcome === 'deposit_period_ended')
        return voted || p.finalTally !== null ? `${at}: dropped in its deposit period, yet voted on` : null
      return voted && p.finalTally !== null ? null : `${at}: rejected by a vote without a voting period or a final tally`
  }
  return null
}

/**
 * Every proposal's status agrees with its times, tally, outcome and deposits; exactly the
 * proposals in their deposit period are in the deposit queue (at their deposit end) and exactly
 * those voting in the voting queue (at their voting end); ids lie below the counter.
 */
export function proposalsInvariant(ctx: Context): string | null {
  const books = new GovBooks(ctx.moduleStore())
  const next = books.nextId()
  const expected = { deposit: new Set<string>(), voting: new Set<string>() }
  for (const p of books.proposals()) {
    const broken = proposalBroken(p)
    if (broken !== null) return broken
    if (p.id >= next) return `proposal ${p.id} is at or above the next id ${next}`
    if (p.status === 'deposit_period') expected.deposit.add(`${p.depositEndTime}/${p.id}`)
    if (p.status === 'voting_period') expected.voting.add(`${p.votingEndTime}/${p.id}`)
  }
  for (const queue of ['deposit', 'voting'] as const) {
    const found = [...books.queue(queue)].map((e) => `${e.end}/${e.id}`)
    const want = expected[queue]
    if (found.length !== want.size || found.some((e) => !want.has(e)))
      return `the ${queue} queue holds [${found.join(', ')}]; the proposals say [${[...want].join(', ')}]`
  }
  return null
}

/** Votes are on proposals that reached their voting period, with known options weighing 1 in all; the upgrade plan comes from a passed proposal. */
export function votesInvariant(ctx: Context): string | null {
  const books = new GovBooks(ctx.moduleStore())
  for (const v of books.votes()) {
    const p = books.proposal(v.proposal)
    if (p === undefined || p.votingStartTime === null)
      return `a vote on proposal ${v.proposal}, which ${p === undefined ? 'does not exist' : 'never reached its voting period'}`
    const sum = v.options.reduce((s, o) => s.add(o.weight), Dec.ZERO)
    if (!sum.eq(Dec.ONE) || v.options.some((o) => !isVoteOption(o.option)))
      return `a vote on proposal ${v.proposal} weighs ${sum} or names an unknown option`
  }
  const plan = books.upgradePlan()
  if (plan !== undefined && books.proposal(plan.proposal)?.status !== 'passed')
    return `upgrade ${plan.name} names proposal ${plan.proposal}, which did not pass`
  if (plan !== undefined && books.applied(plan.name) !== undefined)
    return `upgrade ${plan.name} is scheduled, yet it was applied at height ${books.applied(plan.name)}`
  return null
}

/**
 * Scoped proposals: exactly those voting sit in the scoped queue at their voting end, each is about
 * a governed scope, its deposits are held while it votes and settled after (with a final tally);
 * ids lie below the counter.
 */
export function scopedInvariant(ctx: Context): string | null {
  const books = new ScopedBooks(ctx.moduleStore())
  const next = books.nextId()
  const want = new Set<string>()
  for (const p of books.proposals()) {
    const at = `scoped proposal ${p.id} (${p.status})`
    if (p.id >= next) return `${at}: at or above the next id ${next}`
    if (books.governance(p.scope, p.target) === undefined) return `${at}: about ${p.scope} ${p.target}, which is not governed`
    const open = p.status === 'voting_period'
    if (open !== (p.deposits === 'held')) return `${at}: its deposits are ${p.deposits}`
    if (open !== (p.finalTally === null)) return `${at}: ${open ? 'open with' : 'ended without'} a final tally`
    if (!open && !['passed', 'rejected', 'failed'].includes(p.status)) return `${at}: no such status`
    if (open) want.add(`${p.votingEndTime}/${p.id}`)
  }
  const found = [...books.queue()].map((e) => `${e.end}/${e.id}`)
  if (found.length !== want.size || found.some((e) => !want.has(e)))
    return `the scoped queue holds [${found.join(', ')}]; the proposals say [${[...want].join(', ')}]`
  return null
}

export const govInvariants = { account: accountInvariant, proposals: proposalsInvariant, votes: votesInvariant, scoped: scopedInvariant }
