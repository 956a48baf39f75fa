/**
 * TEST DOUBLE — stands in for the node (src/node/) until it exists. It is NOT consensus: one
 * in-process "validator" takes transactions from a simple mempool, executes and commits blocks
 * on a REAL state Application (level in a temp dir), builds real consensus Blocks whose header
 * commits to the real state root, signs a real one-validator commit with `keySigner`, feeds the
 * real TxIndexer, and serves all of it through the RpcBackend interface. RPC, client, CLI and
 * bench run against it exactly as they will against the node.
 */
import type { Logger } from 'pino'
import {
  type Block,
  type Commit,
  type ValidatorSet,
  type ValidatorSets,
  advanceValidatorSets,
  blockId as blockIdOf,
  commitFromPrecommits,
  dataHash,
  evidenceHash,
  genesisValidatorSets,
  keySigner,
  lastCommitHash,
  resultsHash,
  txResultDigest,
  validatorSetHash,
} from '../../../../src/consensus/index.js'
import { type PrivateKey, toHex } from '../../../../src/crypto/index.js'
import { TxIndexer } from '../../../../src/indexer/index.js'
import {
  createRpcServer,
  type CommittedBlockEvent,
  type NodeStatus,
  type RpcBackend,
  type RpcLimits,
  type RpcServer,
  type TxAdmission,
} from '../../../../src/rpc/index.js'
import { MEMPOOL_CODES } from '../../../../src/node/mempool/errors.js'
import {
  type Application,
  CacheStore,
  type ModuleQueryAnswer,
  TxError,
  checkTxStateless,
  outsideBlock,
  txHash,
} from '../../../../src/state/index.js'
import { type CheckedTx, runAdmission, runAnte } from '../../../../src/state/deliver-tx.js'
import { type BlockResultsValue, blockResultsRecord } from '../../../../src/state/results.js'
import { openApp, tempDir, testGenesisJson, testKey } from '../../../helpers/chain.js'

export const VALIDATOR_KEY = testKey(100)

interface StoredBlock {
  block: Block
  blockId: string
  results: BlockResultsValue
  commit: Commit
  validators: ValidatorSet
}

export interface TestNodeOptions {
  accounts?: number
  /** Produce a block every this many ms (null: only on `produceBlock()`). */
  blockIntervalMs?: number | null
  maxTxsPerBlock?: number
  maxMempool?: number
  /** Skip producing empty blocks on the interval (keeps heights predictable in some tests). */
  skipEmpty?: boolean
}

export class TestNode implements RpcBackend {
  readonly app: Application
  readonly txIndex: TxIndexer
  readonly genesisJson: Record<string, unknown>
  readonly #dir: { path: string; remove(): void }
  readonly #signer: ReturnType<typeof keySigner>
  readonly #blocks = new Map<number, StoredBlock>()
  readonly #byId = new Map<string, number>()
  readonly #listeners = new Set<(event: CommittedBlockEvent) => void>()
  readonly #options: Required<Omit<TestNodeOptions, 'accounts' | 'blockIntervalMs'>>
  #mempool: { bytes: Uint8Array; hash: string; checked: CheckedTx }[] = []
  readonly #pendingHashes = new Set<string>()
  #checkStore: CacheStore
  #sets: ValidatorSets
  #lastCommit: Commit | null = null
  #lastResultsHash = resultsHash([])
  #lastTime: number
  #producing: Promise<unknown> = Promise.resolve()
  #timer: NodeJS.Timeout | null = null
  #stopped = false
  /**
   * The height whose block can be read: it moves only once the block is in #blocks. State
   * commits first and the tx index is awaited after it, so `app.height` runs ahead meanwhile; a
   * status naming that height would send a client (the dashboard's block list) for a block the
   * double does not serve yet. A real node stores the block in the commit's own batch.
   */
  #published = 0

