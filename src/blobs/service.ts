import type { Libp2p } from '@libp2p/interface'
import type { Logger } from '../log/index.js'
import { DataAvailability } from './availability.js'
import { type BlobCid, formatCid } from './cid.js'
import { BlobError } from './errors.js'
import { type BlobFetchLimits, BlobExchange } from './exchange.js'
import { RoundRetention } from './retention.js'
import { type BlobStat, BlobStore, type PutOptions, type PutResult, chunkUpload } from './store.js'

/** The node's `blobs` settings (docs/blobs.md). */
export interface BlobsConfig {
  /** Bytes of blocks the node keeps at most. */
  maxBytes: number
  /** Largest blob the node stores or fetches. */
  maxBlobBytes: number
  /** Rounds of updates each subnet keeps pinned. */
  retainRounds: number
  /** How long an unpinned blob is kept, ms. */
  gcGraceMs: number
  /** How often garbage collection runs, ms. */
  gcIntervalMs: number
  fetch: Omit<BlobFetchLimits, 'maxBlobBytes'>
}

export const DEFAULT_BLOBS_CONFIG: BlobsConfig = {
  maxBytes: 8 * 1024 * 1024 * 1024,
  maxBlobBytes: 64 * 1024 * 1024,
  retainRounds: 10,
  gcGraceMs: 60 * 60 * 1000,
  gcIntervalMs: 10 * 60 * 1000,
  fetch: { timeoutMs: 60_000, maxWants: 32, maxPeerWantlist: 1024, maxMessageBytes: 4 * 1024 * 1024 },
}

/** What blob_stat answers: the local record, or only that the blob is not here. */
export type BlobStatus = ({ local: true } & BlobStat) | { local: false; cid: string }

export interface BlobServiceOptions {
  directory: string
  config: BlobsConfig
  libp2p: Libp2p
  penalize: (peerId: string, reason: string) => void
  /** Connected peers (P2PHost.peers ids), asked by providers(). */
  peers: () => string[]
  log: Logger
  now?: () => number
  /** Serve and use /fedra/blocks/1.0.0 between Fedra nodes (default true; false: bitswap only). */
  fastPath?: boolean
}

/**
 * The parameter store of one node: the level store, bitswap on the node's host, retention and
 * periodic garbage collection, data availability. What RPC, CLI and (later) execution use.
 */
export class BlobService {
  readonly store: BlobStore
  readonly exchange: BlobExchange
  readonly availability: DataAvailability
  readonly retention: RoundRetention
  readonly #options: BlobServiceOptions
  #gcTimer: NodeJS.Timeout | undefined

  constructor(options: BlobServiceOptions) {
    const { config, log } = options
    this.#options = options
    this.store = new BlobStore({
      directory: options.directory,
      maxBytes: config.maxBytes,
      maxBlobBytes: config.maxBlobBytes,
      gcGraceMs: config.gcGraceMs,
      now: options.now,
    })
    this.exchange = new BlobExchange({
      store: this.store,
      libp2p: options.libp2p,
      penalize: options.penalize,
      limits: { ...config.fetch, maxBlobBytes: config.maxBlobBytes },
      log,
      now: options.now,
      fastPath: options.fastPath,
    })
    this.availability = new DataAvailability(this.store, this.exchange, options.now)
    this.retention = new RoundRetention(this.store, config.retainRounds)
  }

  /** Opens the store (before the host starts, so nothing is served from a closed store). */
  async open(): Promise<void> {
    await this.store.open()
  }

  /** Starts bitswap on the (started) host and the GC timer. */
  async start(): Promise<void> {
    await this.exchange.start()
    this.#gcTimer = setInterval(() => void this.#collect(), this.#options.config.gcIntervalMs)
    this.#gcTimer.unref()
  }

  /** Stops bitswap (before the host stops) and closes the store. */
  async stop(): Promise<void> {
    clearInterval(this.#gcTimer)
    await this.exchange.stop()
    await this.store.close()
  }

  /**
   * Stores an upload and announces its blocks to peers that wanted them.
   * @throws BlobError TOO_LARGE, TRUNCATED, QUOTA_EXCEEDED
   */
  async put(source: Uint8Array | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<PutResult> {
    const dag = await chunkUpload(
      source,
      Math.min(options.maxBytes ?? Number.POSITIVE_INFINITY, this.#options.config.maxBlobBytes),
      options.expectedSize,
    )
    const result = await this.store.putDag(dag, options.pin)
    if (result.created) await this.exchange.announce(dag.blocks.map((block) => block.cid))
    return result
  }

  /**
   * The blob's bytes: local, or fetched from peers first unless `localOnly`.
   * @throws BlobError NOT_FOUND (localOnly), FETCH_TIMEOUT, TOO_LARGE, CORRUPT_BLOCK
   */
  async get(cid: BlobCid, options: { localOnly?: boolean; timeoutMs?: number } = {}): Promise<Uint8Array> {
    if (!(await this.store.has(cid))) {
      if (options.localOnly === true)
        throw new BlobError('NOT_FOUND', `${formatCid(cid)} is not in the local store`, { cid: formatCid(cid) })
      await this.exchange.fetch(cid, { timeoutMs: options.timeoutMs })
    }
    return this.store.get(cid)
  }

  async stat(cid: BlobCid): Promise<BlobStatus> {
    const stat = await this.store.stat(cid)
    return stat === undefined ? { local: false, cid: formatCid(cid) } : { local: true, ...stat }
  }

  /** This node (when it holds the blob) and the connected peers that answer HAVE. */
  async providers(cid: BlobCid, selfId: string, timeoutMs?: number): Promise<string[]> {
    const remote = await this.exchange.providers(cid, this.#options.peers(), timeoutMs)
    return (await this.store.has(cid)) ? [selfId, ...remote] : remote
  }

  async #collect(): Promise<void> {
    try {
      const freed = await this.store.gc()
      if (freed.blobs > 0) this.#options.log.info(freed, 'blobs collected')
    } catch (error) {
      this.#options.log.warn({ err: error }, 'blob garbage collection failed')
    }
  }
}
