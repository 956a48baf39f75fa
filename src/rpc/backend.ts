import type { Block, Commit } from '../consensus/block.js'
import type { ValidatorSet } from '../consensus/validator-set.js'
import type { TxIndexReader } from '../indexer/indexer.js'
import type { StateProof } from '../state/proof.js'
import type { BlockResultsValue } from '../state/results.js'
import type { ModuleQueryAnswer } from '../state/application.js'

type MaybePromise<T> = T | Promise<T>

/** What `chain_status` reports; heights are 0 and ids null before the first block. */
export interface NodeStatus {
  moniker: string
  version: string
  /** The node's p2p identity (libp2p peer id). */
  nodeId: string
  latestHeight: number
  latestBlockId: string | null
  /** State root after the latest block (the genesis state root at height 0). */
  latestStateRoot: Uint8Array
  /** Header time of the latest block, unix ms; null at height 0. */
  latestBlockTime: number | null
  /** Lowest height whose block is still served (1 unless blocks were pruned). */
  earliestHeight: number
  catchingUp: boolean
  /** This node's validator, if it runs one. */
  validator: { address: string; votingPower: bigint } | null
}

export interface NetPeer {
  id: string
  addrs: string[]
  direction: 'inbound' | 'outbound'
}

export interface NetInfo {
  listening: boolean
  listenAddrs: string[]
  peers: NetPeer[]
}

/**
 * Whether the mempool took a transaction (CometBFT's CheckTx answer). A refusal carries the
 * code of its codespace: `tx` for TxError codes (TX_CODES: REPLAYED 7, BAD_SIGNATURE 6, ...),
 * `mempool` for the mempool's own (full, duplicate), a module name for a module's check.
 */
export type TxAdmission =
  | { accepted: true; hash: Uint8Array }
  | { accepted: false; hash: Uint8Array; code: number; codespace: string; log: string; full?: MempoolFullness }

/** With a refusal for want of room (mempool FULL): how full the pool is and its bounds. */
export interface MempoolFullness {
  txs: number
  maxTxs: number
  bytes: number
  maxBytes: number
}

/** A block the node committed, with what executing it produced. */
export interface CommittedBlockEvent {
  block: Block
  blockId: string
  results: BlockResultsValue
}

export interface StateQueryAnswer {
  /** The height the value and proof are for. */
  height: number
  value: Uint8Array | undefined
  /** Present when asked to prove: checkable against the state root in the header of `height`. */
  proof?: StateProof
}

/**
 * Everything the RPC server asks of a node. Data in, data out: the server does the JSON, the
 * validation, the errors and the subscriptions. Methods may answer synchronously or with a
 * promise. Absent things are `null`, never an exception; exceptions the server understands:
 * StateError VERSION_PRUNED (a state height no longer kept), StateError UNKNOWN_MODULE and
 * CryptoError BAD_ADDRESS from `queryApp`; anything else is an internal error.
 */
export interface RpcBackend {
  readonly chainId: string
  status(): MaybePromise<NodeStatus>
  /** The genesis document, as the JSON of the genesis file. */
  genesis(): MaybePromise<unknown>
  blockByHeight(height: number): MaybePromise<Block | null>
  /** By block id (hex SHA-256 of the header). */
  blockByHash(blockId: string): MaybePromise<Block | null>
  blockResults(height: number): MaybePromise<BlockResultsValue | null>
  /**
   * The commit that decided block `height`: from block height+1's lastCommit, or the commit
   * the node saw for its latest block.
   */
  commit(height: number): MaybePromise<Commit | null>
  /** The validator set that signs block `height`. */
  validators(height: number): MaybePromise<ValidatorSet | null>
  netInfo(): MaybePromise<NetInfo>
  /** CheckTx and, if it passes, add to the mempool (and gossip). */
  submitTx(bytes: Uint8Array): MaybePromise<TxAdmission>
  /** Up to `limit` transactions waiting in the mempool, oldest first, and the totals. */
  pendingTxs(limit: number): MaybePromise<{ total: number; totalBytes: number; txs: Uint8Array[] }>
  /**
   * Calls `listener` after each block is committed and indexed, in height order, with no
   * height skipped. Returns the function that removes the listener.
   */
  onCommittedBlock(listener: (event: CommittedBlockEvent) => void): () => void
  /** A raw state key at `height` (default latest): `StateDB.query`, the proof only when asked. */
  queryState(key: Uint8Array, height: number | undefined, prove: boolean): MaybePromise<StateQueryAnswer>
  /** A module query against the latest committed state: `Application.query`. */
  queryApp(module: string, name: string, params: Record<string, unknown>): MaybePromise<unknown>
  /** A module query at a kept height, with the reads and their proofs when asked (Application.queryAt). */
  queryAppAt(
    module: string,
    name: string,
    params: Record<string, unknown>,
    height: number | undefined,
    prove: boolean,
  ): MaybePromise<ModuleQueryAnswer>
  readonly txIndex: TxIndexReader
}
