import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import * as lp from 'it-length-prefixed'
import { CID } from 'multiformats/cid'
import { Uint8ArrayList } from 'uint8arraylist'
import type { Logger } from '../log/index.js'
import { type BlobCid, DAG_PB_CODEC, checkBlobCid, formatCid } from './cid.js'
import { BlobError } from './errors.js'
import type { BlockReader } from './store.js'
import { blockMatches, decodeFileBlock } from './unixfs.js'

/**
 * `/fedra/blocks/1.0.0`: Fedra-to-Fedra block transfer on the node's libp2p host, the fast path
 * of a fetch (docs/blobs.md). Bitswap stays the protocol every IPFS peer speaks; this one only
 * removes bitswap's per-message streams and level-by-level round trips between Fedra nodes.
 *
 * A stream carries any number of requests, one after the other. Every message is a
 * length-prefixed frame (unsigned varint, as everywhere in libp2p):
 *
 *   request   0x01 cid cid …     WALK: each CID and every block below it
 *   answer    0x00 bytes         BLOCK: the next block of the walk
 *             0x01               MISSING: the next block is not here (its subtree is skipped)
 *             0x02               END: the request is answered; the stream waits for the next
 *             0x03 reason:utf8   REFUSED: the request is not served
 *
 * The walk is depth first, children in link order (pre-order), so each block arrives after the
 * parent that names it and the requester knows the CID of every block before it arrives: it
 * checks each block's hash against that CID and never needs a CID on the wire.
 */
export const BLOCKS_PROTOCOL = '/fedra/blocks/1.0.0'

const REQUEST_WALK = 0x01
const FRAME_BLOCK = 0x00
const FRAME_MISSING = 0x01
const FRAME_END = 0x02
const FRAME_REFUSED = 0x03

export interface BlocksProtocolLimits {
  /** CIDs one request may name. */
  maxRequestCids: number
  /** Largest block frame sent or accepted, bytes. */
  maxFrameBytes: number
  /** Streams of this protocol per connection, each way. */
  maxStreams: number
  /** A requester that sends no frame for this long, or a walk without progress, ends the stream, ms. */
  stallMs: number
  /** A pooled requester stream unused for this long is closed, ms (under the server's stallMs). */
  idleMs: number
}

export const DEFAULT_BLOCKS_PROTOCOL_LIMITS: BlocksProtocolLimits = {
  maxRequestCids: 1024,
  maxFrameBytes: 4 * 1024 * 1024,
  maxStreams: 32,
  stallMs: 10_000,
  idleMs: 5_000,
}

export function encodeWalkRequest(cids: readonly BlobCid[]): Uint8Array {
  return Buffer.concat([Uint8Array.of(REQUEST_WALK), ...cids.map((cid) => cid.bytes)])
}

/** @throws BlobError INVALID_CID (not a walk request, a cut CID, too many), UNSUPPORTED_CID */
export function decodeWalkRequest(bytes: Uint8Array, maxCids: number): BlobCid[] {
  const invalid = (reason: string): never => {
    throw new BlobError('INVALID_CID', `bad ${BLOCKS_PROTOCOL} request: ${reason}`, { input: '', reason })
  }
  if (bytes[0] !== REQUEST_WALK) return invalid(`kind ${bytes[0] ?? 'none'}`)
  const cids: BlobCid[] = []
  let rest = bytes.subarray(1)
  while (rest.length > 0) {
    if (cids.length === maxCids) return invalid(`more than ${maxCids} CIDs`)
    let cid: CID
    try {
      ;[cid, rest] = CID.decodeFirst(rest)
    } catch (error) {
      return invalid(error instanceof Error ? error.message : String(error))
    }
    cids.push(checkBlobCid(cid))
  }
  if (cids.length === 0) return invalid('no CIDs')
  return cids
}

