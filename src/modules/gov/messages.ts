// Message and stored types only (codec, nothing else): the browser client builds transactions from this file.
import { t, type StructValue } from '../../codec/index.js'
import { decType } from '../../state/dec.js'
import { Coin } from '../bank/messages.js'

const address = t.fixedBytes(20)

/** Bounds of a proposal (x/gov v1's MaxTitleLength, MaxSummaryLength, MaxMetadataLen), in UTF-8 bytes. */
export const MAX_TITLE = 140
export const MAX_SUMMARY = 10 * 1024
export const MAX_METADATA = 255
/** Most content messages one proposal carries, and the largest one (encoded). */
export const MAX_PROPOSAL_MESSAGES = 16
export const MAX_CONTENT_BYTES = 32 * 1024

/** A vote option, as x/gov v1 names them (VOTE_OPTION_YES…, lower-cased, without the prefix). */
export type VoteOption = 'yes' | 'abstain' | 'no' | 'no_with_veto'
export const VOTE_OPTIONS: readonly VoteOption[] = ['yes', 'abstain', 'no', 'no_with_veto']
export const isVoteOption = (value: string): value is VoteOption => (VOTE_OPTIONS as readonly string[]).includes(value)

/** A proposal's status (x/gov v1's ProposalStatus). */
export type ProposalStatus = 'deposit_period' | 'voting_period' | 'passed' | 'rejected' | 'failed'
export const PROPOSAL_STATUSES: readonly ProposalStatus[] = ['deposit_period', 'voting_period', 'passed', 'rejected', 'failed']
export const isProposalStatus = (value: string): value is ProposalStatus => (PROPOSAL_STATUSES as readonly string[]).includes(value)

// ---- content messages: what a proposal carries, executed by gov when it passes (never sent as a tx) ----

/**
 * Replaces module `module`'s params with `params`: the canonical JSON text of its params form,
 * every field listed, as the module's `params` query (its `toJson`) prints it.
 */
export const MsgUpdateParams = t.struct('gov/MsgUpdateParams', 2310, 1, {
  module: t.string({ max: 32 }),
  params: t.string({ max: 16 * 1024 }),
})

/** Schedules software upgrade `name` at block `height` (x/upgrade's Plan); replaces any plan scheduled before. */
export const MsgSoftwareUpgrade = t.struct('gov/MsgSoftwareUpgrade', 2311, 1, {
  name: t.string({ max: 140 }),
  height: t.u64,
  info: t.string({ max: 2048 }),
})

/** Removes the scheduled software upgrade, if any. */
export const MsgCancelUpgrade = t.struct('gov/MsgCancelUpgrade', 2312, 1, {})

/** The content message types a chain proposal may carry; a proposal with none is a text proposal. */
export const CONTENT_MESSAGES = [MsgUpdateParams, MsgSoftwareUpgrade, MsgCancelUpgrade] as const

// ---- messages ----------------------------------------------------------------------------

/**
 * Submits a proposal: `messages` are encoded content messages (CONTENT_MESSAGES), executed in
 * order, all or nothing, if it passes; none makes it a text proposal. The proposer pays
 * `initialDeposit` (bond denomination) into the gov account; `expedited` asks for the shorter
 * voting period, the higher deposit and threshold.
 */
export const MsgSubmitProposal = t.struct('gov/MsgSubmitProposal', 2300, 1, {
  messages: t.array(t.bytes({ max: MAX_CONTENT_BYTES }), { max: MAX_PROPOSAL_MESSAGES }),
  title: t.string({ max: MAX_TITLE }),
  summary: t.string({ max: MAX_SUMMARY }),
  metadata: t.string({ max: MAX_METADATA }),
  initialDeposit: Coin,
  expedited: t.bool,
})

/** Adds the signer's coins to a proposal's deposit, during its deposit period. */
export const MsgDeposit = t.struct('gov/MsgDeposit', 2301, 1, {
  proposal: t.u64,
  amount: Coin,
})

/** Votes all of the signer's power one way (VOTE_OPTIONS); replaces the signer's earlier vote. */
export const MsgVote = t.struct('gov/MsgVote', 2302, 1, {
  proposal: t.u64,
  option: t.string({ max: 16 }),
})

/** One part of a weighted vote: `weight` of the voter's power goes to `option`. */
export const WeightedVoteOption = t.struct('gov/WeightedVoteOption', 2304, 1, {
  option: t.string({ max: 16 }),
  weight: decType,
})

