/**
 * The JSON forms of chain objects, as schemas (for validation, OpenRPC and the docs) and as
 * converters both ways (the server encodes, the client decodes to re-hash headers and check
 * proofs). Conventions: hashes and bytes are lower-case hex, heights and rounds are numbers,
 * token amounts and voting powers are decimal strings, times are unix milliseconds.
 */
import type { Block, Commit, Header } from '../consensus/block.js'
import { txResultRecord } from '../indexer/records.js'
import type { DuplicateVoteEvidence } from '../consensus/evidence.js'
import type { Vote } from '../consensus/types.js'
import type { ValidatorSet } from '../consensus/validator-set.js'
import { decodeAddress } from '../crypto/address.js'
import { fromHex, toHex } from '../crypto/hash.js'
import type { StateProof } from '../state/proof.js'
import type { BlockResultsValue } from '../state/results.js'
import { type Infer, s } from './schema.js'

export const MAX_HEIGHT = 2 ** 53 - 1

export const hash32 = s.hex({ bytes: 32 })
export const height = s.integer({ min: 0, max: MAX_HEIGHT })
export const address = s.named(
  'Address',
  s.refine(
    s.string({
      minLength: 8,
      maxLength: 128,
      pattern: /^[a-z0-9]+1[02-9ac-hj-np-z]+$/,
      patternHint: 'expected a bech32 address (fedra1…)',
    }),
    (text) => {
      try {
        decodeAddress(text)
        return null
      } catch (error) {
        return (error as Error).message.replace(/^[A-Z_]+: /, '')
      }
    },
  ),
  'bech32 account address, fedra1…, checksum verified',
)

export const HeaderJson = s.named(
  'Header',
  s.object({
    chainId: s.string(),
    height,
    time: s.integer({ min: 0, description: 'unix milliseconds' }),
    prevBlockId: s.nullable(hash32),
    lastCommitHash: hash32,
    lastResultsHash: s.describe(hash32, "Merkle root (RFC 6962) of the previous block's tx results: code, codespace, gas, tx hash"),
    dataHash: hash32,
    evidenceHash: hash32,
    stateRoot: s.describe(hash32, 'state root after executing this block'),
    validatorsHash: hash32,
    nextValidatorsHash: hash32,
    proposer: address,
  }),
)

export const CommitJson = s.named(
  'Commit',
  s.object({
    height,
    round: s.integer({ min: 0 }),
    blockId: hash32,
    signatures: s.array(s.object({ validator: address, signature: s.hex({ maxBytes: 64 }) })),
  }),
  '+2/3 precommits (by power) for one block: the proof it is decided',
)

const VoteJson = s.named(
  'Vote',
  s.object({
    type: s.enum(['prevote', 'precommit']),
    height,
    round: s.integer({ min: 0 }),
    valueId: s.nullable(hash32),
    validator: address,
    signature: s.hex({ maxBytes: 64 }),
  }),
)

export const BlockJson = s.named(
  'Block',
  s.object({
    blockId: s.describe(hash32, 'SHA-256 of the canonical header encoding'),
    header: HeaderJson,
    lastCommit: s.nullable(CommitJson),
    evidence: s.array(s.object({ voteA: VoteJson, voteB: VoteJson })),
    txs: s.array(s.hex(), { description: 'transactions, canonical bytes in hex' }),
  }),
)

export const EventJson = s.named(
  'Event',
  s.object({ type: s.string(), attributes: s.array(s.object({ key: s.string(), value: s.string() })) }),
)

export const TxResultJson = s.named(
  'TxResult',
  s.object({
    hash: hash32,
    code: s.integer({ min: 0, description: '0 on success, else a code of codespace' }),
    codespace: s.string(),
    log: s.string(),
    gasWanted: s.decimal(),
    gasUsed: s.decimal(),
    events: s.array(EventJson),
  }),
)

export const BlockResultsJson = s.named(
  'BlockResults',
  s.object({ height, txResults: s.array(TxResultJson), beginBlockEvents: s.array(EventJson), endBlockEvents: s.array(EventJson) }),
)

export const ValidatorSetJson = s.named(
  'ValidatorSet',
  s.object({
    height,
    totalPower: s.decimal(),
    proposer: address,
    validators: s.array(
      s.object({
        address,
        publicKey: s.hex({ bytes: 32 }),
        votingPower: s.decimal(),
        proposerPriority: s.string({ pattern: /^-?(0|[1-9][0-9]*)$/ }),
      }),
    ),
  }),
)

export const ProofJson = s.named(
  'StateProof',
  s.object({
    siblings: s.array(hash32, { maxItems: 256 }),
    leaf: s.nullable(s.object({ path: hash32, valueHash: hash32 })),
  }),
  'sparse Merkle proof: sibling hashes from the root down, and the leaf the path ends at',
)

export const MessageJson = s.named(
  'Message',
  s.object({
    type: s.string({ description: 'the message struct name, e.g. bank/MsgSend; unknown/<tag> if no module reads it' }),
    value: s.unknown('the message fields: bytes in hex, integers above 2^32 as decimal strings'),
  }),
)

