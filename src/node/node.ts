import '../p2p/polyfill.js'
import { mkdirSync } from 'node:fs'
import { type Server, createServer } from 'node:http'
import { join } from 'node:path'
import {
  ConsensusDriver,
  DEFAULT_CONSENSUS_PARAMS,
  type ConsensusParams,
  FileSignerState,
  FileWal,
  type ValidatorSet,
  ed25519Verifier,
  keySigner,
} from '../consensus/index.js'
import type { PrivateKey } from '../crypto/index.js'
import { toHex } from '../crypto/index.js'
import type { Logger } from '../log/index.js'
import { logger } from '../log/index.js'
import { defaultRegistry } from '../modules/index.js'
import type { CheckedTx, ModuleRegistry } from '../state/index.js'
import { P2PHost, protocolsFor, topicsFor } from '../p2p/index.js'
import { Application, StateDB, loadGenesisFile } from '../state/index.js'
import { blockBudgetFor } from './block-budget.js'
import { BlockSync, SYNC_MARGIN } from './block-sync.js'
import { EnvelopeKeyring } from '../fl/envelope/index.js'
import { x25519SecretOfEd25519Seed } from '../fl/x25519.js'
import { ChainApp, type CommittedBlockInfo } from './chain-app.js'
import { OpenedEnvelopeCache } from './envelope-cache.js'
import type { NodeConfig } from './config.js'
import { ConsensusGossip, type GossipVerdict } from './consensus-gossip.js'
import { NodeError } from './errors.js'
import { loadNodeKey, loadValidatorKey } from './keys.js'
import { Mempool } from './mempool/index.js'
import { NodeMetrics } from './metrics.js'
import { TxGossip } from './tx-gossip.js'
import { BlobPrefetch } from './blob-prefetch.js'
import { DisabledTxIndex, TxIndexer, type TxIndexReader } from '../indexer/index.js'
import { type RpcServer, type RpcServerOptions, createRpcServer } from '../rpc/index.js'
import { dashboardHttpRoutes } from '../dashboard/serve.js'
import { registerModelEvaluate } from './model-evaluate.js'
import { NodeRpcBackend } from './rpc-backend.js'
import { BlobService, blobHttpRoutes, parseBlobCid, registerBlobMethods } from '../blobs/index.js'
import type { ModelServer } from '../serving/model-server.js'
import { chainServingSource } from '../serving/source.js'
import { registerServingMethods } from '../serving/rpc.js'
import { blockDataOf } from './block-data.js'

/** What the node reports at `/status` of its metrics port (devnet progress lines, e2e waits); RPC clients get `chain_status` (src/rpc NodeStatus). */
export interface StatusReport {
  moniker: string
  chainId: string
  peerId: string
  validator: string | null
  height: number
  blockId: string | null
  stateRoot: string
  round: number
  syncing: boolean
  peers: number
  mempool: { size: number; bytes: number }
  listen: { p2p: string[]; metrics: string | null; rpc: string | null }
}

/** If a peer gets this far ahead while consensus runs (a partition healed), block sync takes over. */
const FALL_BEHIND = 10
/**
 * A node outside the validator set signs nothing, so no peer sees that it lags and sends it the
 * commits it missed: the heights decided while its first block sync ran leave it stuck just
 * behind the tip (seen: 12 heights for ~4 s in a devnet). It block-syncs as soon as it is more
 * than the sync margin behind.
 */
const FALL_BEHIND_NON_VALIDATOR = SYNC_MARGIN
const MONITOR_MS = 2000
/** On start, how long to wait for a first peer before deciding nobody is ahead. */
const FIRST_PEER_WAIT_MS = 5000

function consensusParams(config: NodeConfig): ConsensusParams {
  const c = config.consensus
  return {
    ...DEFAULT_CONSENSUS_PARAMS,
    timeouts: {
      proposeMs: c.timeoutProposeMs,
      proposeDeltaMs: c.timeoutDeltaMs,
      prevoteMs: c.timeoutPrevoteMs,
      prevoteDeltaMs: c.timeoutDeltaMs,
      precommitMs: c.timeoutPrecommitMs,
      precommitDeltaMs: c.timeoutDeltaMs,
    },
    commitDelayMs: c.commitDelayMs,
  }
}

const realClock = {
  now: () => Date.now(),
  setTimer: (ms: number, fire: () => void) => setTimeout(fire, ms),
  clearTimer: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
}