/** Splits the signer's power among options (each at most once, weights in (0, 1] summing to exactly 1); replaces the signer's earlier vote. */
export const MsgVoteWeighted = t.struct('gov/MsgVoteWeighted', 2303, 1, {
  proposal: t.u64,
  options: t.array(WeightedVoteOption, { min: 1, max: 4 }),
})

// ---- subnet scope (docs/governance.md, "Subnet scope") -------------------------------------------

/** The scopes below the chain a proposal may be about. */
export type GovScope = 'subnet' | 'datanet'
export const GOV_SCOPES: readonly GovScope[] = ['subnet', 'datanet']
export const isGovScope = (value: string): value is GovScope => (GOV_SCOPES as readonly string[]).includes(value)

/**
 * A scope's own voting rules, set when it opts into governance: turnout (of the scope's whole
 * voting weight) at least `quorum`, no_with_veto at most `vetoThreshold` of the turnout, yes above
 * `threshold` of the non-abstaining turnout; `votingPeriod` in ms of block time; `minDeposit` the
 * deposit (bond denomination) a proposal pays at submission.
 */
export const ScopeRules = t.struct('gov/ScopeRules', 2333, 1, {
  quorum: decType,
  threshold: decType,
  vetoThreshold: decType,
  votingPeriod: t.u64,
  minDeposit: t.uint(),
})

/**
 * Puts subnet `subnet` under governance: the signer, its admin, hands the admin to the gov module
 * account, and `rules` decide its proposals from then on (voted by its bonded members, weighted by
 * bond). One way: only a subnet proposal could give the admin to someone else (not built yet).
 */
export const MsgEnableSubnetGovernance = t.struct('gov/MsgEnableSubnetGovernance', 2305, 1, {
  subnet: t.u64,
  rules: ScopeRules,
})

/**
 * Puts Datanet `datanet` under governance: the signer, its owner, sets the `rules` by which its
 * curators (one vote each) decide proposals about it (MsgSetDatanetCurators) from then on.
 */
export const MsgEnableDatanetGovernance = t.struct('gov/MsgEnableDatanetGovernance', 2308, 1, {
  datanet: t.u64,
  rules: ScopeRules,
})

/** Content of a Datanet-scope proposal: its curators become `curators`, `approvals` of them accepting a record (k of n). */
export const MsgSetDatanetCurators = t.struct('gov/MsgSetDatanetCurators', 2313, 1, {
  datanet: t.u64,
  curators: t.array(address, { min: 1, max: 32 }),
  approvals: t.u32,
})

/**
 * A proposal about one governed subnet or Datanet (scope `subnet` or `datanet`, `target` its id): `messages` are encoded subnets/MsgUpdateAllowList or
 * subnets/MsgUpdateSubnetParams about that very subnet, or gov/MsgSetDatanetCurators about that very
 * Datanet (none: a text proposal), executed in order, all or nothing, if it passes. `deposit` (≥ the scope's min_deposit)
 * opens its voting period at once.
 */
export const MsgSubmitScopedProposal = t.struct('gov/MsgSubmitScopedProposal', 2306, 1, {
  scope: t.string({ max: 16 }),
  target: t.u64,
  messages: t.array(t.bytes({ max: MAX_CONTENT_BYTES }), { max: MAX_PROPOSAL_MESSAGES }),
  title: t.string({ max: MAX_TITLE }),
  summary: t.string({ max: MAX_SUMMARY }),
  deposit: Coin,
})

/** A vote on a scoped proposal by one of the scope's voters (once: a second vote is refused). */
export const MsgScopedVote = t.struct('gov/MsgScopedVote', 2307, 1, {
  proposal: t.u64,
  option: t.string({ max: 16 }),
})

// ---- stored --------------------------------------------------------------------------------

/** A tally: the voting power (bond-denomination units, truncated) behind each option. */
export const TallyResult = t.struct('gov/TallyResult', 2323, 1, {
  yes: t.uint(),
  abstain: t.uint(),
  no: t.uint(),
  noWithVeto: t.uint(),
})

/**
 * A proposal. Times are block times (ms). `votingStart`/`votingEnd` are set when its deposit
 * reached the minimum; `finalTally` when its voting period ended; `outcome` names how it ended
 * ('' while open); `failedReason` why its execution failed; `deposits` what became of them
 * ('held' while open, 'refunded' or 'burned').
 */
