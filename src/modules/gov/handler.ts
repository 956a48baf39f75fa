import { Dec, type MessageHandler } from '../../state/index.js'
import { decodeContent } from './content.js'
import { govError } from './errors.js'
import { GovProposals } from './lifecycle.js'
import { ScopedGovernance, checkScopeRules, checkScopedContent } from './scoped.js'
import {
  MsgDeposit,
  type MsgDepositValue,
  MsgEnableDatanetGovernance,
  type MsgEnableDatanetGovernanceValue,
  MsgEnableSubnetGovernance,
  type MsgEnableSubnetGovernanceValue,
  MsgScopedVote,
  type MsgScopedVoteValue,
  MsgSubmitScopedProposal,
  type MsgSubmitScopedProposalValue,
  isGovScope,
  MsgSubmitProposal,
  type MsgSubmitProposalValue,
  MsgVote,
  type MsgVoteValue,
  MsgVoteWeighted,
  type MsgVoteWeightedValue,
  VOTE_OPTIONS,
  type VoteOption,
  type WeightedVoteOptionValue,
  isVoteOption,
} from './messages.js'

function checkOption(option: string): void {
  if (!isVoteOption(option))
    throw govError('INVALID_VOTE_OPTION', `"${option}" is not a vote option (${VOTE_OPTIONS.join(', ')})`, { option })
}

/** x/gov v1's WeightedVoteOptions.ValidateBasic: known options, each once, weights in (0, 1] summing to exactly 1. */
export function checkWeightedOptions(options: readonly WeightedVoteOptionValue[]): void {
  const seen = new Set<string>()
  let sum = Dec.ZERO
  for (const { option, weight } of options) {
    checkOption(option)
    if (seen.has(option)) throw govError('DUPLICATE_OPTION', `option ${option} is listed twice`, { option })
    seen.add(option)
    if (!weight.gt(Dec.ZERO) || weight.gt(Dec.ONE))
      throw govError('INVALID_WEIGHT', `weight ${weight} of ${option} lies outside (0, 1]`, { option, weight: weight.toString() })
    sum = sum.add(weight)
  }
  if (!sum.eq(Dec.ONE)) throw govError('WEIGHTS_NOT_ONE', `weights sum to ${sum}, not 1`, { sum: sum.toString() })
}

/**
 * MsgSubmitProposal. Stateless: a title and summary (INVALID_PROPOSAL), content messages a chain
 * proposal may carry (MESSAGE_NOT_ALLOWED, INVALID_PROPOSAL_MESSAGE). Stateful: BAD_DENOM,
 * UNKNOWN_MODULE, INVALID_PARAMS_CHANGE, INVALID_UPGRADE_HEIGHT, MIN_INITIAL_DEPOSIT, INSUFFICIENT_FUNDS.
 */
const submitProposal: MessageHandler<MsgSubmitProposalValue> = {
  type: MsgSubmitProposal,
  validate(m) {
    if (m.title.trim() === '') throw govError('INVALID_PROPOSAL', 'a proposal needs a title')
    if (m.summary.trim() === '') throw govError('INVALID_PROPOSAL', 'a proposal needs a summary')
    m.messages.forEach((bytes, i) => decodeContent(bytes, i))
  },
  handle(ctx, m, signer) {
    new GovProposals(ctx).submit(m, signer.addressBytes)
  },
}

/** MsgDeposit. Stateless: INVALID_AMOUNT (zero). Stateful: UNKNOWN_PROPOSAL, DEPOSIT_CLOSED, BAD_DENOM, INSUFFICIENT_FUNDS. */
const deposit: MessageHandler<MsgDepositValue> = {
  type: MsgDeposit,
  validate(m) {
    if (m.amount.amount <= 0n) throw govError('INVALID_AMOUNT', 'a deposit must be positive', { amount: String(m.amount.amount) })
  },
  handle(ctx, m, signer) {
    new GovProposals(ctx).deposit(m.proposal, signer.addressBytes, m.amount)
  },
}

