import './polyfill.js'
import { type GossipSub, type GossipsubMessage, TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerScoreParams } from '@libp2p/gossipsub/score'
import type { PeerId } from '@libp2p/interface'
import type { Logger } from '../log/index.js'
import { P2PError } from './errors.js'
import { GossipSequence, openGossip, sealGossip } from './gossip-envelope.js'
import { TOPIC_SCORE } from './gossip-params.js'

export type GossipVerdict = 'accept' | 'reject' | 'ignore'

/**
 * What the node plugs into a topic. `validate` runs before the message is forwarded to anyone:
 * 'accept' delivers and re-gossips it, 'ignore' drops it quietly (stale, already known, not
 * checkable yet), 'reject' drops it and counts an invalid message against the peer that sent
 * it. `deliver` sees only accepted messages from other peers (never the host's own publishes).
 * `from` is the peer that passed the message to this host, not necessarily its author: messages
 * carry no libp2p signature, authorship is the payload's own ed25519 signature.
 */
export interface GossipHandler {
  validate(data: Uint8Array, from: string): GossipVerdict | Promise<GossipVerdict>
  deliver(data: Uint8Array, from: string): void
}

/**
 * The parts of the gossipsub service beyond its exported interface that the host needs: the
 * peer score (read, cache invalidation, per-topic params added at subscribe time). The class
 * is not exported by @libp2p/gossipsub 17, so `gossipEngine` checks them at runtime once.
 */
export type GossipEngine = GossipSub & {
  getScore(peerId: string): number
  score: { params: PeerScoreParams; scoreCache: Map<string, unknown>; peerStats: Map<string, unknown> }
}

export function gossipEngine(service: GossipSub): GossipEngine {
  const engine = service as Partial<GossipEngine>
  if (
    typeof engine.getScore !== 'function' ||
    engine.score?.params?.topics === undefined ||
    !(engine.score.scoreCache instanceof Map) ||
    !(engine.score.peerStats instanceof Map)
  ) {
    throw new P2PError('INVALID_CONFIG', 'this @libp2p/gossipsub version does not expose peer scoring as expected', {})
  }
  return service as GossipEngine
}

const VERDICTS: Record<GossipVerdict, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore,
}

export interface GossipRouterConfig {
  engine: GossipEngine
  /** Largest application payload (the sequence prefix is not counted). */
  maxMessageBytes: number
  now: () => number
  log: Logger
}

/** Topic subscriptions, validation and publishing over gossipsub, with Fedra's envelope. */
export class GossipRouter {
  readonly #engine: GossipEngine
  readonly #maxMessageBytes: number
  readonly #sequence: GossipSequence
  readonly #log: Logger
  readonly #handlers = new Map<string, GossipHandler>()
  // gossipsub hands validate and the message event the same `msg.data`; giving the handler the
  // same payload view both times is what lets it remember its verdict (ConsensusGossip's cache
  // is keyed by the view) instead of decoding and verifying the message twice.
  readonly #payloads = new WeakMap<Uint8Array, Uint8Array | null>()
  #running = false

  constructor(config: GossipRouterConfig) {
    this.#engine = config.engine
    this.#maxMessageBytes = config.maxMessageBytes
    this.#sequence = new GossipSequence(config.now())
    this.#log = config.log
    this.#engine.addEventListener('gossipsub:message', (event) => this.#onMessage(event.detail))
  }

  /** Subscriptions made before start are sent to peers here (gossipsub refuses them earlier). */
  start(): void {
    this.#running = true
    for (const topic of this.#handlers.keys()) this.#engine.subscribe(topic)
  }

  stop(): void {
    this.#running = false
  }

  subscribe(topic: string, handler: GossipHandler): void {
    if (this.#handlers.has(topic)) throw new P2PError('ALREADY_REGISTERED', 'topic already has a handler', { topic })
    this.#handlers.set(topic, handler)
    // Without per-topic params gossipsub keeps no stats for the topic, so 'reject' would not
    // cost the sender anything.
    this.#engine.score.params.topics[topic] = { ...TOPIC_SCORE }
    this.#engine.topicValidators.set(topic, (peer, message) => this.#validate(topic, peer, message.data))
    if (this.#running) this.#engine.subscribe(topic)
  }

  unsubscribe(topic: string): void {
    if (!this.#handlers.delete(topic)) return
    this.#engine.topicValidators.delete(topic)
    if (this.#running) this.#engine.unsubscribe(topic)
  }

  /**
   * Sends `data` to the topic's peers (all of them, floodPublish). Returns how many peers it
   * went to directly; 0 when nobody is connected yet, which is not an error: consensus
   * re-publishes until it makes progress.
   *
   * @throws P2PError MESSAGE_TOO_LARGE over maxMessageBytes, NOT_STARTED before start or after stop.
   */
  async publish(topic: string, data: Uint8Array): Promise<number> {
    if (!this.#running) throw new P2PError('NOT_STARTED', 'host is not running', { topic })
    if (data.length > this.#maxMessageBytes) {
      throw new P2PError('MESSAGE_TOO_LARGE', 'gossip message over the limit', { topic, bytes: data.length, limit: this.#maxMessageBytes })
    }
    try {
      const result = await this.#engine.publish(topic, sealGossip(this.#sequence.next(), data))
      return result.recipients.length
    } catch (error) {
      // allowPublishToZeroTopicPeers is set, but a race with the last peer leaving still
      // surfaces this on some paths.
      if (error instanceof Error && error.message.includes('NoPeersSubscribedToTopic')) return 0
      throw new P2PError(
        'TRANSPORT',
        'publish failed',
        { topic, reason: error instanceof Error ? error.message : String(error) },
        { cause: error },
      )
    }
  }

  async #validate(topic: string, peer: PeerId, data: Uint8Array): Promise<TopicValidatorResult> {
    const handler = this.#handlers.get(topic)
    const payload = this.#payload(data)
    if (handler === undefined) return TopicValidatorResult.Ignore
    if (payload === null || payload.length > this.#maxMessageBytes) return TopicValidatorResult.Reject
    try {
      return VERDICTS[await handler.validate(payload, peer.toString())] ?? TopicValidatorResult.Ignore
    } catch (error) {
      // A validator that throws has a bug; the peer may be innocent, so do not penalise it.
      this.#log.warn({ topic, peer: peer.toString(), err: error }, 'gossip validator threw; ignoring message')
      return TopicValidatorResult.Ignore
    }
  }

  #payload(data: Uint8Array): Uint8Array | null {
    let payload = this.#payloads.get(data)
    if (payload === undefined) {
      payload = openGossip(data)
      this.#payloads.set(data, payload)
    }
    return payload
  }

  #onMessage({ propagationSource, msg }: GossipsubMessage): void {
    const handler = this.#handlers.get(msg.topic)
    const payload = this.#payload(msg.data)
    this.#payloads.delete(msg.data)
    if (handler === undefined || payload === null) return
    try {
      handler.deliver(payload, propagationSource.toString())
    } catch (error) {
      this.#log.error({ topic: msg.topic, err: error }, 'gossip deliver threw')
    }
  }
}
