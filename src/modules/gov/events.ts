import { encodeAddress } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'
import type { AppliedUpgradeValue, TallyResultValue, UpgradePlanValue, WeightedVoteOptionValue } from './messages.js'

/** Gov's event types; every attribute a string, amounts in units of the bond denomination, times in ms. */
export const GOV_EVENTS = {
  proposalSubmitted: 'proposal_submitted',
  proposalDeposit: 'proposal_deposit',
  proposalVote: 'proposal_vote',
  votingPeriodStarted: 'voting_period_started',
  proposalPassed: 'proposal_passed',
  proposalRejected: 'proposal_rejected',
  proposalFailed: 'proposal_failed',
  proposalVetoed: 'proposal_vetoed',
  expeditedConverted: 'expedited_proposal_converted',
  depositsBurned: 'deposits_burned',
  depositsRefunded: 'deposits_refunded',
  upgradeScheduled: 'upgrade_scheduled',
  upgradeCancelled: 'upgrade_cancelled',
  upgradeApplied: 'upgrade_applied',
  scopeGoverned: 'scope_governed',
  scopedProposalSubmitted: 'scoped_proposal_submitted',
} as const

const tallyAttributes = (t: TallyResultValue) => ({
  yes: String(t.yes),
  abstain: String(t.abstain),
  no: String(t.no),
  no_with_veto: String(t.noWithVeto),
})
/** `yes=0.7,no=0.3`: a vote's options as one attribute. */
export const optionsText = (options: WeightedVoteOptionValue[]): string =>
  options.map((o) => `${o.option}=${o.weight.toString()}`).join(',')

export const emitProposalSubmitted = (ctx: Context, id: bigint, proposer: Uint8Array, types: string[], expedited: boolean): void =>
  ctx.emit(GOV_EVENTS.proposalSubmitted, {
    proposal: String(id),
    proposer: encodeAddress(proposer),
    messages: types.join(','),
    expedited: String(expedited),
  })

export const emitProposalDeposit = (ctx: Context, id: bigint, depositor: Uint8Array, amount: bigint, denom: string): void =>
  ctx.emit(GOV_EVENTS.proposalDeposit, { proposal: String(id), depositor: encodeAddress(depositor), amount: `${amount}${denom}` })

export const emitProposalVote = (ctx: Context, id: bigint, voter: Uint8Array, options: WeightedVoteOptionValue[]): void =>
  ctx.emit(GOV_EVENTS.proposalVote, { proposal: String(id), voter: encodeAddress(voter), options: optionsText(options) })

export const emitVotingPeriodStarted = (ctx: Context, id: bigint, start: bigint, end: bigint): void =>
  ctx.emit(GOV_EVENTS.votingPeriodStarted, { proposal: String(id), voting_start: String(start), voting_end: String(end) })

export const emitProposalPassed = (ctx: Context, id: bigint, tally: TallyResultValue): void =>
  ctx.emit(GOV_EVENTS.proposalPassed, { proposal: String(id), ...tallyAttributes(tally) })

/** `outcome` names why (quorum_not_met, threshold_not_met, all_abstained, no_bonded_tokens, vetoed, deposit_period_ended). */
export const emitProposalRejected = (ctx: Context, id: bigint, outcome: string, tally: TallyResultValue | null): void =>
  ctx.emit(GOV_EVENTS.proposalRejected, { proposal: String(id), outcome, ...(tally === null ? {} : tallyAttributes(tally)) })

export const emitProposalVetoed = (ctx: Context, id: bigint, tally: TallyResultValue): void =>
  ctx.emit(GOV_EVENTS.proposalVetoed, { proposal: String(id), ...tallyAttributes(tally) })

export const emitProposalFailed = (ctx: Context, id: bigint, reason: string): void =>
  ctx.emit(GOV_EVENTS.proposalFailed, { proposal: String(id), reason })

export const emitExpeditedConverted = (ctx: Context, id: bigint, votingEnd: bigint, tally: TallyResultValue): void =>
  ctx.emit(GOV_EVENTS.expeditedConverted, { proposal: String(id), voting_end: String(votingEnd), ...tallyAttributes(tally) })

export const emitDeposits = (ctx: Context, fate: 'burned' | 'refunded', id: bigint, amount: bigint, denom: string): void =>
  ctx.emit(fate === 'burned' ? GOV_EVENTS.depositsBurned : GOV_EVENTS.depositsRefunded, {
    proposal: String(id),
    amount: `${amount}${denom}`,
  })

export const emitUpgradeScheduled = (ctx: Context, plan: UpgradePlanValue): void =>
  ctx.emit(GOV_EVENTS.upgradeScheduled, { name: plan.name, height: String(plan.height), info: plan.info, proposal: String(plan.proposal) })

export const emitUpgradeCancelled = (ctx: Context, plan: UpgradePlanValue, proposal: bigint): void =>
  ctx.emit(GOV_EVENTS.upgradeCancelled, { name: plan.name, height: String(plan.height), proposal: String(proposal) })

export const emitUpgradeApplied = (ctx: Context, upgrade: AppliedUpgradeValue, proposal: bigint): void =>
  ctx.emit(GOV_EVENTS.upgradeApplied, { name: upgrade.name, height: String(upgrade.height), proposal: String(proposal) })

export const emitScopeGoverned = (ctx: Context, scope: string, target: bigint): void =>
  ctx.emit(GOV_EVENTS.scopeGoverned, { scope, target: String(target) })

export const emitScopedSubmitted = (
  ctx: Context,
  id: bigint,
  scope: string,
  target: bigint,
  proposer: Uint8Array,
  votingEnd: bigint,
): void =>
  ctx.emit(GOV_EVENTS.scopedProposalSubmitted, {
    proposal: String(id),
    scope,
    target: String(target),
    proposer: encodeAddress(proposer),
    voting_end: String(votingEnd),
  })