const blockFrame = (bytes: Uint8Array): Uint8ArrayList => lp.encode.single(new Uint8ArrayList(Uint8Array.of(FRAME_BLOCK), bytes))
const statusFrame = (status: number, text = ''): Uint8ArrayList =>
  lp.encode.single(new Uint8ArrayList(Uint8Array.of(status), Buffer.from(text, 'utf8')))

/** The children a served block names (none for a leaf, or a node that does not decode: the requester's hash check decides). */
function childrenOf(cid: BlobCid, bytes: Uint8Array): BlobCid[] {
  if (cid.code !== DAG_PB_CODEC) return []
  try {
    const decoded = decodeFileBlock(cid, bytes)
    return decoded.kind === 'node' ? decoded.children : []
  } catch {
    return []
  }
}

/**
 * Serves `/fedra/blocks/1.0.0` from `read` (blocks as stored, not re-hashed: kubo's default, as
 * bitswap serves). Returns what unregisters it.
 */
export async function serveBlocks(
  libp2p: Libp2p,
  read: BlockReader,
  limits: BlocksProtocolLimits,
  log: Logger,
): Promise<() => Promise<void>> {
  await libp2p.handle(
    BLOCKS_PROTOCOL,
    (stream, connection) => {
      void serveStream(stream, connection.remotePeer.toString(), read, limits, log)
    },
    { maxInboundStreams: limits.maxStreams, maxOutboundStreams: limits.maxStreams },
  )
  return () => libp2p.unhandle(BLOCKS_PROTOCOL)
}

async function serveStream(stream: Stream, peer: string, read: BlockReader, limits: BlocksProtocolLimits, log: Logger): Promise<void> {
  const requests = lp.decode(stream, { maxDataLength: 1 + limits.maxRequestCids * 64 })[Symbol.asyncIterator]()
  try {
    for (;;) {
      const next = await withStall(stream, limits.stallMs, () => requests.next())
      if (next.done === true) break
      let roots: BlobCid[]
      try {
        roots = decodeWalkRequest(next.value.subarray(), limits.maxRequestCids)
      } catch (error) {
        await send(stream, statusFrame(FRAME_REFUSED, error instanceof Error ? error.message : String(error)), limits.stallMs)
        continue
      }
      await serveWalk(stream, roots, read, limits.stallMs)
    }
    await stream.close()
  } catch (error) {
    log.debug({ peer, err: String(error) }, `${BLOCKS_PROTOCOL} stream ended`)
    stream.abort(error instanceof Error ? error : new Error(String(error)))
  }
}

/** Sends the walk of every root; the next block is read from disk while one is being sent. */
export async function serveWalk(
  stream: Pick<Stream, 'send' | 'onDrain'>,
  roots: BlobCid[],
  read: BlockReader,
  stallMs: number,
): Promise<void> {
  const stack = [...roots].reverse()
  // The read-ahead runs while a frame is sent; if the send fails (the peer went, the node is
  // stopping and its store closed), nobody awaits it, so its failure is marked handled here.
  const ahead = (cid: BlobCid): Promise<Uint8Array | undefined> => {
    const pending = read(cid)
    pending.catch(() => undefined)
    return pending
  }
  let reading: Promise<Uint8Array | undefined> | undefined = stack.length > 0 ? ahead(stack[stack.length - 1]!) : undefined
  while (stack.length > 0) {
    const cid = stack.pop()!
    const bytes = await reading!
    if (bytes !== undefined) for (const child of childrenOf(cid, bytes).reverse()) stack.push(child)
    reading = stack.length > 0 ? ahead(stack[stack.length - 1]!) : undefined
    await send(stream, bytes === undefined ? statusFrame(FRAME_MISSING) : blockFrame(bytes), stallMs)
  }
  await send(stream, statusFrame(FRAME_END), stallMs)
}

async function send(stream: Pick<Stream, 'send' | 'onDrain'>, frame: Uint8ArrayList, stallMs: number): Promise<void> {
  if (!stream.send(frame)) await stream.onDrain({ signal: AbortSignal.timeout(stallMs) })
}