export const TxJson = s.named(
  'Tx',
  s.object({
    hash: hash32,
    height,
    index: s.integer({ min: 0, description: 'position in the block' }),
    tx: s.hex({ description: 'the transaction bytes' }),
    signer: s.nullable(address),
    body: s.nullable(
      s.object({ nonce: s.decimal(), fee: s.decimal(), gasLimit: s.decimal(), memo: s.string(), messages: s.array(MessageJson) }),
    ),
    result: TxResultJson,
  }),
  'a committed transaction; signer and body are null for one that could not be decoded (it is on record with its failure code)',
)

export type HeaderJsonValue = Infer<typeof HeaderJson>
export type CommitJsonValue = Infer<typeof CommitJson>
export type BlockJsonValue = Infer<typeof BlockJson>
export type EventJsonValue = Infer<typeof EventJson>
export type TxResultJsonValue = Infer<typeof TxResultJson>
export type BlockResultsJsonValue = Infer<typeof BlockResultsJson>
export type ValidatorSetJsonValue = Infer<typeof ValidatorSetJson>
export type ProofJsonValue = Infer<typeof ProofJson>
export type TxJsonValue = Infer<typeof TxJson>

export function headerToJson(h: Header): HeaderJsonValue {
  return {
    chainId: h.chainId,
    height: h.height,
    time: h.time,
    prevBlockId: h.prevBlockId,
    lastCommitHash: toHex(h.lastCommitHash),
    lastResultsHash: toHex(h.lastResultsHash),
    dataHash: toHex(h.dataHash),
    evidenceHash: toHex(h.evidenceHash),
    stateRoot: toHex(h.stateRoot),
    validatorsHash: toHex(h.validatorsHash),
    nextValidatorsHash: toHex(h.nextValidatorsHash),
    proposer: h.proposer,
  }
}

export function headerFromJson(j: HeaderJsonValue): Header {
  return {
    chainId: j.chainId,
    height: j.height,
    time: j.time,
    prevBlockId: j.prevBlockId,
    lastCommitHash: fromHex(j.lastCommitHash),
    lastResultsHash: fromHex(j.lastResultsHash),
    dataHash: fromHex(j.dataHash),
    evidenceHash: fromHex(j.evidenceHash),
    stateRoot: fromHex(j.stateRoot),
    validatorsHash: fromHex(j.validatorsHash),
    nextValidatorsHash: fromHex(j.nextValidatorsHash),
    proposer: j.proposer,
  }
}

export function commitToJson(c: Commit): CommitJsonValue {
  return {
    height: c.height,
    round: c.round,
    blockId: c.blockId,
    signatures: c.signatures.map((sig) => ({ validator: sig.validator, signature: toHex(sig.signature) })),
  }
}

export function commitFromJson(j: CommitJsonValue): Commit {
  return {
    height: j.height,
    round: j.round,
    blockId: j.blockId,
    signatures: j.signatures.map((sig) => ({ validator: sig.validator, signature: fromHex(sig.signature) })),
  }
}

const voteToJson = (v: Vote) => ({
  type: v.type,
  height: v.height,
  round: v.round,
  valueId: v.valueId,
  validator: v.validator,
  signature: toHex(v.signature),
})

export function blockToJson(block: Block, blockId: string): BlockJsonValue {
  return {
    blockId,
    header: headerToJson(block.header),
    lastCommit: block.lastCommit === null ? null : commitToJson(block.lastCommit),
    evidence: block.evidence.map((e: DuplicateVoteEvidence) => ({ voteA: voteToJson(e.voteA), voteB: voteToJson(e.voteB) })),
    txs: block.txs.map(toHex),
  }
}

export function txResultToJson(r: BlockResultsValue['txResults'][number]): TxResultJsonValue {
  return txResultRecord(r)
}

export function blockResultsToJson(r: BlockResultsValue): BlockResultsJsonValue {
  const events = (list: BlockResultsValue['beginBlockEvents']) =>
    list.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })) }))
  return {
    height: Number(r.height),
    txResults: r.txResults.map(txResultToJson),
    beginBlockEvents: events(r.beginBlockEvents),
    endBlockEvents: events(r.endBlockEvents),
  }
}

export function validatorSetToJson(set: ValidatorSet, atHeight: number): ValidatorSetJsonValue {
  return {
    height: atHeight,
    totalPower: String(set.totalPower),
    proposer: set.proposer,
    validators: set.validators.map((v) => ({
      address: v.address,
      publicKey: toHex(v.publicKey),
      votingPower: String(v.votingPower),
      proposerPriority: String(v.proposerPriority),
    })),
  }
}

export function validatorSetFromJson(j: ValidatorSetJsonValue): ValidatorSet {
  return {
    totalPower: BigInt(j.totalPower),
    proposer: j.proposer,
    validators: j.validators.map((v) => ({
      address: v.address,
      publicKey: fromHex(v.publicKey),
      votingPower: BigInt(v.votingPower),
      proposerPriority: BigInt(v.proposerPriority),
    })),
  }
}

export function proofToJson(p: StateProof): ProofJsonValue {
  return {
    siblings: p.siblings.map(toHex),
    leaf: p.leaf === null ? null : { path: toHex(p.leaf.path), valueHash: toHex(p.leaf.valueHash) },
  }
}

export function proofFromJson(j: ProofJsonValue): StateProof {
  return {
    siblings: j.siblings.map(fromHex),
    leaf: j.leaf === null ? null : { path: fromHex(j.leaf.path), valueHash: fromHex(j.leaf.valueHash) },
  }
}
