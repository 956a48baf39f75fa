import './polyfill.js'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, StrictNoSign, gossipsub } from '@libp2p/gossipsub'
import { identify, identifyPush } from '@libp2p/identify'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { type Logger, logger } from '../log/index.js'
import { P2PError } from './errors.js'
import { type GossipEngine, type GossipHandler, GossipRouter, gossipEngine } from './gossip.js'
import { SEQUENCE_BYTES, gossipMessageId } from './gossip-envelope.js'
import { MESH, SCORE_THRESHOLDS, peerScoreParams } from './gossip-params.js'
import { nodeKeyFromSeed } from './identity.js'
import { BanList, PenaltyBook } from './penalties.js'
import { BootstrapRedialer, type RedialTarget, realTimers } from './redial.js'
import { testSwitch } from '../test-switch.js'
import { liftDefaultSendLimit } from './send-limit.js'
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  type HandleOptions,
  type PeerMessageHandler,
  type MessageOptions,
  type RequestHandler,
  type RequestOptions,
  RequestResponse,
} from './request-response.js'

export interface P2PHostConfig {
  /** 32-byte ed25519 seed from node_key.json: the node's persistent identity. */
  seed: Uint8Array
  /** Multiaddrs to listen on, e.g. /ip4/0.0.0.0/tcp/26656; tcp/0 picks a free port. */
  listen: string[]
  /** Full multiaddrs with /p2p/<peerId>; dialled at start and redialled whenever they drop. */
  bootstrap: string[]
  /** Connection limit (inbound beyond it are refused). Default 50. */
  maxPeers?: number
  /** First redial delay after a bootstrap peer drops; doubles per failure. Default 500 ms. */
  reconnectMs?: number
  /** Cap of the redial backoff. Default 5 s, so a restarted peer is back within seconds. */
  reconnectMaxMs?: number
  /** Largest gossip payload and direct message. Default 5 MiB: a 4 MiB block plus its envelope. */
  maxMessageBytes?: number
  /** How long a peer disconnected for a bad score is refused. Default 10 min. */
  banMs?: number
  /** Half-life of penalize() points. Default 10 min. */
  penaltyHalfLifeMs?: number
  log?: Logger
  /** Wall clock (ms); tests may substitute it. */
  now?: () => number
  /** Jitter source in [0, 1). */
  random?: () => number
}

export interface PeerInfo {
  id: string
  /** Remote multiaddr of the (first open) connection, with /p2p/<id>; for an inbound one the port is the dialler's ephemeral port. */
  address: string
  direction?: 'inbound' | 'outbound'
  /** Gossipsub score including penalize() points; below SCORE_THRESHOLDS.graylistThreshold the peer is disconnected. */
  score: number
}

export type PeerListener = (peerId: string) => void

export const DEFAULT_MAX_PEERS = 50
export const DEFAULT_MAX_MESSAGE_BYTES = 5 * 1024 * 1024
/** Points one penalize() costs by default: three of them in a short while graylist a peer. */
export const DEFAULT_PENALTY_POINTS = 25

type Services = { identify: unknown; identifyPush: unknown; pubsub: GossipSub }

const BOOTSTRAP_TAG = 'fedra-bootstrap'

/**
 * A node's libp2p host: TCP + noise + yamux, identify, gossipsub with peer scoring, Fedra's
 * stream protocols, and bootstrap peers kept connected. It knows nothing of blocks or
 * transactions: topics and protocol ids come from the node (see topics.ts), payloads are bytes.
 */
export class P2PHost {
  readonly peerId: string
  readonly #node: Libp2p<Services>
  readonly #bootstrap: RedialTarget[]
  readonly #engine: GossipEngine
  readonly #gossip: GossipRouter
  readonly #streams: RequestResponse
  readonly #redialer: BootstrapRedialer
  readonly #penalties: PenaltyBook
  readonly #bans: BanList
  readonly #banMs: number
  readonly #log: Logger
  readonly #connectedListeners = new Set<PeerListener>()
  readonly #disconnectedListeners = new Set<PeerListener>()
  #state: 'created' | 'running' | 'stopped' = 'created'
  #stopping: Promise<void> | null = null