/** Runs `step`, aborting the stream (so the step fails) when it takes longer than `stallMs`. */
async function withStall<T>(stream: Stream, stallMs: number, step: () => Promise<T>): Promise<T> {
  const timer = setTimeout(() => stream.abort(new Error(`no progress on ${BLOCKS_PROTOCOL} for ${stallMs} ms`)), stallMs)
  try {
    return await step()
  } finally {
    clearTimeout(timer)
  }
}

/** How a walk ended for the requester. */
export interface WalkResult {
  /** Subtree roots not received, in walk order: what another peer (or bitswap) must provide. */
  remaining: BlobCid[]
  /** Blocks received and accepted. */
  received: number
  /** Set when the peer sent a block that does not hash to the CID it had to be. */
  corrupt?: BlobCid
  /** Why the walk stopped early, if it did (transport, stall, refusal, protocol not spoken). */
  failure?: string
}

interface PooledStream {
  stream: Stream
  frames: AsyncIterator<Uint8ArrayList>
  idleTimer?: NodeJS.Timeout
}

/**
 * The requester side: one walk at a time per stream, streams kept per peer between fetches so
 * a fetch usually pays no stream negotiation.
 */
export class BlockClient {
  readonly #libp2p: Libp2p
  readonly #limits: BlocksProtocolLimits
  readonly #idle = new Map<string, PooledStream[]>()
  /** Ids of open connections whose peer announced the protocol. */
  readonly #speaking = new Set<string>()
  #closed = false

  constructor(libp2p: Libp2p, limits: BlocksProtocolLimits) {
    this.#libp2p = libp2p
    this.#limits = limits
  }

