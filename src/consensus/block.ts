import { encode } from '../codec/index.js'
import { fromHex, sha256, toHex } from '../crypto/index.js'
import { BlockWire, CommitWire, EmptyCommitWire, EvidenceListWire, HeaderWire, TxListWire, ValidatorSetWire } from './schemas.js'
import type { DuplicateVoteEvidence } from './evidence.js'
import type { Vote, Address, Height, Round, ValueId } from './types.js'
import { fromVoteWire, toVoteWire } from './messages.js'
import type { ValidatorSet } from './validator-set.js'
import type { ChainTip } from './application.js'

/**
 * Block H commits to: the chain (prevBlockId, lastCommit = +2/3 precommits for block H−1),
 * the tx results of block H−1 (lastResultsHash), its content (txs, evidence), the state root
 * *after* executing it, and the validator sets of H and H+1. Its id is the SHA-256 of the encoded header.
 *
 * Time rule (proposer-based, bounded): `time` is the proposer's clock in unix ms, at least
 * one ms after the previous block's time (checked by everyone, deterministically); a fresh
 * proposal (validRound −1) is prevoted only if its time is at most `maxClockDriftMs` ahead
 * of the validator's own clock. So time is monotonic, and a Byzantine proposer can push it
 * ahead of honest clocks by at most the drift bound per block.
 */
export interface Header {
  chainId: string
  height: Height
  time: number
  prevBlockId: ValueId | null
  lastCommitHash: Uint8Array
  /** `resultsHash` of block height − 1's tx results (CometBFT's LastResultsHash); of none at height 1. */
  lastResultsHash: Uint8Array
  dataHash: Uint8Array
  evidenceHash: Uint8Array
  stateRoot: Uint8Array
  validatorsHash: Uint8Array
  nextValidatorsHash: Uint8Array
  proposer: Address
}

export interface CommitSig {
  validator: Address
  signature: Uint8Array
}

/** +2/3 (by power) precommits for one block in one round: the proof the block is decided. */
export interface Commit {
  height: Height
  round: Round
  blockId: ValueId
  signatures: CommitSig[]
}

export interface Block {
  header: Header
  lastCommit: Commit | null
  evidence: DuplicateVoteEvidence[]
  txs: Uint8Array[]
}

type HeaderValue = Parameters<typeof HeaderWire.toWire>[0]
type CommitValue = Parameters<typeof CommitWire.toWire>[0]
type BlockValue = Parameters<typeof BlockWire.toWire>[0]

export function toHeaderWire(h: Header): HeaderValue {
  return {
    chainId: h.chainId,
    height: BigInt(h.height),
    time: BigInt(h.time),
    prevBlockId: h.prevBlockId === null ? null : fromHex(h.prevBlockId),
    lastCommitHash: h.lastCommitHash,
    lastResultsHash: h.lastResultsHash,
    dataHash: h.dataHash,
    evidenceHash: h.evidenceHash,
    stateRoot: h.stateRoot,
    validatorsHash: h.validatorsHash,
    nextValidatorsHash: h.nextValidatorsHash,
    proposer: h.proposer,
  }
}

export function fromHeaderWire(w: HeaderValue): Header {
  return {
    chainId: w.chainId,
    height: Number(w.height),
    time: Number(w.time),
    prevBlockId: w.prevBlockId === null ? null : toHex(w.prevBlockId),
    lastCommitHash: w.lastCommitHash,
    lastResultsHash: w.lastResultsHash,
    dataHash: w.dataHash,
    evidenceHash: w.evidenceHash,
    stateRoot: w.stateRoot,
    validatorsHash: w.validatorsHash,
    nextValidatorsHash: w.nextValidatorsHash,
    proposer: w.proposer,
  }
}

export function toCommitWire(c: Commit): CommitValue {
  return { height: BigInt(c.height), round: c.round, blockId: fromHex(c.blockId), signatures: c.signatures }
}