  private constructor(
    node: Libp2p<Services>,
    parts: {
      bootstrap: RedialTarget[]
      penalties: PenaltyBook
      bans: BanList
      config: P2PHostConfig
      log: Logger
    },
  ) {
    const { config, log } = parts
    const now = config.now ?? Date.now
    this.#node = node
    this.#bootstrap = parts.bootstrap
    this.peerId = node.peerId.toString()
    this.#log = log
    this.#penalties = parts.penalties
    this.#bans = parts.bans
    this.#banMs = config.banMs ?? 10 * 60 * 1000
    this.#engine = gossipEngine(node.services.pubsub)
    this.#gossip = new GossipRouter({
      engine: this.#engine,
      maxMessageBytes: config.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      now,
      log,
    })
    this.#streams = new RequestResponse({
      node,
      maxFrameBytes: DEFAULT_MAX_RESPONSE_BYTES,
      maxMessageBytes: config.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      isRunning: () => this.#state === 'running',
      log,
    })
    this.#redialer = new BootstrapRedialer({
      targets: parts.bootstrap,
      dial: async (target, signal) => {
        await node.dial(
          target.addresses.map((address) => multiaddr(address)),
          { signal },
        )
      },
      isConnected: (peer) => this.#isConnected(peer),
      isBanned: (peer) => this.#bans.isBanned(peer),
      baseMs: config.reconnectMs ?? 500,
      maxMs: Math.max(config.reconnectMaxMs ?? 5000, config.reconnectMs ?? 500),
      timers: realTimers,
      random: config.random ?? Math.random,
      now,
      log,
    })
    node.addEventListener('peer:connect', (event) => this.#onConnect(event.detail))
    node.addEventListener('peer:disconnect', (event) => this.#onDisconnect(event.detail))
    // Rejected gossip lowers scores inside gossipsub; enforce the graylist as disconnects once per heartbeat.
    this.#engine.addEventListener('gossipsub:heartbeat', () => this.#enforceScores())
  }

  /** @throws P2PError INVALID_CONFIG for a seed that is not 32 bytes or an unusable multiaddr. */
  static async create(config: P2PHostConfig): Promise<P2PHost> {
    const log = config.log ?? logger('p2p')
    const privateKey = await nodeKeyFromSeed(config.seed)
    const now = config.now ?? Date.now
    const listen = config.listen.map((address) => parseAddress(address, 'listen'))
    const bootstrap = bootstrapTargets(config.bootstrap, peerIdFromPrivateKey(privateKey).toString())
    const penalties = new PenaltyBook({ halfLifeMs: config.penaltyHalfLifeMs ?? 10 * 60 * 1000, now })
    const bans = new BanList(now)
    const maxPeers = config.maxPeers ?? DEFAULT_MAX_PEERS
    const maxMessageBytes = config.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
    const refused = (peer: PeerId): boolean => bans.isBanned(peer.toString())
    // One RPC can carry several messages (IWANT answers batch them): room for four.
    const maxRpcBytes = 4 * (maxMessageBytes + SEQUENCE_BYTES + 1024)
    liftDefaultSendLimit(maxRpcBytes)
    const node = await createLibp2p<Services>({
      start: false,
      privateKey,
      addresses: { listen: listen.map(String), ...(testSwitch('p2p-no-announce') ? { announceFilter: () => [] } : {}) },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: {
        maxConnections: maxPeers,
        // Devnets put every node on 127.0.0.1, and libp2p's default of 5 inbound connections
        // per second per host refuses a restarting network's burst of dials.
        inboundConnectionThreshold: Math.max(5, maxPeers),
      },
      connectionGater: { denyDialPeer: refused, denyInboundEncryptedConnection: refused, denyOutboundEncryptedConnection: refused },
      services: {
        identify: identify(),
        // Protocols registered after start (bitswap and /fedra/blocks, when the blob service
        // starts) reach peers already connected: without it they never learn of them until reconnecting.
        identifyPush: identifyPush(),
        pubsub: gossipsub({
          ...MESH,
          globalSignaturePolicy: StrictNoSign,
          msgIdFn: (message) => gossipMessageId(message.topic, message.data),
          floodPublish: true,
          allowPublishToZeroTopicPeers: true,
          emitSelf: false,
          fallbackToFloodsub: false,
          doPX: false,
          maxInboundDataLength: maxRpcBytes,
          scoreParams: peerScoreParams((peer) => penalties.score(peer)),
          scoreThresholds: SCORE_THRESHOLDS,
        }),
      },
    })
    return new P2PHost(node, { bootstrap, penalties, bans, config, log })
  }

  /** Listens, sends pending subscriptions and dials the bootstrap peers. A stopped host stays stopped. */
  async start(): Promise<void> {
    if (this.#state === 'running') return
    if (this.#state === 'stopped') throw new P2PError('NOT_STARTED', 'a stopped host cannot be restarted; create a new one', {})
    try {
      await this.#node.start()
    } catch (error) {
      await Promise.resolve(this.#node.stop()).catch(() => undefined)
      throw new P2PError(
        'TRANSPORT',
        'could not start the host (is the port in use?)',
        { reason: error instanceof Error ? error.message : String(error) },
        { cause: error },
      )
    }
    this.#state = 'running'
    await this.#protectBootstrapPeers()
    this.#gossip.start()
    this.#redialer.start()
    this.#log.info({ peerId: this.peerId, addresses: this.addresses() }, 'p2p host started')
  }

  /** Closes every connection and the listeners. Safe to call twice or concurrently. */
  async stop(): Promise<void> {
    if (this.#stopping !== null) return this.#stopping
    this.#state = 'stopped'
    this.#redialer.stop()
    this.#gossip.stop()
    const stopping = Promise.resolve(this.#node.stop()).then(() => this.#log.info('p2p host stopped'))
    this.#stopping = stopping
    return stopping
  }

  /**
   * The libp2p node itself, for a protocol implementation that needs its registrar and
   * connections directly (bitswap in src/blobs). Everything else goes through this host's API.
   */
  get libp2p(): Libp2p {
    return this.#node
  }

  /** Full multiaddrs (with /p2p/<peerId>) others can dial; empty before start. */
  addresses(): string[] {
    return this.#node.getMultiaddrs().map(String)
  }

  peers(): PeerInfo[] {
    const byPeer = new Map<string, PeerInfo>()
    for (const connection of this.#node.getConnections()) {
      const id = connection.remotePeer.toString()
      if (connection.status !== 'open' || byPeer.has(id)) continue
      byPeer.set(id, { id, address: connection.remoteAddr.toString(), direction: connection.direction, score: this.score(id) })
    }
    return [...byPeer.values()]
  }

  /** Returns a function that removes the listener. */
  onPeerConnected(listener: PeerListener): () => void {
    this.#connectedListeners.add(listener)
    return () => this.#connectedListeners.delete(listener)
  }

  onPeerDisconnected(listener: PeerListener): () => void {
    this.#disconnectedListeners.add(listener)
    return () => this.#disconnectedListeners.delete(listener)
  }

  // -------------------------------------------------------------------------------------------
  // Gossip

  /** May be called before start; see GossipHandler for what the callbacks mean. */
  subscribe(topic: string, handler: GossipHandler): void {
    this.#gossip.subscribe(topic, handler)
  }

  unsubscribe(topic: string): void {
    this.#gossip.unsubscribe(topic)
  }

  /** Number of peers it was sent to directly (0 with no peers, not an error). @throws P2PError MESSAGE_TOO_LARGE, NOT_STARTED */
  publish(topic: string, data: Uint8Array): Promise<number> {
    return this.#gossip.publish(topic, data)
  }

  /** Peers known to be subscribed to `topic` (what a publish reaches directly). */
  topicPeers(topic: string): string[] {
    return this.#engine.getSubscribers(topic).map(String)
  }

  /**
   * The peer's gossipsub score as this host sees it, penalize() points included. 0 for a peer
   * gossipsub has never seen; negative after rejected messages or penalties.
   */
  score(peerId: string): number {
    if (!this.#engine.score.peerStats.has(peerId)) return this.#penalties.score(peerId)
    // gossipsub caches scores for a heartbeat; a caller asking right after a reject wants it counted.
    this.#engine.score.scoreCache.delete(peerId)
    return this.#engine.getScore(peerId)
  }

  /**
   * Records that a peer sent something bad outside gossip (a block failing validation over
   * sync, a blob not matching its CID). The points lower its gossip score at once; a peer whose
   * score falls below the graylist threshold is disconnected and refused for banMs.
   */
  penalize(peerId: string, reason: string, points = DEFAULT_PENALTY_POINTS): void {
    const total = this.#penalties.add(peerId, points)
    this.#log.warn({ peer: peerId, reason, points, total, score: this.score(peerId) }, 'peer penalized')
    this.#enforceScore(peerId)
  }

  // -------------------------------------------------------------------------------------------
  // Streams

  /** Serves request/response `protocol`. @throws P2PError ALREADY_REGISTERED */
  handle(protocol: string, handler: RequestHandler, options?: HandleOptions): Promise<void> {
    return this.#streams.handle(protocol, handler, options)
  }

  /** Receives one-way messages sent with send() on `protocol`. @throws P2PError ALREADY_REGISTERED */
  handleMessages(protocol: string, handler: PeerMessageHandler, options?: MessageOptions): Promise<void> {
    return this.#streams.handleMessages(protocol, handler, options)
  }

  unhandle(protocol: string): Promise<void> {
    return this.#streams.unhandle(protocol)
  }

  /** See RequestResponse.request for the error codes. */
  request(peerId: string, protocol: string, data: Uint8Array, options?: RequestOptions): Promise<Uint8Array> {
    return this.#streams.request(peerId, protocol, data, options)
  }

  /** Fire-and-forget to one connected peer; resolves false instead of rejecting when it could not be sent. */
  send(peerId: string, protocol: string, data: Uint8Array): Promise<boolean> {
    return this.#streams.send(peerId, protocol, data)
  }

  // -------------------------------------------------------------------------------------------

  #isConnected(peerId: string): boolean {
    try {
      return this.#node.getConnections(peerIdFromString(peerId)).some((connection) => connection.status === 'open')
    } catch {
      return false
    }
  }

  /** When over maxPeers, libp2p prunes the connections of the lowest tag value first: never these. */
  async #protectBootstrapPeers(): Promise<void> {
    for (const target of this.#bootstrap) {
      await this.#node.peerStore.merge(peerIdFromString(target.peerId), { tags: { [BOOTSTRAP_TAG]: { value: 100 } } })
    }
  }

  #onConnect(peer: PeerId): void {
    const id = peer.toString()
    if (this.#bans.isBanned(id)) {
      void this.#node.hangUp(peer).catch(() => undefined)
      return
    }
    this.#redialer.peerConnected(id)
    this.#log.debug({ peer: id }, 'peer connected')
    for (const listener of this.#connectedListeners) callSafely(listener, id, this.#log)
  }

  #onDisconnect(peer: PeerId): void {
    const id = peer.toString()
    this.#redialer.peerDisconnected(id)
    this.#log.debug({ peer: id }, 'peer disconnected')
    for (const listener of this.#disconnectedListeners) callSafely(listener, id, this.#log)
  }

  #enforceScores(): void {
    for (const peer of this.peers()) this.#enforceScore(peer.id, peer.score)
  }

  #enforceScore(peerId: string, score = this.score(peerId)): void {
    if (this.#state !== 'running' || score >= SCORE_THRESHOLDS.graylistThreshold || this.#bans.isBanned(peerId)) return
    this.#bans.ban(peerId, this.#banMs)
    this.#log.warn({ peer: peerId, score, banMs: this.#banMs }, 'disconnecting peer below the graylist threshold')
    void this.#node
      .hangUp(peerIdFromString(peerId))
      .catch((error: unknown) => this.#log.debug({ peer: peerId, err: String(error) }, 'hang up failed'))
  }
}

function callSafely(listener: PeerListener, peerId: string, log: Logger): void {
  try {
    listener(peerId)
  } catch (error) {
    log.error({ peer: peerId, err: error }, 'peer listener threw')
  }
}

function parseAddress(address: string, role: string): Multiaddr {
  try {
    return multiaddr(address)
  } catch (error) {
    throw new P2PError('INVALID_CONFIG', `unparsable ${role} multiaddr`, { reason: address }, { cause: error })
  }
}

/**
 * One redial target per bootstrap peer, with all its configured addresses. The host's own
 * entry is dropped, so every node of a devnet can share one bootstrap list.
 */
function bootstrapTargets(addresses: string[], self: string): RedialTarget[] {
  const byPeer = new Map<string, RedialTarget>()
  for (const address of addresses) {
    const parsed = parseAddress(address, 'bootstrap')
    const peerId = parsed.getComponents().findLast((component) => component.name === 'p2p')?.value
    if (peerId === undefined) throw new P2PError('INVALID_CONFIG', 'bootstrap multiaddr needs /p2p/<peerId>', { reason: address })
    try {
      peerIdFromString(peerId)
    } catch (error) {
      throw new P2PError('INVALID_CONFIG', 'bootstrap multiaddr has an invalid peer id', { reason: address }, { cause: error })
    }
    if (peerId === self) continue
    const target = byPeer.get(peerId) ?? { peerId, addresses: [] }
    target.addresses.push(parsed.toString())
    byPeer.set(peerId, target)
  }
  return [...byPeer.values()]
}