/**
 * The composition root: state, chain, mempool, p2p, block sync, consensus and metrics of one
 * node, started and stopped in the right order. A node with a validator key in the current
 * set signs; any other node follows and verifies every block.
 */
export class FedraNode {
  readonly config: NodeConfig
  readonly home: string
  readonly chain: ChainApp
  readonly mempool: Mempool
  readonly host: P2PHost
  readonly metrics = new NodeMetrics()
  readonly consensusGossip: ConsensusGossip
  readonly #log: Logger
  readonly #validatorKey: PrivateKey | null
  readonly #wal: FileWal
  readonly #sync: BlockSync
  readonly #txGossip: TxGossip
  #prefetch: BlobPrefetch<CheckedTx> | null = null
  #driver: ConsensusDriver | null = null
  #syncing = false
  #stopped = false
  #monitor: NodeJS.Timeout | null = null
  #http: Server | null = null
  #metricsAddress: string | null = null
  #fatal: Array<(error: unknown) => void> = []
  #failed = false
  /** The tx index, or a DisabledTxIndex when `txIndex.enabled` is false. */
  readonly txIndex: TxIndexReader & { close(): Promise<void> }
  readonly #indexer: TxIndexer | null
  #indexing: Promise<void> = Promise.resolve()
  #indexedListeners: Array<(info: CommittedBlockInfo) => void> = []
  #rpc: RpcServer | null = null
  #serving: ModelServer | undefined
  /** The parameter store (src/blobs): level in data/blobs, bitswap on `host`. */
  readonly blobs: BlobService