export function fromCommitWire(w: CommitValue): Commit {
  return { height: Number(w.height), round: w.round, blockId: toHex(w.blockId), signatures: w.signatures }
}

export function toBlockWire(b: Block): BlockValue {
  return {
    header: toHeaderWire(b.header),
    lastCommit: b.lastCommit === null ? null : toCommitWire(b.lastCommit),
    evidence: b.evidence.map((e) => ({ voteA: toVoteWire(e.voteA), voteB: toVoteWire(e.voteB) })),
    txs: b.txs,
  }
}

export function fromBlockWire(w: BlockValue): Block {
  return {
    header: fromHeaderWire(w.header),
    lastCommit: w.lastCommit === null ? null : fromCommitWire(w.lastCommit),
    evidence: w.evidence.map((e) => ({ voteA: fromVoteWire(e.voteA), voteB: fromVoteWire(e.voteB) })),
    txs: w.txs,
  }
}

export const encodeBlock = (block: Block): Uint8Array => encode(BlockWire, toBlockWire(block))

/** The block a proposer builds on `tip` from prepared txs and state root: every header hash derived here. */
export function assembleBlock(
  tip: ChainTip,
  fields: { height: Height; time: number; proposer: Address; evidence: DuplicateVoteEvidence[] },
  prepared: { txs: Uint8Array[]; stateRoot: Uint8Array },
): Block {
  return {
    header: {
      chainId: tip.chainId,
      height: fields.height,
      time: fields.time,
      prevBlockId: tip.blockId,
      lastCommitHash: lastCommitHash(tip.lastCommit),
      lastResultsHash: tip.lastResultsHash,
      dataHash: dataHash(prepared.txs),
      evidenceHash: evidenceHash(fields.evidence),
      stateRoot: prepared.stateRoot,
      validatorsHash: validatorSetHash(tip.validators),
      nextValidatorsHash: validatorSetHash(tip.nextValidators),
      proposer: fields.proposer,
    },
    lastCommit: tip.lastCommit,
    evidence: fields.evidence,
    txs: prepared.txs,
  }
}

/** The block id: hex SHA-256 of the canonical header encoding. */
export function blockId(header: Header): ValueId {
  return toHex(sha256(encode(HeaderWire, toHeaderWire(header))))
}

export const dataHash = (txs: Uint8Array[]): Uint8Array => sha256(encode(TxListWire, txs))

export function evidenceHash(evidence: DuplicateVoteEvidence[]): Uint8Array {
  return sha256(
    encode(
      EvidenceListWire,
      evidence.map((e) => ({ voteA: toVoteWire(e.voteA), voteB: toVoteWire(e.voteB) })),
    ),
  )
}

export function lastCommitHash(commit: Commit | null): Uint8Array {
  return sha256(commit === null ? encode(EmptyCommitWire, {}) : encode(CommitWire, toCommitWire(commit)))
}

/** Hash of the set's members and powers (not priorities), as CometBFT's ValidatorsHash. */
export function validatorSetHash(set: ValidatorSet): Uint8Array {
  const validators = set.validators.map((v) => ({ address: v.address, publicKey: v.publicKey, votingPower: v.votingPower }))
  return sha256(encode(ValidatorSetWire, { validators }))
}

/** The commit certificate the core's decide effect carries, as stored in the next block. */
export function commitFromPrecommits(height: Height, round: Round, valueId: ValueId, precommits: Vote[]): Commit {
  return {
    height,
    round,
    blockId: valueId,
    signatures: precommits.map((v) => ({ validator: v.validator, signature: v.signature })),
  }
}

/** The precommit a commit signature stands for (to verify it, or feed it to the core). */
export function commitVotes(commit: Commit): Vote[] {
  return commit.signatures.map((s) => ({
    type: 'precommit',
    height: commit.height,
    round: commit.round,
    valueId: commit.blockId,
    validator: s.validator,
    signature: s.signature,
  }))
}