  /**
   * Connected peers that announced this protocol (identify). A connection found to speak it is
   * remembered for its lifetime, so a fetch does not read the peer store each time.
   */
  async peers(): Promise<PeerId[]> {
    const seen = new Map<string, PeerId>()
    const open = new Set<string>()
    const speaking: PeerId[] = []
    for (const connection of this.#libp2p.getConnections()) {
      if (connection.status !== 'open') continue
      open.add(connection.id)
      const key = connection.remotePeer.toString()
      if (seen.has(key)) continue
      seen.set(key, connection.remotePeer)
      if (this.#speaking.has(connection.id)) {
        speaking.push(connection.remotePeer)
        continue
      }
      try {
        if ((await this.#libp2p.peerStore.get(connection.remotePeer)).protocols.includes(BLOCKS_PROTOCOL)) {
          this.#speaking.add(connection.id)
          speaking.push(connection.remotePeer)
        }
      } catch {
        // not in the peer store yet: bitswap covers it
      }
    }
    for (const id of this.#speaking) if (!open.has(id)) this.#speaking.delete(id)
    return speaking
  }

  /**
   * Asks `peer` for the walk of `roots`. Every block is checked against the CID the walk says it
   * must have before `accept` sees it; `accept` returns the block's children (and may throw to
   * stop the fetch: that error is rethrown). Transport failures, stalls and a wrong block end the
   * walk with what is still missing; nothing else throws unless `signal` aborts.
   */
  async walk(
    peer: PeerId,
    roots: readonly BlobCid[],
    accept: (cid: BlobCid, bytes: Uint8Array) => BlobCid[],
    signal: AbortSignal,
  ): Promise<WalkResult> {
    let pooled = this.#take(peer)
    const reused = pooled !== undefined
    const stack = [...roots].reverse()
    const missing: BlobCid[] = []
    let received = 0
    const remaining = (): BlobCid[] => [...missing, ...[...stack].reverse()]
    try {
      pooled ??= await this.#open(peer, signal)
    } catch (error) {
      if (signal.aborted) throw signal.reason
      return { remaining: remaining(), received, failure: `open: ${String(error)}` }
    }
    const { stream, frames } = pooled
    const onAbort = (): void => stream.abort(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      stream.send(lp.encode.single(encodeWalkRequest(roots)))
      for (;;) {
        const next = await withStall(stream, this.#limits.stallMs, () => frames.next())
        if (next.done === true) return { remaining: remaining(), received, failure: 'stream ended' }
        const frame = next.value.subarray()
        const status = frame[0]
        if (status === FRAME_END) {
          if (stack.length > 0) {
            stream.abort(new Error('END before the walk was complete'))
            return { remaining: remaining(), received, failure: 'END before the walk was complete' }
          }
          this.#give(peer, pooled)
          return { remaining: missing, received }
        }
        if (status === FRAME_REFUSED) {
          this.#give(peer, pooled)
          return { remaining: remaining(), received, failure: `refused: ${Buffer.from(frame.subarray(1)).toString('utf8')}` }
        }
        const cid = stack.pop()
        if (cid === undefined || (status !== FRAME_BLOCK && status !== FRAME_MISSING)) {
          if (cid !== undefined) stack.push(cid)
          stream.abort(new Error('unexpected frame'))
          return { remaining: remaining(), received, failure: `unexpected frame ${status}` }
        }
        if (status === FRAME_MISSING) {
          missing.push(cid)
          continue
        }
        const bytes = frame.subarray(1)
        if (!blockMatches(cid, bytes)) {
          stack.push(cid)
          stream.abort(new Error(`block ${formatCid(cid)} does not match its hash`))
          return { remaining: remaining(), received, corrupt: cid }
        }
        let children: BlobCid[]
        try {
          children = accept(cid, bytes)
        } catch (error) {
          stream.abort(error instanceof Error ? error : new Error(String(error)))
          throw error
        }
        received++
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!)
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason
      if (error instanceof BlobError) throw error
      stream.abort(error instanceof Error ? error : new Error(String(error)))
      // A pooled stream the server had just closed: once more on a fresh one.
      if (reused && received === 0 && missing.length === 0 && !this.#closed) return this.walk(peer, roots, accept, signal)
      return { remaining: remaining(), received, failure: String(error) }
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  /** Closes every pooled stream. */
  close(): void {
    this.#closed = true
    for (const streams of this.#idle.values()) for (const pooled of streams) this.#drop(pooled)
    this.#idle.clear()
  }

  async #open(peer: PeerId, signal: AbortSignal): Promise<PooledStream> {
    // negotiateFully false: the protocol id travels with the first request (no extra round trip).
    const stream = await this.#libp2p.dialProtocol(peer, BLOCKS_PROTOCOL, { signal, negotiateFully: false })
    return { stream, frames: lp.decode(stream, { maxDataLength: this.#limits.maxFrameBytes + 1 })[Symbol.asyncIterator]() }
  }

  #take(peer: PeerId): PooledStream | undefined {
    const streams = this.#idle.get(peer.toString())
    while (streams !== undefined && streams.length > 0) {
      const pooled = streams.pop()!
      clearTimeout(pooled.idleTimer)
      if (pooled.stream.status === 'open' && pooled.stream.writeStatus === 'writable' && pooled.stream.remoteWriteStatus === 'writable')
        return pooled
      this.#drop(pooled)
    }
    return undefined
  }

  #give(peer: PeerId, pooled: PooledStream): void {
    if (this.#closed) return this.#drop(pooled)
    const key = peer.toString()
    const streams = this.#idle.get(key) ?? []
    this.#idle.set(key, streams)
    streams.push(pooled)
    pooled.idleTimer = setTimeout(() => {
      const index = streams.indexOf(pooled)
      if (index >= 0) streams.splice(index, 1)
      if (streams.length === 0 && this.#idle.get(key) === streams) this.#idle.delete(key)
      this.#drop(pooled)
    }, this.#limits.idleMs)
    pooled.idleTimer.unref()
  }

  #drop(pooled: PooledStream): void {
    clearTimeout(pooled.idleTimer)
    pooled.stream.close().catch(() => pooled.stream.abort(new Error('closed')))
  }
}