  private constructor(
    app: Application,
    txIndex: TxIndexer,
    dir: { path: string; remove(): void },
    genesisJson: Record<string, unknown>,
    options: TestNodeOptions,
  ) {
    this.app = app
    this.txIndex = txIndex
    this.#dir = dir
    this.genesisJson = genesisJson
    this.#signer = keySigner(VALIDATOR_KEY, app.chainId)
    this.#checkStore = new CacheStore(app.db)
    this.#sets = genesisValidatorSets([
      { address: VALIDATOR_KEY.publicKey.address, publicKey: VALIDATOR_KEY.publicKey.bytes, votingPower: 10n },
    ])
    this.#lastTime = Number(app.genesis.genesisTime)
    this.#options = {
      maxTxsPerBlock: options.maxTxsPerBlock ?? 1000,
      maxMempool: options.maxMempool ?? 100_000,
      skipEmpty: options.skipEmpty ?? false,
    }
  }

  static async start(options: TestNodeOptions = {}): Promise<TestNode> {
    const dir = tempDir('fedra-rpc-')
    const genesisJson = testGenesisJson(options.accounts ?? 8)
    const app = await openApp(`${dir.path}/state`, genesisJson)
    const txIndex = await TxIndexer.open(`${dir.path}/txindex`, app.registry)
    const node = new TestNode(app, txIndex, dir, genesisJson, options)
    if (options.blockIntervalMs !== undefined && options.blockIntervalMs !== null) node.#schedule(options.blockIntervalMs)
    return node
  }

  get chainId(): string {
    return this.app.chainId
  }

  get height(): number {
    return this.#published
  }

  #schedule(intervalMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = null
      if (this.#stopped) return
      const run = this.#options.skipEmpty && this.#mempool.length === 0 ? Promise.resolve() : this.produceBlock()
      run.then(
        () => {
          if (!this.#stopped) this.#schedule(intervalMs)
        },
        (error: unknown) => {
          if (!this.#stopped) throw error
        },
      )
    }, intervalMs)
  }

  /** Executes, commits and indexes one block from the mempool; serialised with any in progress. */
  produceBlock(): Promise<CommittedBlockEvent> {
    const next = this.#producing.then(() => this.#produce())
    this.#producing = next.catch(() => {})
    return next
  }

  async #produce(): Promise<CommittedBlockEvent> {
    const height = this.app.height + 1
    const taken = this.#mempool.splice(0, this.#options.maxTxsPerBlock)
    for (const t of taken) this.#pendingHashes.delete(t.hash)
    const txs = taken.map((t) => t.bytes)
    const time = Math.max(this.#lastTime + 1, Date.now())
    const executed = this.app.executeBlock({ height, time: BigInt(time), proposer: VALIDATOR_KEY.publicKey.addressBytes, txs })
    const header = {
      chainId: this.chainId,
      height,
      time,
      prevBlockId: this.#lastCommit?.blockId ?? null,
      lastCommitHash: lastCommitHash(this.#lastCommit),
      lastResultsHash: this.#lastResultsHash,
      dataHash: dataHash(txs),
      evidenceHash: evidenceHash([]),
      stateRoot: executed.stateRoot,
      validatorsHash: validatorSetHash(this.#sets.validators),
      nextValidatorsHash: validatorSetHash(this.#sets.nextValidators),
      proposer: VALIDATOR_KEY.publicKey.address,
    }
    const block: Block = { header, lastCommit: this.#lastCommit, evidence: [], txs }
    const id = blockIdOf(header)
    const vote = { type: 'precommit' as const, height, round: 0, valueId: id, validator: this.#signer.address }
    const commit = commitFromPrecommits(height, 0, id, [{ ...vote, signature: this.#signer.signVote(vote) }])
    await this.app.commitBlock(executed)
    const results = blockResultsRecord(height, executed.txResults, executed.beginBlockEvents, executed.endBlockEvents)
    await this.txIndex.index(block, results)
    this.#blocks.set(height, { block, blockId: id, results, commit, validators: this.#sets.validators })
    this.#byId.set(id, height)
    this.#published = height
    this.#sets = advanceValidatorSets(this.#sets, [])
    this.#lastCommit = commit
    this.#lastResultsHash = resultsHash(executed.txResults.map(txResultDigest))
    this.#lastTime = time
    this.#recheck()
    const event = { block, blockId: id, results }
    for (const listener of this.#listeners) listener(event)
    return event
  }

  /** After a commit the mempool's view of state restarts from it; txs no longer valid drop out. */
  #recheck(): void {
    this.#checkStore = new CacheStore(this.app.db)
    const info = this.#checkInfo()
    this.#mempool = this.#mempool.filter(({ checked, hash }) => {
      try {
        runAnte(checked, this.#checkStore, info, this.app.registry)
        return true
      } catch (error) {
        if (!(error instanceof TxError)) throw error
        this.#pendingHashes.delete(hash)
        return false
      }
    })
  }

  #checkInfo() {
    return outsideBlock(this.chainId, this.app.height + 1)
  }

  // ---- RpcBackend ----

  status(): NodeStatus {
    const latest = this.#blocks.get(this.#published)
    return {
      moniker: 'test-double',
      version: '0.0.0-test',
      nodeId: 'test-node',
      latestHeight: this.#published,
      latestBlockId: latest?.blockId ?? null,
      latestStateRoot: this.app.db.rootHash,
      latestBlockTime: latest?.block.header.time ?? null,
      earliestHeight: 1,
      catchingUp: false,
      validator: { address: VALIDATOR_KEY.publicKey.address, votingPower: 10n },
    }
  }

  genesis(): unknown {
    return this.genesisJson
  }

  blockByHeight(height: number): Block | null {
    return this.#blocks.get(height)?.block ?? null
  }

  blockByHash(id: string): Block | null {
    const height = this.#byId.get(id)
    return height === undefined ? null : this.blockByHeight(height)
  }

  blockResults(height: number): BlockResultsValue | null {
    return this.#blocks.get(height)?.results ?? null
  }

  commit(height: number): Commit | null {
    return this.#blocks.get(height)?.commit ?? null
  }

  validators(height: number): ValidatorSet | null {
    return this.#blocks.get(height)?.validators ?? null
  }

  netInfo() {
    return { listening: true, listenAddrs: ['/ip4/127.0.0.1/tcp/0'], peers: [] }
  }

  submitTx(bytes: Uint8Array): TxAdmission {
    const hash = txHash(bytes)
    const hex = toHex(hash)
    // The node's mempool codes and wording (src/node/rpc-backend.ts), so both answer alike.
    if (this.#pendingHashes.has(hex))
      return { accepted: false, hash, code: MEMPOOL_CODES.DUPLICATE, codespace: 'mempool', log: `transaction ${hex} is already pending` }
    if (this.#mempool.length >= this.#options.maxMempool) {
      const full = {
        txs: this.#mempool.length,
        maxTxs: this.#options.maxMempool,
        bytes: this.#mempool.reduce((n, t) => n + t.bytes.length, 0),
        maxBytes: Number.MAX_SAFE_INTEGER,
      }
      return { accepted: false, hash, code: MEMPOOL_CODES.FULL, codespace: 'mempool', log: 'the mempool is full', full }
    }
    try {
      const checked = checkTxStateless(bytes, this.chainId, this.app.genesis.consensusParams, this.app.registry)
      runAdmission(checked, this.#checkStore, this.#checkInfo(), this.app.registry)
      runAnte(checked, this.#checkStore, this.#checkInfo(), this.app.registry)
      this.#mempool.push({ bytes, hash: hex, checked })
      this.#pendingHashes.add(hex)
      return { accepted: true, hash }
    } catch (error) {
      if (!(error instanceof TxError)) throw error
      const { codespace, moduleCode } = error.context
      if (error.code === 'NOT_ADMITTED' && codespace !== undefined && moduleCode !== undefined)
        return { accepted: false, hash, code: moduleCode, codespace, log: error.message }
      return { accepted: false, hash, code: error.numericCode, codespace: 'tx', log: error.message }
    }
  }

  pendingTxs(limit: number) {
    return {
      total: this.#mempool.length,
      totalBytes: this.#mempool.reduce((n, t) => n + t.bytes.length, 0),
      txs: this.#mempool.slice(0, limit).map((t) => t.bytes),
    }
  }

  onCommittedBlock(listener: (event: CommittedBlockEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  queryState(key: Uint8Array, height: number | undefined, prove: boolean) {
    const at = height ?? this.app.height
    const answer = this.app.db.query(key, at)
    return prove ? { height: at, value: answer.value, proof: answer.proof } : { height: at, value: answer.value }
  }

  queryApp(module: string, name: string, params: Record<string, unknown>): unknown {
    return this.app.query(module, name, params)
  }

  queryAppAt(module: string, name: string, params: Record<string, unknown>, height: number | undefined, prove: boolean): ModuleQueryAnswer {
    return this.app.queryAt(module, name, params, { height, prove })
  }

  // ---- test controls ----

  /** Resolves once `predicate` holds after some block (bounded by `timeoutMs`). */
  async waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer !== null) clearTimeout(this.#timer)
    await this.#producing.catch(() => {})
    this.#listeners.clear()
    await this.txIndex.close()
    await this.app.db.close()
    this.#dir.remove()
  }
}

/** A test node with the RPC server in front of it, on a free port. */
export async function startRpc(
  options: TestNodeOptions & { limits?: Partial<RpcLimits>; log?: Logger; now?: () => number } = {},
): Promise<{ node: TestNode; server: RpcServer; url: string; wsUrl: string; close(): Promise<void> }> {
  const node = await TestNode.start(options)
  const server = await createRpcServer({ backend: node, listen: { port: 0 }, limits: options.limits, log: options.log, now: options.now })
  return {
    node,
    server,
    url: server.address.url,
    wsUrl: server.address.wsUrl,
    async close() {
      await server.close()
      await node.stop()
    },
  }
}

export type { PrivateKey }
