import { encode } from '../codec/index.js'
import { type MerkleStep, merkleAuditPath, merkleLeafHash, merkleNodeHash, merkleRoot } from '../crypto/index.js'
import { TxResultDigestWire } from './schemas.js'

/**
 * What of a tx's result a header commits to: the tx, its code (and codespace) and gas. Like
 * CometBFT's deterministic ExecTxResult fields, events and the log are left out (a receipt a
 * client must prove lives in state, under the state root).
 */
export interface TxResultDigest {
  txHash: Uint8Array
  code: number
  codespace: string
  gasWanted: bigint
  gasUsed: bigint
}

/** The digest of a tx result as the state layer records it (executed or stored: both carry these fields). */
export function txResultDigest(r: {
  hash: Uint8Array
  code: number
  codespace: string
  gasWanted: bigint
  gasUsed: bigint
}): TxResultDigest {
  return { txHash: r.hash, code: r.code, codespace: r.codespace, gasWanted: r.gasWanted, gasUsed: r.gasUsed }
}

/** One step of an inclusion proof: the sibling hash and on which side it sits. */
export type ResultProofStep = MerkleStep

const leafBytes = (d: TxResultDigest): Uint8Array => encode(TxResultDigestWire, d)

/**
 * LastResultsHash: the RFC 6962 Merkle root (leaf 0x00, node 0x01, SHA-256; src/crypto/merkle.ts)
 * of a block's tx results in block order, so one result can be proven against a header with
 * `resultProof`.
 */
export function resultsHash(results: readonly TxResultDigest[]): Uint8Array {
  return merkleRoot(results.map(leafBytes))
}

/** The audit path of result `index` (RFC 6962 §2.1.1), leaf to root. */
export function resultProof(results: readonly TxResultDigest[], index: number): ResultProofStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= results.length) throw new RangeError(`no result ${index} in ${results.length}`)
  return merkleAuditPath(results.map(leafBytes), index)
}

/** Whether `result` is in the block whose next header carries `lastResultsHash`, by its audit path. */
export function verifyResultProof(lastResultsHash: Uint8Array, result: TxResultDigest, proof: readonly ResultProofStep[]): boolean {
  let hash = merkleLeafHash(leafBytes(result))
  for (const step of proof) hash = step.left ? merkleNodeHash(step.sibling, hash) : merkleNodeHash(hash, step.sibling)
  return Buffer.compare(hash, lastResultsHash) === 0
}
