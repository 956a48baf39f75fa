import type { Module } from '../../state/index.js'
import { govExpectedKeepers } from './expected-keepers.js'
import { govGenesis } from './genesis.js'
import { govMessages } from './handler.js'
import { govInvariants } from './invariants.js'
import { GovKeeper } from './keeper.js'
import { GOV_ACCOUNT, MODULE } from './keys.js'
import { GovProposals } from './lifecycle.js'
import { govParams } from './params.js'
import { govQueries } from './queries.js'
import { ScopedGovernance } from './scoped.js'
import { applyDueUpgrade } from './upgrade.js'

/**
 * Governance, chain scope (Cosmos SDK x/gov v1, issue 24): proposals carrying params changes
 * and software upgrades, deposits, votes weighted by bonded stake (delegators override their
 * validator), the tally and execution in end-block (before staking's), deposits refunded or
 * burned. docs/governance.md.
 */
export const govModule: Module<GovKeeper> = {
  name: MODULE,
  expects: govExpectedKeepers,
  messages: govMessages,
  queries: govQueries,
  genesis: govGenesis,
  params: govParams,
  keeper: (ctx) => new GovKeeper(ctx),
  beginBlock: applyDueUpgrade,
  endBlock: (ctx) => {
    new GovProposals(ctx).endBlock()
    new ScopedGovernance(ctx).endBlock()
  },
  invariants: govInvariants,
}

/** The module account gov owns, as the composition table must list it: `burner` for burned deposits. */
export const GOV_MODULE_ACCOUNTS = {
  [GOV_ACCOUNT]: { owner: MODULE, permissions: ['burner'] },
} as const

/** Gov changes every module's params: composition's `paramsAuthorities` must name it. */
export const GOV_PARAMS_AUTHORITIES = [MODULE] as const

export { GovKeeper }
export { MODULE as GOV_MODULE, GOV_ACCOUNT } from './keys.js'
export {
  MsgSubmitProposal,
  MsgDeposit,
  MsgVote,
  MsgVoteWeighted,
  WeightedVoteOption,
  MsgUpdateParams,
  MsgSoftwareUpgrade,
  MsgCancelUpgrade,
  CONTENT_MESSAGES,
  Proposal,
  Deposit,
  Vote,
  TallyResult,
  UpgradePlan,
  AppliedUpgrade,
  ScopeRules,
  MsgEnableSubnetGovernance,
  MsgEnableDatanetGovernance,
  MsgSetDatanetCurators,
  MsgSubmitScopedProposal,
  MsgScopedVote,
  ScopedProposal,
  ScopeGovernance,
  GOV_SCOPES,
  type GovScope,
  type ScopeRulesValue,
  type MsgEnableSubnetGovernanceValue,
  type MsgSubmitScopedProposalValue,
  type MsgScopedVoteValue,
  type ScopedProposalValue,
  VOTE_OPTIONS,
  PROPOSAL_STATUSES,
  type VoteOption,
  type ProposalStatus,
  type MsgSubmitProposalValue,
  type MsgDepositValue,
  type MsgVoteValue,
  type MsgVoteWeightedValue,
  type WeightedVoteOptionValue,
  type MsgUpdateParamsValue,
  type MsgSoftwareUpgradeValue,
  type ProposalValue,
  type TallyResultValue,
  type UpgradePlanValue,
  type AppliedUpgradeValue,
} from './messages.js'
export { GOV_ERRORS, type GovErrorCode } from './errors.js'
export { GOV_EVENTS } from './events.js'
export { govParams, type GovParamsValue } from './params.js'
export { govInvariants, proposalBroken } from './invariants.js'
export {
  tally,
  decide,
  tallyResult,
  type Tally,
  type TallyValidator,
  type TallyVote,
  type TallyDelegation,
  type VotingOutcome,
} from './tally.js'