/** MsgVote. Stateless: INVALID_VOTE_OPTION. Stateful: UNKNOWN_PROPOSAL, VOTING_CLOSED. */
const vote: MessageHandler<MsgVoteValue> = {
  type: MsgVote,
  validate(m) {
    checkOption(m.option)
  },
  handle(ctx, m, signer) {
    new GovProposals(ctx).vote(m.proposal, signer.addressBytes, [{ option: m.option, weight: Dec.ONE }])
  },
}

/** MsgVoteWeighted. Stateless: INVALID_VOTE_OPTION, DUPLICATE_OPTION, INVALID_WEIGHT, WEIGHTS_NOT_ONE. Stateful: as MsgVote. */
const voteWeighted: MessageHandler<MsgVoteWeightedValue> = {
  type: MsgVoteWeighted,
  validate(m) {
    checkWeightedOptions(m.options)
  },
  handle(ctx, m, signer) {
    new GovProposals(ctx).vote(m.proposal, signer.addressBytes, m.options)
  },
}

/** MsgEnableSubnetGovernance. Stateless: INVALID_RULES. Stateful: UNKNOWN_SCOPE, SCOPE_ALREADY_GOVERNED, subnets' NOT_ADMIN. */
const enableSubnetGovernance: MessageHandler<MsgEnableSubnetGovernanceValue> = {
  type: MsgEnableSubnetGovernance,
  validate(m) {
    checkScopeRules(m.rules)
  },
  handle(ctx, m, signer) {
    new ScopedGovernance(ctx).enableSubnet(m.subnet, m.rules, signer.addressBytes)
  },
}

/** MsgEnableDatanetGovernance. Stateless: INVALID_RULES. Stateful: UNKNOWN_SCOPE, NOT_SCOPE_OWNER, SCOPE_ALREADY_GOVERNED. */
const enableDatanetGovernance: MessageHandler<MsgEnableDatanetGovernanceValue> = {
  type: MsgEnableDatanetGovernance,
  validate(m) {
    checkScopeRules(m.rules)
  },
  handle(ctx, m, signer) {
    new ScopedGovernance(ctx).enableDatanet(m.datanet, m.rules, signer.addressBytes)
  },
}

/**
 * MsgSubmitScopedProposal. Stateless: INVALID_SCOPE, INVALID_PROPOSAL (empty title/summary),
 * MESSAGE_NOT_ALLOWED, INVALID_AMOUNT. Stateful: SCOPE_NOT_GOVERNED, INVALID_PROPOSAL_MESSAGE (a
 * message its subnet's checks refuse), SCOPE_MISMATCH, BAD_DENOM, MIN_INITIAL_DEPOSIT, INSUFFICIENT_FUNDS.
 */
const submitScopedProposal: MessageHandler<MsgSubmitScopedProposalValue> = {
  type: MsgSubmitScopedProposal,
  validate(m) {
    if (!isGovScope(m.scope))
      throw govError('INVALID_SCOPE', `"${m.scope.slice(0, 16)}" is not a scope (subnet, datanet)`, { scope: m.scope.slice(0, 16) })
    if (m.title.trim() === '') throw govError('INVALID_PROPOSAL', 'a proposal needs a title')
    if (m.summary.trim() === '') throw govError('INVALID_PROPOSAL', 'a proposal needs a summary')
    if (m.deposit.amount <= 0n) throw govError('INVALID_AMOUNT', 'a deposit must be positive', { amount: String(m.deposit.amount) })
    checkScopedContent(m.scope, m.messages)
  },
  handle(ctx, m, signer) {
    new ScopedGovernance(ctx).submit(m, signer.addressBytes)
  },
}

/** MsgScopedVote. Stateless: INVALID_VOTE_OPTION. Stateful: UNKNOWN_PROPOSAL, VOTING_CLOSED, NOT_A_VOTER, ALREADY_VOTED. */
const scopedVote: MessageHandler<MsgScopedVoteValue> = {
  type: MsgScopedVote,
  validate(m) {
    checkOption(m.option)
  },
  handle(ctx, m, signer) {
    new ScopedGovernance(ctx).vote(m.proposal, signer.addressBytes, m.option as VoteOption)
  },
}

export const govMessages: MessageHandler[] = [
  submitProposal,
  deposit,
  vote,
  voteWeighted,
  enableSubnetGovernance,
  enableDatanetGovernance,
  submitScopedProposal,
  scopedVote,
]
