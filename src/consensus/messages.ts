import { decode, encode } from '../codec/index.js'
import { fromHex, toHex } from '../crypto/index.js'
import { type Block, type Commit, fromBlockWire, fromCommitWire, toBlockWire, toCommitWire } from './block.js'
import {
  CommitMessageWire,
  ConsensusMessageWire,
  MAX_BLOCK_BYTES,
  ProposalMessageWire,
  StatusMessageWire,
  VoteMessageWire,
  ProposalSignPayload,
  type ProposalWire,
  VoteSignPayload,
  type VoteWire,
} from './schemas.js'
import { type Height, NIL_ROUND, type Proposal, type UnsignedProposal, type UnsignedVote, type Vote, type VoteType } from './types.js'

type VoteValue = Parameters<typeof VoteWire.toWire>[0]
type ProposalValue = Parameters<typeof ProposalWire.toWire>[0]

const VOTE_TYPE_CODE: Record<VoteType, number> = { prevote: 1, precommit: 2 }

function voteTypeOf(code: number): VoteType {
  if (code === 1) return 'prevote'
  if (code === 2) return 'precommit'
  // The codec accepted a u8; only 1 and 2 are votes. Reject like any non-canonical input.
  throw new RangeError(`vote type ${code} is neither prevote (1) nor precommit (2)`)
}

export function toVoteWire(v: Vote): VoteValue {
  return {
    type: VOTE_TYPE_CODE[v.type],
    height: BigInt(v.height),
    round: v.round,
    blockId: v.valueId === null ? null : fromHex(v.valueId),
    validator: v.validator,
    signature: v.signature,
  }
}

export function fromVoteWire(w: VoteValue): Vote {
  return {
    type: voteTypeOf(w.type),
    height: Number(w.height),
    round: w.round,
    valueId: w.blockId === null ? null : toHex(w.blockId),
    validator: w.validator,
    signature: w.signature,
  }
}

export function toProposalWire(p: Proposal): ProposalValue {
  return {
    height: BigInt(p.height),
    round: p.round,
    polRound: p.polRound === NIL_ROUND ? null : p.polRound,
    blockId: fromHex(p.valueId),
    proposer: p.proposer,
    signature: p.signature,
  }
}

export function fromProposalWire(w: ProposalValue): Proposal {
  return {
    height: Number(w.height),
    round: w.round,
    polRound: w.polRound === null ? NIL_ROUND : w.polRound,
    valueId: toHex(w.blockId),
    proposer: w.proposer,
    signature: w.signature,
  }
}

/** The payload signed (domain 'vote') for a vote; the validator is bound by its key, not the payload. */
export function voteSignPayload(v: UnsignedVote): Uint8Array {
  return encode(VoteSignPayload, {
    type: VOTE_TYPE_CODE[v.type],
    height: BigInt(v.height),
    round: v.round,
    blockId: v.valueId === null ? null : fromHex(v.valueId),
  })
}

/** The payload signed (domain 'proposal') for a proposal. */
export function proposalSignPayload(p: UnsignedProposal): Uint8Array {
  return encode(ProposalSignPayload, {
    height: BigInt(p.height),
    round: p.round,
    polRound: p.polRound === NIL_ROUND ? null : p.polRound,
    blockId: fromHex(p.valueId),
  })
}

/** What validators gossip on the consensus topic. */
export type ConsensusMessage =
  | { type: 'proposal'; proposal: Proposal; block: Block }
  | { type: 'vote'; vote: Vote }
  | { type: 'commit'; block: Block; commit: Commit }
  | { type: 'status'; height: Height }

export function encodeConsensusMessage(m: ConsensusMessage): Uint8Array {
  switch (m.type) {
    case 'proposal':
      return encode(ProposalMessageWire, { proposal: toProposalWire(m.proposal), block: toBlockWire(m.block) })
    case 'vote':
      return encode(VoteMessageWire, { vote: toVoteWire(m.vote) })
    case 'commit':
      return encode(CommitMessageWire, { block: toBlockWire(m.block), commit: toCommitWire(m.commit) })
    case 'status':
      return encode(StatusMessageWire, { height: BigInt(m.height) })
  }
}

/** Decodes a gossip message; throws CodecError (or RangeError for a bad vote type) on anything non-canonical. */
export function decodeConsensusMessage(bytes: Uint8Array): ConsensusMessage {
  const m = decode(ConsensusMessageWire, bytes, { maxBytes: MAX_BLOCK_BYTES })
  switch (m.type) {
    case 'ProposalMessage': {
      const v = m.value as { proposal: ProposalValue; block: Parameters<typeof fromBlockWire>[0] }
      return { type: 'proposal', proposal: fromProposalWire(v.proposal), block: fromBlockWire(v.block) }
    }
    case 'VoteMessage':
      return { type: 'vote', vote: fromVoteWire((m.value as { vote: VoteValue }).vote) }
    case 'CommitMessage': {
      const v = m.value as { block: Parameters<typeof fromBlockWire>[0]; commit: Parameters<typeof fromCommitWire>[0] }
      return { type: 'commit', block: fromBlockWire(v.block), commit: fromCommitWire(v.commit) }
    }
    default:
      return { type: 'status', height: Number((m.value as { height: bigint }).height) }
  }
}
