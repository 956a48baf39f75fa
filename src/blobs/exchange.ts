import { createHash } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import { withBitswap } from '@helia/bitswap'
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { varint } from 'multiformats'
import { sha256 } from 'multiformats/hashes/sha2'
import type { Logger } from '../log/index.js'
import { BLOCKS_PROTOCOL, BlockClient, type BlocksProtocolLimits, DEFAULT_BLOCKS_PROTOCOL_LIMITS, serveBlocks } from './blocks-protocol.js'
import { type BlobCid, DAG_PB_CODEC, RAW_CODEC, SHA2_256, formatCid } from './cid.js'
import { BlobError } from './errors.js'
import type { BlobStore, PutResult } from './store.js'
import { blockMatches, decodeFileBlock } from './unixfs.js'

export interface BlobFetchLimits {
  /** Default deadline of one fetch, ms. */
  timeoutMs: number
  /** Blocks one fetch wants at once: bytes in flight from a peer stay under this × 256 KiB. */
  maxWants: number
  /** Entries this node keeps of one peer's want-list (bitswap maxWantlistSize). */
  maxPeerWantlist: number
  /** Largest bitswap message sent or accepted, bytes. */
  maxMessageBytes: number
  /** Largest blob a fetch will assemble (its root's file size is checked first). */
  maxBlobBytes: number
  /**
   * A Fedra peer on `/fedra/blocks/1.0.0` that makes no progress (no frame) for this long is left
   * for the next peer or bitswap, ms. Default 10 s.
   */
  stallMs?: number
}

export const DEFAULT_FETCH_LIMITS: BlobFetchLimits = {
  timeoutMs: 60_000,
  maxWants: 32,
  maxPeerWantlist: 1024,
  maxMessageBytes: 4 * 1024 * 1024,
  maxBlobBytes: 64 * 1024 * 1024,
}

export interface BlobExchangeConfig {
  store: BlobStore
  /** The node's own libp2p (P2PHost.libp2p): bitswap speaks /ipfs/bitswap/1.2.0 on it. */
  libp2p: Libp2p
  /** The host's scoring (P2PHost.penalize): a peer sending a block that hashes to nothing wanted. */
  penalize: (peerId: string, reason: string) => void
  limits: BlobFetchLimits
  log: Logger
  now?: () => number
  /**
   * Serve and use `/fedra/blocks/1.0.0` between Fedra nodes (default true). Off, the node speaks
   * bitswap only, as an IPFS peer does (tests use it so).
   */
  fastPath?: boolean
}

/** The parts of @helia/bitswap's Bitswap this exchange uses; its broker keeps them unexported. */
interface BitswapParts {
  want(cid: BlobCid, options: { signal: AbortSignal }): Promise<Uint8Array>
  notify(cid: BlobCid): Promise<void>
  network: {
    addEventListener(
      type: 'bitswap:message',
      listener: (event: CustomEvent<{ connection: Connection; message: { blocks: { prefix?: Uint8Array; data?: Uint8Array }[] } }>) => void,
    ): void
  }
  wantList: { wantSessionPresence(cid: BlobCid, peer: PeerId, options: { signal: AbortSignal }): Promise<{ has: boolean }> }
}

/** How long a fulfilled want still excuses a late duplicate of its block from another peer. */
const RECENT_WANT_MS = 60_000

/**
 * Bitswap on the node's host: serves every local block to any IPFS peer, fetches blobs by CID
 * from connected peers. A fetch walks the file DAG from its root, wanting at most `maxWants`
 * blocks at a time; every block is checked against its CID before it is kept, and the blob is
 * written to the store in one batch only when complete. A peer that sends a block whose hash
 * matches nothing this node asked for (a corrupted block) is penalised through the host.
 */
export class BlobExchange {
  readonly #config: BlobExchangeConfig
  readonly #components: object
  readonly #options: Record<string, number>
  #broker: Startable | undefined
  #bitswap!: BitswapParts
  readonly #now: () => number
  /** Digest (hex) of every block wanted now or lately → until when a copy is welcome. */
  readonly #wanted = new Map<string, number>()
  /** Block bytes #checkBlocks hashed, with their digest: bitswap hands `want` the same array. */
  readonly #hashed = new WeakMap<Uint8Array, string>()
  readonly #stopped = new AbortController()
  #running = false
  readonly #blocksLimits: BlocksProtocolLimits
  #client: BlockClient | undefined
  #unserve: (() => Promise<void>) | undefined

