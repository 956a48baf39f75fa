import { encode } from '../codec/index.js'
import type { CoinValue } from '../modules/bank/messages.js'
import {
  MsgCancelUpgrade,
  MsgDeposit,
  MsgEnableDatanetGovernance,
  MsgEnableSubnetGovernance,
  MsgScopedVote,
  MsgSetDatanetCurators,
  MsgSoftwareUpgrade,
  MsgSubmitProposal,
  MsgSubmitScopedProposal,
  MsgUpdateParams,
  MsgVote,
  MsgVoteWeighted,
} from '../modules/gov/messages.js'
import { decodeAddress } from '../crypto/address.js'
import { invalid, oneCoin, rate, u64 } from './inputs.js'

type Id = bigint | number | string

const OPTIONS = ['yes', 'abstain', 'no', 'no_with_veto'] as const
export type VoteOptionInput = (typeof OPTIONS)[number]

function option(value: string, field: string): VoteOptionInput {
  if (!(OPTIONS as readonly string[]).includes(value))
    invalid(field, `${field}: yes, abstain, no or no_with_veto, not "${String(value).slice(0, 20)}"`)
  return value as VoteOptionInput
}

/** What `messages.govSubmitProposal` takes: content messages from `govContent`, none for a text proposal. */
export interface SubmitProposalInput {
  messages: readonly Uint8Array[]
  title: string
  summary: string
  metadata?: string
  /** The initial deposit, e.g. "10000000ufdr" (the bond denomination). */
  deposit: string | CoinValue
  expedited?: boolean
}

/** The content messages a chain proposal may carry (executed by gov if it passes; never sent as a transaction). */
export const govContent = {
  /** gov/MsgUpdateParams: replaces module `module`'s params with `params`, its params query's form, every field listed. */
  updateParams(module: string, params: Record<string, unknown>): Uint8Array {
    if (typeof module !== 'string' || !/^[a-z][a-z0-9_-]{0,31}$/.test(module))
      invalid('module', `module: a module name like training, not "${String(module).slice(0, 40)}"`)
    if (typeof params !== 'object' || params === null || Array.isArray(params))
      invalid('params', "params: an object, the module params query's form")
    return encode(MsgUpdateParams, { module, params: JSON.stringify(params) })
  },
  /** gov/MsgSoftwareUpgrade: schedules upgrade `name` at `height` (every node halts there until it runs the upgrade). */
  softwareUpgrade(input: { name: string; height: Id; info?: string }): Uint8Array {
    if (typeof input.name !== 'string' || input.name.trim() === '') invalid('name', 'name: must not be empty')
    return encode(MsgSoftwareUpgrade, { name: input.name, height: u64(input.height, 'height'), info: input.info ?? '' })
  },
  /** gov/MsgSetDatanetCurators (Datanet-scope proposals only): the Datanet's curators become `curators` (fedra1…), `approvals` of them accepting a record. */
  setDatanetCurators(datanet: Id, curators: readonly string[], approvals: number): Uint8Array {
    if (!Array.isArray(curators) || curators.length === 0 || curators.length > 32)
      invalid('curators', 'curators: 1 to 32 fedra1… addresses')
    const bytes = curators.map((c) => {
      try {
        return decodeAddress(c)
      } catch {
        return invalid('curators', `curators: "${String(c).slice(0, 90)}" is not a fedra1… address`)
      }
    })
    if (!Number.isInteger(approvals) || approvals < 1 || approvals > curators.length)
      invalid('approvals', `approvals: 1..${curators.length} (of the curators)`)
    return encode(MsgSetDatanetCurators, { datanet: u64(datanet, 'datanet'), curators: bytes, approvals })
  },
  /** gov/MsgCancelUpgrade: removes the scheduled upgrade. */
  cancelUpgrade(): Uint8Array {
    return encode(MsgCancelUpgrade, {})
  },
}

