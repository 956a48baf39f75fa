import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Block, type ValidatorSet, blockId } from '../consensus/index.js'
import type { TxIndexReader } from '../indexer/index.js'
import type { CommittedBlockEvent, NetInfo, NodeStatus, RpcBackend, StateQueryAnswer, TxAdmission } from '../rpc/index.js'
import type { ModuleQueryAnswer } from '../state/index.js'
import { type BlockResultsValue, txHash } from '../state/index.js'
import { MEMPOOL_CODES, MempoolError } from './mempool/index.js'
import { VERSION } from '../version.js'
import type { FedraNode } from './node.js'

/** The JSON-RPC server's view of a running node. */
export class NodeRpcBackend implements RpcBackend {
  readonly #node: FedraNode
  readonly txIndex: TxIndexReader
  #genesis: unknown

  constructor(node: FedraNode, txIndex: TxIndexReader) {
    this.#node = node
    this.txIndex = txIndex
  }

  get chainId(): string {
    return this.#node.chain.chainId
  }

  status(): NodeStatus {
    const { chain } = this.#node
    const tip = chain.tip()
    const address = this.#node.validatorAddress
    const member = address === null ? undefined : tip.validators.validators.find((v) => v.address === address)
    return {
      moniker: this.#node.config.moniker,
      version: VERSION,
      nodeId: this.#node.host.peerId,
      latestHeight: tip.height,
      latestBlockId: tip.blockId,
      latestStateRoot: chain.state.db.rootHash,
      latestBlockTime: tip.height === 0 ? null : tip.time,
      earliestHeight: tip.height === 0 ? 0 : 1,
      catchingUp: this.#node.status().syncing,
      validator: member === undefined ? null : { address: member.address, votingPower: member.votingPower },
    }
  }

  genesis(): unknown {
    this.#genesis ??= JSON.parse(readFileSync(join(this.#node.home, 'config', 'genesis.json'), 'utf8'))
    return this.#genesis
  }

  async blockByHeight(height: number): Promise<Block | null> {
    return (await this.#node.chain.blocks.block(height))?.block ?? null
  }

  async blockByHash(id: string): Promise<Block | null> {
    const height = await this.#node.chain.blocks.heightOf(id)
    if (height === null) return null
    const block = await this.blockByHeight(height)
    return block !== null && blockId(block.header) === id ? block : null
  }

  blockResults(height: number): Promise<BlockResultsValue | null> {
    return this.#node.chain.state.blockResults(height)
  }

  async commit(height: number) {
    return (await this.#node.chain.blocks.block(height))?.commit ?? null
  }

  async validators(height: number): Promise<ValidatorSet | null> {
    if (height > this.#node.chain.height + 2) return null
    return this.#node.chain.validatorsAt(height) ?? (await this.#node.chain.blocks.validators(height))
  }

  netInfo(): NetInfo {
    const { host } = this.#node
    return {
      listening: true,
      listenAddrs: host.addresses(),
      peers: host.peers().map((p) => ({ id: p.id, addrs: [p.address], direction: p.direction ?? 'outbound' })),
    }
  }

  /**
   * A transaction already pending is refused as mempool DUPLICATE (CometBFT's "tx already exists
   * in cache"): the mempool treats it as a no-op, but a client that broadcasts it again must
   * learn that this submission added nothing, as it does for one committed recently.
   */
  submitTx(bytes: Uint8Array): TxAdmission {
    const hash = txHash(bytes)
    try {
      const added = this.#node.submitTx(bytes)
      if (added.code === 'duplicate') {
        return {
          accepted: false,
          hash,
          code: MEMPOOL_CODES.DUPLICATE,
          codespace: 'mempool',
          log: `transaction ${added.hash} is already pending`,
        }
      }
      return { accepted: true, hash }
    } catch (error) {
      if (!(error instanceof MempoolError)) throw error
      // A module's admission rule refused it: answer with the module's codespace and code, as a
      // block result of the same refusal would carry them (training/7 NOT_TRAINER, not tx/16).
      const moduleRefusal =
        error.code === 'NOT_ADMITTED' && typeof error.context.tx?.codespace === 'string' && typeof error.context.tx.moduleCode === 'number'
      const code = moduleRefusal ? (error.context.tx!.moduleCode as number) : error.numericCode
      const codespace = moduleRefusal ? (error.context.tx!.codespace as string) : error.codespace
      const refusal = { accepted: false as const, hash, code, codespace, log: error.message }
      if (error.code !== 'FULL') return refusal
      const { mempool } = this.#node
      return { ...refusal, full: { txs: mempool.size, maxTxs: mempool.maxTxs, bytes: mempool.bytes, maxBytes: mempool.config.maxBytes } }
    }
  }

  pendingTxs(limit: number) {
    const { mempool } = this.#node
    return { total: mempool.size, totalBytes: mempool.bytes, txs: mempool.pending(limit).map((tx) => tx.bytes) }
  }

  onCommittedBlock(listener: (event: CommittedBlockEvent) => void): () => void {
    return this.#node.onBlockIndexed((info) => listener({ block: info.block, blockId: info.commit.blockId, results: info.blockResults }))
  }

  queryState(key: Uint8Array, height: number | undefined, prove: boolean): StateQueryAnswer {
    const db = this.#node.chain.state.db
    const at = height ?? db.height
    const { value, proof } = db.query(key, at)
    return prove ? { height: at, value, proof } : { height: at, value }
  }

  queryApp(module: string, name: string, params: Record<string, unknown>): unknown {
    return this.#node.chain.state.query(module, name, params)
  }

  queryAppAt(module: string, name: string, params: Record<string, unknown>, height: number | undefined, prove: boolean): ModuleQueryAnswer {
    return this.#node.chain.state.queryAt(module, name, params, { height, prove })
  }
}