  constructor(config: BlobExchangeConfig) {
    this.#config = config
    this.#now = config.now ?? Date.now
    setMaxListeners(Number.POSITIVE_INFINITY, this.#stopped.signal)
    const { limits } = config
    const components = {
      blockstore: config.store.blockstore,
      libp2p: config.libp2p,
      logger: config.libp2p.logger,
      // Peers are the host's connections; no DHT or delegated routing.
      routing: { async *findProviders() {} },
      getHasher: async (code: number) => {
        if (code === SHA2_256) return sha256
        throw new BlobError('UNSUPPORTED_CID', `hash 0x${code.toString(16)} is not served`, { cid: '', version: 1, codec: 0, hash: code })
      },
    }
    this.#options = {
      maxWantlistSize: limits.maxPeerWantlist,
      maxIncomingMessageSize: limits.maxMessageBytes,
      maxOutgoingMessageSize: limits.maxMessageBytes,
      // A fetch walks the DAG level by level, so every want waits out this debounce: 10 ms by
      // default, a third of a 1 MiB fetch on loopback.
      sendWantlistDebounce: 1,
    }
    this.#components = components
    this.#blocksLimits = {
      ...DEFAULT_BLOCKS_PROTOCOL_LIMITS,
      maxRequestCids: limits.maxPeerWantlist,
      maxFrameBytes: limits.maxMessageBytes,
      ...(limits.stallMs === undefined ? {} : { stallMs: limits.stallMs }),
    }
  }

  /** Registers /fedra/blocks/1.0.0 (unless fastPath is false) and bitswap on the host (which must be started). */
  async start(): Promise<void> {
    if (this.#running) return
    this.#broker = await startBroker(this.#components, this.#options)
    this.#bitswap = (this.#broker as unknown as { bitswap: BitswapParts }).bitswap
    if (typeof this.#bitswap?.want !== 'function' || typeof this.#bitswap.network?.addEventListener !== 'function') {
      throw new Error('@helia/bitswap internals changed: BlobExchange needs bitswap.want and bitswap.network')
    }
    this.#bitswap.network.addEventListener('bitswap:message', (event) =>
      this.#checkBlocks(event.detail.connection.remotePeer.toString(), event.detail.message.blocks),
    )
    // After bitswap, so bitswap registers exactly when it did without the fast path. The host
    // has no identify-push: a peer identified before this point learns neither protocol (the
    // fast path then simply falls back to bitswap; see docs/blobs.md).
    if (this.#config.fastPath !== false) {
      this.#unserve = await serveBlocks(this.#config.libp2p, this.#config.store.readBlock, this.#blocksLimits, this.#config.log)
      this.#client = new BlockClient(this.#config.libp2p, this.#blocksLimits)
    }
    this.#running = true
  }

  async stop(): Promise<void> {
    if (!this.#running) return
    this.#running = false
    this.#stopped.abort(new BlobError('NOT_STARTED', 'the blob exchange stopped', { reason: 'stopped' }))
    this.#client?.close()
    await this.#unserve?.().catch(() => undefined)
    await this.#broker?.stop()
  }

  /**
   * Makes a blob local: returns at once when the store has it, else fetches every missing block
   * from connected peers and stores the blob (with `pin`, if given).
   * @throws BlobError FETCH_TIMEOUT (context.missing: blocks still wanted), TOO_LARGE (the root
   *   announces a file over maxBlobBytes), CORRUPT_BLOCK (a DAG that is not a UnixFS file),
   *   QUOTA_EXCEEDED, NOT_STARTED
   */
  async fetch(root: BlobCid, options: { timeoutMs?: number; pin?: string; signal?: AbortSignal } = {}): Promise<PutResult> {
    const { store, limits } = this.#config
    if (await store.has(root)) {
      const stat = (await store.stat(root))!
      if (options.pin !== undefined) await store.pin(root, options.pin)
      return { cid: root, size: stat.size, blocks: stat.blocks, created: false }
    }
    if (!this.#running) throw new BlobError('NOT_STARTED', 'the blob exchange is not running', { reason: 'not started' })
    const timeoutMs = options.timeoutMs ?? limits.timeoutMs
    const deadline = AbortSignal.timeout(timeoutMs)
    const signal = AbortSignal.any([deadline, this.#stopped.signal, ...(options.signal === undefined ? [] : [options.signal])])
    // One listener per wanted block (bitswap races each want against the signal).
    setMaxListeners(Number.POSITIVE_INFINITY, signal)
    const writer = store.beginDag()
    let fileSize = -1
    let leafBytes = 0
    /** Blocks named so far (the root and every child of an accepted node) less those accepted. */
    let missing = 1
    /** A checked block: root limits, sizes, staged for the store; returns its children. */
    const accept = (cid: BlobCid, bytes: Uint8Array): BlobCid[] => {
      const decoded = decodeFileBlock(cid, bytes)
      if (cid.equals(root)) {
        fileSize = decoded.kind === 'leaf' ? bytes.length : decoded.fileSize
        if (fileSize > limits.maxBlobBytes)
          throw new BlobError('TOO_LARGE', `${formatCid(root)} announces ${fileSize} bytes`, { size: fileSize, limit: limits.maxBlobBytes })
      }
      leafBytes += decoded.data.length
      if (leafBytes > fileSize)
        throw new BlobError('CORRUPT_BLOCK', `${formatCid(root)} holds more bytes than its root announces`, {
          cid: formatCid(root),
          reason: 'size mismatch',
        })
      writer.add({ cid, bytes })
      const children = decoded.kind === 'node' ? decoded.children : []
      missing += children.length - 1
      return children
    }
    try {
      let pending: BlobCid[] = [root]
      if (this.#client !== undefined) pending = await this.#fastPath(this.#client, pending, accept, signal)
      if (pending.length > 0) await this.#bitswapWalk(pending, accept, signal)
      if (leafBytes !== fileSize)
        throw new BlobError('CORRUPT_BLOCK', `${formatCid(root)} holds ${leafBytes} bytes, its root announces ${fileSize}`, {
          cid: formatCid(root),
          reason: 'size mismatch',
        })
    } catch (error) {
      await writer.abort()
      if (deadline.aborted) {
        throw new BlobError(
          'FETCH_TIMEOUT',
          `${formatCid(root)} not complete after ${timeoutMs} ms`,
          { cid: formatCid(root), timeoutMs, missing },
          { cause: error },
        )
      }
      if (this.#stopped.signal.aborted)
        throw new BlobError('NOT_STARTED', 'the blob exchange stopped during the fetch', { reason: 'stopped' }, { cause: error })
      throw error
    } finally {
      const until = this.#now() + RECENT_WANT_MS
      for (const block of writer.blocks) this.#wanted.set(digestKey(block.cid.multihash.digest), until)
    }
    return writer.commit(root, fileSize, options.pin)
  }

  /**
   * Walks `pending` over `/fedra/blocks/1.0.0` from each connected Fedra peer in turn, until
   * nothing is left or every peer was asked once. A peer that sends a block not matching its CID
   * is penalised (as on bitswap) and left. Returns the subtrees still missing, for bitswap.
   */
  async #fastPath(
    client: BlockClient,
    pending: BlobCid[],
    accept: (cid: BlobCid, bytes: Uint8Array) => BlobCid[],
    signal: AbortSignal,
  ): Promise<BlobCid[]> {
    for (const peer of await client.peers()) {
      if (pending.length === 0 || signal.aborted) break
      const result = await client.walk(peer, pending, accept, signal)
      pending = result.remaining
      if (result.corrupt !== undefined) {
        const reason = `${BLOCKS_PROTOCOL} block: hash does not match ${formatCid(result.corrupt)}`
        this.#config.log.warn({ peer: peer.toString(), reason }, 'peer sent a corrupted block')
        this.#config.penalize(peer.toString(), reason)
      } else if (result.failure !== undefined) {
        this.#config.log.debug(
          { peer: peer.toString(), failure: result.failure, received: result.received },
          `${BLOCKS_PROTOCOL} walk ended early`,
        )
      }
    }
    if (signal.aborted) throw signal.reason
    return pending
  }

  /** Bitswap for what the fast path did not get: every block of the subtrees, at most maxWants wanted at a time. */
  async #bitswapWalk(pending: BlobCid[], accept: (cid: BlobCid, bytes: Uint8Array) => BlobCid[], signal: AbortSignal): Promise<void> {
    const { maxWants } = this.#config.limits
    const queue = [...pending]
    let inFlight = 0
    await new Promise<void>((resolve, reject) => {
      let failed = false
      const pump = (): void => {
        if (failed) return
        if (queue.length === 0 && inFlight === 0) return resolve()
        while (queue.length > 0 && inFlight < maxWants) {
          const next = queue.shift()!
          inFlight++
          this.#block(next, signal)
            .then((bytes) => {
              if (failed) return
              inFlight--
              queue.push(...accept(next, bytes))
              pump()
            })
            .catch((error: unknown) => {
              failed = true
              reject(error)
            })
        }
      }
      pump()
    })
  }

  /**
   * Tells peers that asked for these blocks earlier (their want-lists are kept) that they are
   * here now; call after a put. Kubo does the same when a block is added.
   */
  async announce(cids: readonly BlobCid[]): Promise<void> {
    if (!this.#running) return
    for (const cid of cids) await this.#bitswap.notify(cid)
  }

  /**
   * Connected peers that answer HAVE for `cid` within `timeoutMs` (bitswap want-have).
   */
  async providers(cid: BlobCid, peers: string[], timeoutMs = 2000): Promise<string[]> {
    if (!this.#running) throw new BlobError('NOT_STARTED', 'the blob exchange is not running', { reason: 'not started' })
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.#stopped.signal])
    setMaxListeners(Number.POSITIVE_INFINITY, signal)
    // A peer may answer want-have with the block itself when it is small (bitswap 1.2's
    // maxSizeReplaceHasWithBlock): that block is asked for, not a fault.
    this.#wanted.set(digestKey(cid.multihash.digest), this.#now() + timeoutMs + RECENT_WANT_MS)
    const answers = await Promise.all(
      peers.map(async (peer) => {
        try {
          const presence = await this.#bitswap.wantList.wantSessionPresence(cid, peerIdFromString(peer), { signal })
          return presence.has ? peer : null
        } catch {
          return null
        }
      }),
    )
    return answers.filter((peer): peer is string => peer !== null)
  }

  /** A local block if the store has it (a blob sharing chunks), else one from bitswap; checked either way. */
  async #block(cid: BlobCid, signal: AbortSignal): Promise<Uint8Array> {
    const local = await this.#config.store.readBlock(cid)
    if (local !== undefined && blockMatches(cid, local)) return local
    const key = digestKey(cid.multihash.digest)
    this.#wanted.set(key, Number.POSITIVE_INFINITY)
    try {
      const bytes = await this.#bitswap.want(cid, { signal })
      // Bitswap derives the CID from the bytes it got, so this holds by construction; checked
      // again (from the digest #checkBlocks took of these very bytes, or by hashing) because
      // what is stored must never depend on a library's internals.
      const digest = this.#hashed.get(bytes)
      if (digest === undefined ? !blockMatches(cid, bytes) : digest !== key)
        throw new BlobError('CORRUPT_BLOCK', `bitswap answered ${formatCid(cid)} with other bytes`, {
          cid: formatCid(cid),
          reason: 'hash mismatch',
        })
      return bytes
    } finally {
      this.#wanted.set(key, this.#now() + RECENT_WANT_MS)
    }
  }

  /**
   * Bitswap names a received block by hashing it, so a corrupted block is a block nobody wants:
   * a sender of blocks that match no current or recent want is penalised (kubo also sends only
   * what was asked for).
   */
  #checkBlocks(peer: string, blocks: { prefix?: Uint8Array; data?: Uint8Array }[]): void {
    const now = this.#now()
    for (const block of blocks) {
      if (block.prefix === undefined || block.data === undefined) continue
      const data = block.data
      const reason = unwantedReason(block.prefix, data, (key) => {
        this.#hashed.set(data, key)
        return (this.#wanted.get(key) ?? 0) >= now
      })
      if (reason === null) continue
      this.#config.log.warn({ peer, reason }, 'peer sent a bitswap block nobody wanted')
      this.#config.penalize(peer, `bitswap block: ${reason}`)
      return
    }
    if (this.#wanted.size > 10_000) for (const [key, until] of this.#wanted) if (until < now) this.#wanted.delete(key)
  }
}

interface Startable {
  stop(): Promise<void>
}

/**
 * @helia/bitswap exports its broker only through `withBitswap(helia)`, a mixin that builds the
 * broker from the Helia node's components when that node starts. Fedra has no Helia node, so
 * it hands the mixin exactly the components the broker reads and keeps the broker it adds.
 */
async function startBroker(components: object, options: Record<string, number>): Promise<Startable> {
  let mixin: { start(helia: unknown): Promise<void> } | undefined
  let broker: Startable | undefined
  const host = {
    ...components,
    status: 'starting',
    addMixin: (added: typeof mixin) => (mixin = added),
    hasBlockBroker: () => false,
    addBlockBroker: (added: Startable) => (broker = added),
  }
  withBitswap(host as never, options)
  await mixin?.start(host)
  if (broker === undefined) throw new Error('@helia/bitswap did not add its block broker')
  return broker
}

const digestKey = (digest: Uint8Array): string => Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('hex')

/** Why a received block is not one this node wanted, or null when it is. */
export function unwantedReason(prefix: Uint8Array, data: Uint8Array, isWanted: (digestHex: string) => boolean): string | null {
  let offset = 0
  const next = (): number => {
    const [value, length] = varint.decode(prefix, offset)
    offset += length
    return value
  }
  let codec: number
  let hash: number
  try {
    next() // CID version
    codec = next()
    hash = next()
  } catch {
    return 'malformed prefix'
  }
  if (hash !== SHA2_256 || (codec !== RAW_CODEC && codec !== DAG_PB_CODEC))
    return `unsupported codec 0x${codec.toString(16)} / hash 0x${hash.toString(16)}`
  const digest = createHash('sha256').update(data).digest('hex')
  return isWanted(digest) ? null : 'hash matches no wanted CID (corrupted or unsolicited)'
}
