import { encode } from '../codec/index.js'
import { sha256 } from '../crypto/index.js'
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
export function txResultDigest(r: { hash: Uint8Array; code: number; codespace: string; gasWanted: bigint; gasUsed: bigint }): TxResultDigest {
  return { txHash: r.hash, code: r.code, codespace: r.codespace, gasWanted: r.gasWanted, gasUsed: r.gasUsed }
}

/** One step of an inclusion proof: the sibling hash and on which side it sits. */
export interface ResultProofStep {
  sibling: Uint8Array
  left: boolean
}

const LEAF = Uint8Array.of(0)
const NODE = Uint8Array.of(1)

const concat = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts)
const leafHash = (d: TxResultDigest): Uint8Array => sha256(concat(LEAF, encode(TxResultDigestWire, d)))
const nodeHash = (l: Uint8Array, r: Uint8Array): Uint8Array => sha256(concat(NODE, l, r))

/** The largest power of two below n (RFC 6962's split point k, with k < n ≤ 2k). */
function split(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

function root(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256(new Uint8Array())
  if (leaves.length === 1) return leaves[0]!
  const k = split(leaves.length)
  return nodeHash(root(leaves.slice(0, k)), root(leaves.slice(k)))
}

/**
 * LastResultsHash: the RFC 6962 Merkle root (leaf 0x00, node 0x01, SHA-256) of a block's tx
 * results in block order, so one result can be proven against a header with `resultProof`.
 */
export function resultsHash(results: readonly TxResultDigest[]): Uint8Array {
  return root(results.map(leafHash))
}

/** The audit path of result `index` (RFC 6962 §2.1.1), leaf to root. */
export function resultProof(results: readonly TxResultDigest[], index: number): ResultProofStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= results.length) throw new RangeError(`no result ${index} in ${results.length}`)
  const path: ResultProofStep[] = []
  const walk = (leaves: Uint8Array[], i: number): void => {
    if (leaves.length <= 1) return
    const k = split(leaves.length)
    if (i < k) {
      walk(leaves.slice(0, k), i)
      path.push({ sibling: root(leaves.slice(k)), left: false })
    } else {
      walk(leaves.slice(k), i - k)
      path.push({ sibling: root(leaves.slice(0, k)), left: true })
    }
  }
  walk(results.map(leafHash), index)
  return path
}

/** Whether `result` is in the block whose next header carries `lastResultsHash`, by its audit path. */
export function verifyResultProof(lastResultsHash: Uint8Array, result: TxResultDigest, proof: readonly ResultProofStep[]): boolean {
  let hash = leafHash(result)
  for (const step of proof) hash = step.left ? nodeHash(step.sibling, hash) : nodeHash(hash, step.sibling)
  return Buffer.compare(hash, lastResultsHash) === 0
}