  private constructor(
    home: string,
    config: NodeConfig,
    chain: ChainApp,
    host: P2PHost,
    indexer: TxIndexer | null,
    validatorKey: PrivateKey | null,
    log: Logger,
    blobs: BlobService,
  ) {
    this.blobs = blobs
    this.#indexer = indexer
    this.txIndex = indexer ?? new DisabledTxIndex(chain.state.registry)
    this.home = home
    this.config = config
    this.chain = chain
    this.host = host
    this.#validatorKey = validatorKey
    this.#log = log
    this.#wal = new FileWal(join(home, 'data', 'cs.wal', 'wal'))
    const verifier = ed25519Verifier(chain.chainId)
    const topics = topicsFor(chain.chainId)
    this.mempool = new Mempool(chain.state, { maxTxs: config.mempool.maxTxs, maxBytes: config.mempool.maxBytes })
    chain.setTxSource(this.mempool)
    // Proposals fit a quarter of this node's own propose timeout, not the default one's.
    chain.setBlockBudget(blockBudgetFor(config.consensus.timeoutProposeMs))
    // Blobs a proposal's txs declare are fetched within half the propose timeout, else the block is prevoted nil (DESIGN §5).
    chain.setBlockData(blockDataOf(blobs.availability), Math.floor(config.consensus.timeoutProposeMs / 2))
    // Private subnets' envelopes open with this node's consensus key (a validator's, or a listed reader's), each once
    // while it is cached: a round's updates are read again for every later update's near-copy test (envelope-cache.ts).
    const keyring = new EnvelopeKeyring(validatorKey === null ? [] : [x25519SecretOfEd25519Seed(validatorKey.exportSeed())])
    chain.setEnvelopeOpener(new OpenedEnvelopeCache(keyring))
    // Every admitted tx's declared blobs are fetched in the background, so any proposer can include it.
    if (chain.state.registry.declaresBlobs) {
      this.#prefetch = new BlobPrefetch({
        availability: blobs.availability,
        // The admitted tx as admission decoded it: no second decode of every gossiped tx.
        declared: (tx: CheckedTx) => chain.state.declaredBlobs(tx),
        timeoutMs: 30_000,
        concurrency: 8,
        log,
      })
      this.mempool.onAdded((entry) => this.#prefetch?.consider(entry.tx))
    }
    chain.state.verifiedTxs = (hash) => this.mempool.verified(hash)
    chain.state.checkedTxs = (hash) => this.mempool.checked(hash)
    this.consensusGossip = new ConsensusGossip({
      chain,
      verifier,
      publish: (data) => void host.publish(topics.consensus, data).catch((error) => log.debug({ err: error }, 'consensus publish failed')),
      send: (peer, data) =>
        void host
          .send(peer, protocolsFor(chain.chainId).direct, data)
          .catch((error) => log.debug({ err: error, peer }, 'direct send failed')),
      log: log.child({ component: 'gossip' }),
    })
    this.#txGossip = new TxGossip(
      this.mempool,
      (data) => void host.publish(topics.txs, data).catch((error) => log.debug({ err: error }, 'tx publish failed')),
      log,
    )
    const transport = {
      connectedPeers: () => host.peers().map((p) => p.id),
      request: (peer: string, protocol: string, data: Uint8Array, options: { timeoutMs: number; maxResponseBytes: number }) =>
        host.request(peer, protocol, data, options),
      handle: (
        protocol: string,
        handler: (request: Uint8Array, from: string) => Promise<Uint8Array>,
        options: { maxRequestBytes: number },
      ) => host.handle(protocol, handler, options),
      penalize: (peer: string, reason: string) => host.penalize(peer, reason),
    }
    this.#sync = new BlockSync(transport, chain, verifier, log.child({ component: 'blocksync' }))
    chain.onCommitted((info) => this.#afterCommit(info))
    chain.onFatal((error) => this.#fail(error))
  }

  /** Opens the home's store and keys; nothing listens until `start`. */
  /** `registry`: the chain's modules (the default chain unless a benchmark composes another). */
  static async open(
    home: string,
    config: NodeConfig,
    log: Logger = logger('node'),
    registry: ModuleRegistry = defaultRegistry(),
  ): Promise<FedraNode> {
    const genesis = loadGenesisFile(join(home, 'config', 'genesis.json'), registry)
    const nodeKey = loadNodeKey(home)
    const validatorKey = loadValidatorKey(home)
    mkdirSync(join(home, 'data'), { recursive: true })
    let db: StateDB
    try {
      db = await StateDB.open(join(home, 'data', 'state'), { keepVersions: config.state.keepRecent })
    } catch (error) {
      if (
        (error as { code?: string }).code === 'LEVEL_DATABASE_NOT_OPEN' &&
        String((error as { cause?: unknown }).cause).includes('lock')
      ) {
        throw new NodeError('ALREADY_RUNNING', `${home}/data is in use by another process`, { path: home })
      }
      throw error
    }
    try {
      const state = new Application(db, registry, genesis)
      await state.initChain()
      const chain = await ChainApp.open(state, log.child({ component: 'chain' }))
      const host = await P2PHost.create({
        seed: nodeKey.exportSeed(),
        listen: [config.p2p.listen],
        bootstrap: config.p2p.bootstrap,
        maxPeers: config.p2p.maxPeers,
        log: log.child({ component: 'p2p' }),
      })
      const indexer = config.txIndex.enabled ? await TxIndexer.open(join(home, 'data', 'txindex'), registry) : null
      const blobs = new BlobService({
        directory: join(home, 'data', 'blobs'),
        config: config.blobs,
        libp2p: host.libp2p,
        penalize: (peer, reason) => host.penalize(peer, reason),
        peers: () => host.peers().map((peer) => peer.id),
        log: log.child({ component: 'blobs' }),
      })
      await blobs.open()
      return new FedraNode(home, config, chain, host, indexer, validatorKey, log, blobs)
    } catch (error) {
      await db.close()
      throw error
    }
  }

  get validatorAddress(): string | null {
    return this.#validatorKey?.publicKey.address ?? null
  }

  get driver(): ConsensusDriver | null {
    return this.#driver
  }

  /**
   * Called for each committed block once its txs are in the tx index, so a subscriber that reacts
   * to a new block by looking a tx up (`tx_get`, `tx_broadcast` commit mode) finds it.
   */
  onBlockIndexed(listener: (info: CommittedBlockInfo) => void): () => void {
    this.#indexedListeners.push(listener)
    return () => {
      this.#indexedListeners = this.#indexedListeners.filter((l) => l !== listener)
    }
  }

  /**
   * Called once if the node cannot go on (a decided block could not be committed). The owner
   * must stop the node and exit non-zero: consensus would otherwise run without ever progressing.
   */
  onFatal(listener: (error: unknown) => void): void {
    this.#fatal.push(listener)
  }

  #fail(error: unknown): void {
    if (this.#failed) return
    this.#failed = true
    if (error instanceof NodeError && error.code === 'UPGRADE_NEEDED')
      this.#log.fatal(
        { upgrade: error.context.upgrade, upgradeHeight: error.context.height, height: this.chain.height },
        error.plainMessage,
      )
    else if (error instanceof NodeError && error.code === 'ENVELOPE_UNREADABLE')
      this.#log.fatal({ err: error, height: this.chain.height }, `${error.plainMessage}; the node must stop`)
    else this.#log.fatal({ err: error, height: this.chain.height }, 'cannot commit; the node must stop')
    this.#stopConsensus()
    for (const listener of this.#fatal) listener(error)
  }

  async start(): Promise<void> {
    // Refused before anything listens: a node stopped at an upgrade height stays stopped until restarted with it.
    const halt = this.chain.upgradeHalt()
    if (halt !== null) {
      this.#log.fatal({ upgrade: halt.context.upgrade, upgradeHeight: halt.context.height, height: this.chain.height }, halt.plainMessage)
      throw halt
    }
    const topics = topicsFor(this.chain.chainId)
    this.host.subscribe(topics.consensus, {
      validate: (data, from) => this.#gossipResult('consensus', this.consensusGossip.validate(data, from)),
      deliver: (data, from) => this.consensusGossip.deliver(data, from),
    })
    this.host.subscribe(topics.txs, {
      validate: (data, from) => this.#gossipResult('txs', this.#txGossip.validate(data, from)),
      deliver: () => {},
    })
    await this.host.handleMessages(protocolsFor(this.chain.chainId).direct, (data, from) => {
      if (this.consensusGossip.deliverDirect(data, from) === 'reject') this.host.penalize(from, 'invalid direct consensus message')
    })
    await this.#sync.serve()
    await this.#catchUpIndex()
    await listening('p2p.listen', this.config.p2p.listen, () => this.host.start())
    await this.blobs.start()
    await listening('metrics.listen', this.config.metrics.listen, () => this.#startHttp())
    const [rpcHost, rpcPort] = splitHostPort(this.config.rpc.listen)
    this.#serving = await this.#modelServer()
    this.#rpc = await listening('rpc.listen', this.config.rpc.listen, () =>
      createRpcServer({
        backend: new NodeRpcBackend(this, this.txIndex),
        listen: { host: rpcHost, port: rpcPort },
        limits: this.config.rpc.limits,
        log: this.#log.child({ component: 'rpc' }),
        ...this.#blobRpc(),
      }),
    )
    this.#log.info(
      { peerId: this.host.peerId, addresses: this.host.addresses(), height: this.chain.height, validator: this.validatorAddress },
      'node started',
    )
    if (this.config.p2p.bootstrap.length > 0) await this.#waitForPeer(FIRST_PEER_WAIT_MS)
    await this.#catchUp()
    if (this.#stopped) return
    this.#startConsensus()
    this.#monitor = setInterval(() => void this.#watch(), MONITOR_MS)
  }

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    if (this.#monitor !== null) clearInterval(this.#monitor)
    this.#stopConsensus()
    this.#txGossip.stop()
    this.#prefetch?.stop()
    await this.#rpc?.close()
    this.#serving?.close()
    await this.chain.idle()
    await this.#indexing
    await this.txIndex.close()
    await this.blobs.stop()
    await this.host.stop()
    await new Promise<void>((resolve) => (this.#http === null ? resolve() : this.#http.close(() => resolve())))
    this.#http?.closeAllConnections()
    this.#wal.close()
    await this.chain.state.db.close()
    this.#log.info({ height: this.chain.height }, 'node stopped')
  }

  /** Admits a transaction to the mempool and gossips it (what tx_broadcast calls). */
  submitTx(bytes: Uint8Array): ReturnType<Mempool['add']> {
    const result = this.mempool.add(bytes)
    if (result.code === 'added') this.#txGossip.announce(bytes)
    return result
  }

  /**
   * True while block sync runs and the node is still more than SYNC_MARGIN behind the best peer
   * it has heard of (CometBFT's catching_up). The sync loop may still be polling peers once the
   * node is at the tip; that is not "syncing" to anyone reading the status.
   */
  get syncing(): boolean {
    if (!this.#syncing) return false
    const target = this.#sync.target
    return target === null || this.chain.height + SYNC_MARGIN < target
  }

  status(): StatusReport {
    const tip = this.chain.tip()
    return {
      moniker: this.config.moniker,
      chainId: this.chain.chainId,
      peerId: this.host.peerId,
      // Only a key in the current set makes this node a validator; a full node's home has one too.
      validator: this.#inValidatorSet(tip.validators) ? this.validatorAddress : null,
      height: tip.height,
      blockId: tip.blockId,
      stateRoot: toHex(this.chain.state.db.rootHash),
      round: this.#driver?.round ?? 0,
      syncing: this.syncing,
      peers: this.host.peers().length,
      mempool: { size: this.mempool.size, bytes: this.mempool.bytes },
      listen: { p2p: this.host.addresses(), metrics: this.#metricsAddress, rpc: this.#rpc?.address.url ?? null },
    }
  }

  /** blob_* methods and the /blobs routes on the RPC server, model_evaluate, and model_infer (answered by a ModelServer when serving.enabled). */
  #blobRpc(): { extend: NonNullable<RpcServerOptions['extend']>; httpRoutes: ReturnType<typeof blobHttpRoutes> } {
    const deps = {
      blobs: this.blobs,
      peerId: this.host.peerId,
      maxBlobBytes: this.config.rpc.limits.maxBlobBytes,
      log: this.#log.child({ component: 'blobs' }),
    }
    const blobRoutes = blobHttpRoutes(deps)
    // The dashboard at / of the same port (dashboard.enabled), beside POST /blobs and GET /blobs/<cid>.
    const dashboard = this.config.dashboard.enabled ? dashboardHttpRoutes() : null
    return {
      extend: (table, rpc) => {
        registerBlobMethods(table, deps)
        registerModelEvaluate(table, { blobs: this.blobs, backend: rpc.backend })
        registerServingMethods(table, this.#serving)
      },
      httpRoutes: (req, res) => blobRoutes(req, res) || (dashboard?.(req, res) ?? false),
    }
  }

  /** The model server, when serving.enabled; imported only then, so a node that does not serve never loads tfjs. */
  async #modelServer(): Promise<ModelServer | undefined> {
    if (!this.config.serving.enabled) return undefined
    const { ModelServer } = await import('../serving/model-server.js')
    const source = chainServingSource({
      query: (module, query, params) => this.chain.state.query(module, query, params),
      height: () => this.chain.height,
      blob: (cid) => this.blobs.get(parseBlobCid(cid)),
    })
    return new ModelServer(source, this.config.serving, this.#log.child({ component: 'serving' }))
  }

  #inValidatorSet(set: ValidatorSet): boolean {
    const address = this.validatorAddress
    return address !== null && set.validators.some((v) => v.address === address)
  }

  #gossipResult(topic: string, verdict: GossipVerdict | Promise<GossipVerdict>): GossipVerdict | Promise<GossipVerdict> {
    if (verdict instanceof Promise) return verdict.then((settled) => this.#gossipResult(topic, settled))
    this.metrics.gossip.inc({ topic, result: verdict })
    return verdict
  }

  #startConsensus(): void {
    const driver = new ConsensusDriver({
      params: consensusParams(this.config),
      app: this.chain,
      wal: this.#wal,
      signer: this.#validatorKey === null ? null : keySigner(this.#validatorKey, this.chain.chainId),
      // Beside the key, like CometBFT's priv_validator_state.json: what keeps a lost WAL from a double sign.
      signerState: new FileSignerState(join(this.home, 'config', 'priv_validator_state.json'), this.chain.chainId),
      verifier: ed25519Verifier(this.chain.chainId),
      network: this.consensusGossip,
      clock: realClock,
      log: this.#log.child({ component: 'consensus' }),
    })
    this.#driver = driver
    this.consensusGossip.attach(driver)
    driver.start()
  }

  #stopConsensus(): void {
    this.consensusGossip.attach(null)
    this.#driver?.stop()
    this.#driver = null
  }

  /** `target`: the best peer height already known (from the monitor), so status need not guess. */
  async #catchUp(target?: number): Promise<void> {
    this.#syncing = true
    this.metrics.syncing.set(1)
    try {
      const applied = await this.#sync.catchUp({
        target,
        stopped: () => this.#stopped,
        onProgress: (height, target) => {
          this.metrics.syncing.set(this.syncing ? 1 : 0)
          this.#log.info({ height, target }, 'block sync')
        },
      })
      if (applied > 0) this.#log.info({ applied, height: this.chain.height }, 'block sync done')
    } finally {
      this.#syncing = false
      this.metrics.syncing.set(0)
    }
  }

  async #waitForPeer(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.#stopped && this.host.peers().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  }

  /** Falls back to block sync when peers are far ahead (after a partition or a long pause). */
  async #watch(): Promise<void> {
    this.metrics.peers.set(this.host.peers().length)
    this.metrics.round.set(this.#driver?.round ?? 0)
    if (this.#syncing || this.#stopped) return
    const peers = await this.#sync.peerStatuses(1000)
    const best = Math.max(0, ...peers.map((p) => p.height))
    const margin = this.#inValidatorSet(this.chain.tip().validators) ? FALL_BEHIND : FALL_BEHIND_NON_VALIDATOR
    if (best <= this.chain.height + margin || this.#stopped) return
    this.#log.warn({ height: this.chain.height, best }, 'fell behind; switching to block sync')
    this.#stopConsensus()
    await this.chain.idle()
    await this.#catchUp(best)
    if (!this.#stopped) this.#startConsensus()
  }

  /** Indexes blocks committed while the index lagged (a crash between the two writes). */
  async #catchUpIndex(): Promise<void> {
    const indexer = this.#indexer
    if (indexer === null) return
    for (let h = indexer.lastHeight + 1; h <= this.chain.height; h++) {
      const stored = await this.chain.blocks.block(h)
      const results = await this.chain.state.blockResults(h)
      if (stored === null || results === null) break
      await indexer.index(stored.block, results)
    }
  }

  #afterCommit(info: CommittedBlockInfo): void {
    const { block, commit } = info
    this.#indexing = this.#indexing
      .then(() => this.#indexer?.index(block, info.blockResults))
      .catch((error) => this.#log.error({ err: error, height: block.header.height }, 'indexing failed'))
      .then(() => {
        for (const listener of this.#indexedListeners) {
          try {
            listener(info)
          } catch (error) {
            this.#log.error({ err: error, height: block.header.height }, 'block listener failed')
          }
        }
      })
    this.metrics.height.set(block.header.height)
    this.metrics.rounds.set(commit.round)
    this.metrics.txsCommitted.inc(block.txs.length)
    this.metrics.blockSize.set(block.txs.reduce((sum, tx) => sum + tx.length, 0))
    const last = this.#lastBlockTime
    if (last !== null) this.metrics.blockInterval.observe((block.header.time - last) / 1000)
    this.#lastBlockTime = block.header.time
    this.mempool.update(block.header.height, block.txs, info.writtenKeys)
    this.metrics.mempoolSize.set(this.mempool.size)
    this.metrics.mempoolBytes.set(this.mempool.bytes)
    this.metrics.txGossipQueued.set(this.#txGossip.queued)
  }

  #lastBlockTime: number | null = null

  async #startHttp(): Promise<void> {
    const [host, port] = splitHostPort(this.config.metrics.listen)
    const server = createServer((request, response) => {
      const send = (code: number, type: string, body: string) => {
        response.writeHead(code, { 'content-type': type })
        response.end(body)
      }
      if (request.method !== 'GET') return send(405, 'text/plain', 'method not allowed\n')
      if (request.url === '/metrics') {
        this.metrics.text().then(
          (text) => send(200, this.metrics.registry.contentType, text),
          () => send(500, 'text/plain', 'metrics failed\n'),
        )
      } else if (request.url === '/health') {
        send(200, 'application/json', '{"ok":true}\n')
      } else if (request.url === '/status') {
        send(200, 'application/json', `${JSON.stringify(this.status())}\n`)
      } else {
        send(404, 'text/plain', 'not found\n')
      }
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => resolve())
    })
    const address = server.address()
    this.#metricsAddress = address !== null && typeof address === 'object' ? `${address.address}:${address.port}` : null
    this.#http = server
  }
}

/**
 * Runs one listener's start-up; an address that cannot be bound becomes ADDRESS_IN_USE naming the
 * setting to change, instead of an uncaught EADDRINUSE from deep inside http or libp2p.
 */
async function listening<T>(setting: string, address: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start()
  } catch (error) {
    const text = `${String((error as { code?: string }).code)} ${String(error)} ${String((error as { context?: { reason?: string } }).context?.reason ?? '')}`
    if (/EADDRINUSE|address already in use|port in use/i.test(text)) {
      throw new NodeError(
        'ADDRESS_IN_USE',
        `${setting} ${address} is already in use (another node running?); choose another with --${setting}`,
        { field: setting },
        { cause: error },
      )
    }
    if (/EADDRNOTAVAIL|EACCES/.test(text)) {
      throw new NodeError('CONFIG_INVALID', `${setting} ${address} cannot be bound: ${String(error)}`, { field: setting }, { cause: error })
    }
    throw error
  }
}

export function splitHostPort(listen: string): [string, number] {
  const match = /^(.*):(\d+)$/.exec(listen)
  if (match === null) throw new NodeError('CONFIG_INVALID', `"${listen}" is not host:port`, { field: 'listen' })
  return [match[1]!, Number(match[2])]
}

export { SYNC_MARGIN }
