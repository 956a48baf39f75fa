import { t } from '../codec/index.js'

/**
 * Wire schemas of consensus (codec tags 300–399). Heights are u64 on the wire and `number`
 * in memory (2^53 blocks is beyond any chain's life); a nil round (−1) is `null`.
 */

export const MAX_VALIDATORS = 1000
const address = t.string({ max: 128 })
const signature = t.bytes({ max: 64 })
const hash32 = t.fixedBytes(32)

export const VoteWire = t.struct('Vote', 300, 1, {
  type: t.u8, // 1 prevote, 2 precommit
  height: t.u64,
  round: t.u32,
  blockId: t.optional(hash32),
  validator: address,
  signature,
})

/** What a validator signs for a vote (under the crypto domain 'vote' and the chain id). */
export const VoteSignPayload = t.struct('VoteSignPayload', 301, 1, {
  type: t.u8,
  height: t.u64,
  round: t.u32,
  blockId: t.optional(hash32),
})

export const ProposalWire = t.struct('Proposal', 302, 1, {
  height: t.u64,
  round: t.u32,
  polRound: t.optional(t.u32),
  blockId: hash32,
  proposer: address,
  signature,
})

export const ProposalSignPayload = t.struct('ProposalSignPayload', 303, 1, {
  height: t.u64,
  round: t.u32,
  polRound: t.optional(t.u32),
  blockId: hash32,
})

export const CommitSigWire = t.struct('CommitSig', 304, 1, { validator: address, signature })

export const CommitWire = t.struct('Commit', 305, 1, {
  height: t.u64,
  round: t.u32,
  blockId: hash32,
  signatures: t.array(CommitSigWire, { max: MAX_VALIDATORS }),
})

export const DuplicateVoteEvidenceWire = t.struct('DuplicateVoteEvidence', 306, 1, { voteA: VoteWire, voteB: VoteWire })

// Version 2: lastResultsHash (CometBFT's LastResultsHash), the results of block height − 1.
export const HeaderWire = t.struct('Header', 307, 2, {
  chainId: t.string({ max: 64 }),
  height: t.u64,
  time: t.u64, // unix ms
  prevBlockId: t.optional(hash32),
  lastCommitHash: hash32,
  lastResultsHash: hash32,
  dataHash: hash32,
  evidenceHash: hash32,
  stateRoot: t.bytes({ max: 64 }),
  validatorsHash: hash32,
  nextValidatorsHash: hash32,
  proposer: address,
})

export const MAX_BLOCK_TXS = 10_000
export const MAX_TX_BYTES = 1024 * 1024
export const MAX_BLOCK_EVIDENCE = 100
export const MAX_BLOCK_BYTES = 64 * 1024 * 1024

export const BlockWire = t.struct('Block', 308, 1, {
  header: HeaderWire,
  lastCommit: t.optional(CommitWire),
  evidence: t.array(DuplicateVoteEvidenceWire, { max: MAX_BLOCK_EVIDENCE }),
  txs: t.array(t.bytes({ max: MAX_TX_BYTES }), { max: MAX_BLOCK_TXS }),
})

export const ValidatorWire = t.struct('ConsensusValidator', 309, 1, {
  address,
  publicKey: t.bytes({ max: 64 }),
  votingPower: t.uint(64),
})

export const ValidatorSetWire = t.struct('ConsensusValidatorSet', 310, 1, {
  validators: t.array(ValidatorWire, { max: MAX_VALIDATORS }),
})

export const TxListWire = t.array(t.bytes({ max: MAX_TX_BYTES }), { max: MAX_BLOCK_TXS })
export const EvidenceListWire = t.array(DuplicateVoteEvidenceWire, { max: MAX_BLOCK_EVIDENCE })
export const EmptyCommitWire = t.struct('EmptyCommit', 311, 1, {})
/** The deterministic part of a tx result (CometBFT hashes code, data and gas; events and log are left out). */
export const TxResultDigestWire = t.struct('TxResultDigest', 312, 1, {
  txHash: hash32,
  code: t.u32,
  codespace: t.string({ max: 64 }),
  gasWanted: t.u64,
  gasUsed: t.u64,
})

// Network messages (gossip topic "consensus").
export const ProposalMessageWire = t.struct('ProposalMessage', 320, 1, { proposal: ProposalWire, block: BlockWire })
export const VoteMessageWire = t.struct('VoteMessage', 321, 1, { vote: VoteWire })
/** A decided block with its commit, sent to a peer that is behind. */
export const CommitMessageWire = t.struct('CommitMessage', 322, 1, { block: BlockWire, commit: CommitWire })
/** "I am at this height": a peer ahead answers with the CommitMessage for it. */
export const StatusMessageWire = t.struct('StatusMessage', 323, 1, { height: t.u64 })
export const ConsensusMessageWire = t.union('ConsensusMessage', [
  ProposalMessageWire,
  VoteMessageWire,
  CommitMessageWire,
  StatusMessageWire,
])

// WAL records.
export const WalHeightWire = t.struct('WalHeight', 330, 1, { height: t.u64 })
export const WalProposalWire = t.struct('WalProposal', 331, 1, { proposal: ProposalWire, block: BlockWire, timely: t.bool })
export const WalVoteWire = t.struct('WalVote', 332, 1, { vote: VoteWire })
export const WalTimeoutWire = t.struct('WalTimeout', 333, 1, { step: t.u8, height: t.u64, round: t.u32 })
export const WalValidityWire = t.struct('WalValidity', 334, 1, { height: t.u64, blockId: hash32, valid: t.bool })
export const WalProposeValueWire = t.struct('WalProposeValue', 335, 1, { round: t.u32, block: BlockWire })
export const WalCommitWire = t.struct('WalCommit', 336, 1, { block: BlockWire, commit: CommitWire })
export const WalSignedVoteWire = t.struct('WalSignedVote', 337, 1, { vote: VoteWire })
export const WalSignedProposalWire = t.struct('WalSignedProposal', 338, 1, { proposal: ProposalWire })
export const WalEntryWire = t.union('WalEntry', [
  WalHeightWire,
  WalProposalWire,
  WalVoteWire,
  WalTimeoutWire,
  WalValidityWire,
  WalProposeValueWire,
  WalCommitWire,
  WalSignedVoteWire,
  WalSignedProposalWire,
])