/** Builders for the gov module's messages (merged into `messages`, src/client/tx.ts). */
export const govMessages = {
  /** gov/MsgSubmitProposal: the signer proposes `messages` (none: a text proposal), paying the initial deposit. */
  govSubmitProposal(input: SubmitProposalInput): Uint8Array {
    if (typeof input.title !== 'string' || input.title.trim() === '') invalid('title', 'title: must not be empty')
    if (typeof input.summary !== 'string' || input.summary.trim() === '')
      invalid('summary', 'summary: must not be empty (what the proposal does and why)')
    if (!Array.isArray(input.messages)) invalid('messages', 'messages: a list of content messages (govContent)')
    return encode(MsgSubmitProposal, {
      messages: [...input.messages],
      title: input.title,
      summary: input.summary,
      metadata: input.metadata ?? '',
      initialDeposit: oneCoin(input.deposit, 'deposit'),
      expedited: input.expedited === true,
    })
  },

  /** gov/MsgDeposit: adds to a proposal's deposit in its deposit period. */
  govDeposit(proposal: Id, amount: string | CoinValue): Uint8Array {
    return encode(MsgDeposit, { proposal: u64(proposal, 'proposal'), amount: oneCoin(amount, 'amount') })
  },

  /** gov/MsgVote: all of the signer's power one way; replaces its earlier vote. */
  govVote(proposal: Id, vote: string): Uint8Array {
    return encode(MsgVote, { proposal: u64(proposal, 'proposal'), option: option(vote, 'option') })
  },

  /** gov/MsgVoteWeighted: the signer's power split among options, weights summing to exactly 1 ("0.6", "0.4"). */
  govVoteWeighted(proposal: Id, options: readonly { option: string; weight: string }[]): Uint8Array {
    if (!Array.isArray(options) || options.length === 0 || options.length > OPTIONS.length)
      invalid('options', `options: 1..${OPTIONS.length} of yes, abstain, no, no_with_veto`)
    const parsed = options.map((o) => ({ option: option(o.option, 'options'), weight: rate(o.weight, 'options') }))
    if (new Set(parsed.map((o) => o.option)).size !== parsed.length) invalid('options', 'options: each option at most once')
    return encode(MsgVoteWeighted, { proposal: u64(proposal, 'proposal'), options: parsed })
  },

  /** gov/MsgEnableSubnetGovernance: the subnet's admin hands it to gov; its members vote by bond under these rules (fractions as "0.5", period in ms). */
  govEnableSubnetGovernance(
    subnet: Id,
    rules: { quorum: string; threshold: string; vetoThreshold: string; votingPeriodMs: Id; minDeposit: Id },
  ): Uint8Array {
    return encode(MsgEnableSubnetGovernance, {
      subnet: u64(subnet, 'subnet'),
      rules: {
        quorum: rate(rules.quorum, 'quorum'),
        threshold: rate(rules.threshold, 'threshold'),
        vetoThreshold: rate(rules.vetoThreshold, 'vetoThreshold'),
        votingPeriod: u64(rules.votingPeriodMs, 'votingPeriodMs'),
        minDeposit: u64(rules.minDeposit, 'minDeposit'),
      },
    })
  },

  /** gov/MsgEnableDatanetGovernance: the Datanet's owner puts it under its curators' vote under these rules. */
  govEnableDatanetGovernance(
    datanet: Id,
    rules: { quorum: string; threshold: string; vetoThreshold: string; votingPeriodMs: Id; minDeposit: Id },
  ): Uint8Array {
    return encode(MsgEnableDatanetGovernance, {
      datanet: u64(datanet, 'datanet'),
      rules: {
        quorum: rate(rules.quorum, 'quorum'),
        threshold: rate(rules.threshold, 'threshold'),
        vetoThreshold: rate(rules.vetoThreshold, 'vetoThreshold'),
        votingPeriod: u64(rules.votingPeriodMs, 'votingPeriodMs'),
        minDeposit: u64(rules.minDeposit, 'minDeposit'),
      },
    })
  },

  /**
   * gov/MsgSubmitScopedProposal about governed subnet `subnet` (messages: `messages.subnetsUpdateAllowList` /
   * `subnetsUpdateParams` bytes) or Datanet `datanet` (messages: `govContent.setDatanetCurators`); none: text.
   */
  govSubmitScopedProposal(
    input: ({ subnet: Id; datanet?: undefined } | { datanet: Id; subnet?: undefined }) & {
      messages: readonly Uint8Array[]
      title: string
      summary: string
      deposit: string | CoinValue
    },
  ): Uint8Array {
    if ((input.subnet === undefined) === (input.datanet === undefined)) invalid('scope', 'scope: give subnet or datanet, one of them')
    if (typeof input.title !== 'string' || input.title.trim() === '') invalid('title', 'title: must not be empty')
    if (typeof input.summary !== 'string' || input.summary.trim() === '')
      invalid('summary', 'summary: must not be empty (what the proposal does and why)')
    if (!Array.isArray(input.messages)) invalid('messages', 'messages: a list of encoded subnets messages')
    return encode(MsgSubmitScopedProposal, {
      scope: input.subnet !== undefined ? 'subnet' : 'datanet',
      target: input.subnet !== undefined ? u64(input.subnet, 'subnet') : u64(input.datanet!, 'datanet'),
      messages: [...input.messages],
      title: input.title,
      summary: input.summary,
      deposit: oneCoin(input.deposit, 'deposit'),
    })
  },

  /** gov/MsgScopedVote: a subnet member's or a Datanet curator's one vote on a scoped proposal. */
  govScopedVote(proposal: Id, vote: string): Uint8Array {
    return encode(MsgScopedVote, { proposal: u64(proposal, 'proposal'), option: option(vote, 'option') })
  },
}