export const Proposal = t.struct('gov/Proposal', 2320, 1, {
  id: t.u64,
  proposer: address,
  messages: t.array(t.bytes({ max: MAX_CONTENT_BYTES }), { max: MAX_PROPOSAL_MESSAGES }),
  title: t.string({ max: MAX_TITLE }),
  summary: t.string({ max: MAX_SUMMARY }),
  metadata: t.string({ max: MAX_METADATA }),
  expedited: t.bool,
  status: t.string({ max: 16 }),
  submitTime: t.u64,
  depositEndTime: t.u64,
  totalDeposit: t.uint(),
  votingStartTime: t.optional(t.u64),
  votingEndTime: t.optional(t.u64),
  finalTally: t.optional(TallyResult),
  outcome: t.string({ max: 32 }),
  failedReason: t.string({ max: 512 }),
  deposits: t.string({ max: 16 }),
})

/** Σ one depositor's deposits into one proposal. */
export const Deposit = t.struct('gov/Deposit', 2321, 1, { amount: t.uint() })

/** One voter's vote on one proposal (a plain MsgVote is one option of weight 1). */
export const Vote = t.struct('gov/Vote', 2322, 1, { options: t.array(WeightedVoteOption, { min: 1, max: 4 }) })

/** A scheduled software upgrade (x/upgrade's Plan) and the proposal that scheduled it. */
export const UpgradePlan = t.struct('gov/UpgradePlan', 2324, 1, {
  name: t.string({ max: 140 }),
  height: t.u64,
  info: t.string({ max: 2048 }),
  proposal: t.u64,
})

/** An upgrade done (x/upgrade's done record): the height whose begin-block applied it. */
export const AppliedUpgrade = t.struct('gov/AppliedUpgrade', 2326, 1, {
  name: t.string({ max: 140 }),
  height: t.u64,
})

/** The id the next proposal gets. */
export const ProposalCounter = t.struct('gov/ProposalCounter', 2325, 1, { next: t.u64 })

/** A governed scope: its rules and the height it opted in. */
export const ScopeGovernance = t.struct('gov/ScopeGovernance', 2332, 1, {
  rules: ScopeRules,
  height: t.u64,
})

/**
 * A scoped proposal. Its voting period starts at submission; `status` is voting_period, passed,
 * rejected or failed; `finalTally` the weights (bond units) behind each option when it ended.
 */
export const ScopedProposal = t.struct('gov/ScopedProposal', 2331, 1, {
  id: t.u64,
  scope: t.string({ max: 16 }),
  target: t.u64,
  proposer: address,
  messages: t.array(t.bytes({ max: MAX_CONTENT_BYTES }), { max: MAX_PROPOSAL_MESSAGES }),
  title: t.string({ max: MAX_TITLE }),
  summary: t.string({ max: MAX_SUMMARY }),
  deposit: t.uint(),
  submitTime: t.u64,
  votingEndTime: t.u64,
  status: t.string({ max: 16 }),
  finalTally: t.optional(TallyResult),
  outcome: t.string({ max: 32 }),
  failedReason: t.string({ max: 512 }),
  deposits: t.string({ max: 16 }),
})

export type MsgUpdateParamsValue = StructValue<typeof MsgUpdateParams.fields>
export type MsgSoftwareUpgradeValue = StructValue<typeof MsgSoftwareUpgrade.fields>
export type MsgSubmitProposalValue = StructValue<typeof MsgSubmitProposal.fields>
export type MsgDepositValue = StructValue<typeof MsgDeposit.fields>
export type MsgVoteValue = StructValue<typeof MsgVote.fields>
export type MsgVoteWeightedValue = StructValue<typeof MsgVoteWeighted.fields>
export type WeightedVoteOptionValue = StructValue<typeof WeightedVoteOption.fields>
export type TallyResultValue = StructValue<typeof TallyResult.fields>
export type ProposalValue = StructValue<typeof Proposal.fields>
export type VoteValue = StructValue<typeof Vote.fields>
export type UpgradePlanValue = StructValue<typeof UpgradePlan.fields>
export type AppliedUpgradeValue = StructValue<typeof AppliedUpgrade.fields>
export type ScopeRulesValue = StructValue<typeof ScopeRules.fields>
export type MsgEnableSubnetGovernanceValue = StructValue<typeof MsgEnableSubnetGovernance.fields>
export type MsgSubmitScopedProposalValue = StructValue<typeof MsgSubmitScopedProposal.fields>
export type MsgScopedVoteValue = StructValue<typeof MsgScopedVote.fields>
export type ScopeGovernanceValue = StructValue<typeof ScopeGovernance.fields>
export type ScopedProposalValue = StructValue<typeof ScopedProposal.fields>
export type MsgEnableDatanetGovernanceValue = StructValue<typeof MsgEnableDatanetGovernance.fields>
export type MsgSetDatanetCuratorsValue = StructValue<typeof MsgSetDatanetCurators.fields>
