import { randomBytes } from 'node:crypto'
import { encode } from '../codec/index.js'
import { type ConsensusMessage, decodeConsensusMessage, encodeConsensusMessage } from '../consensus/index.js'
import { PrivateKey } from '../crypto/index.js'
import { logger } from '../log/index.js'
import { syncProtocols } from '../node/block-sync.js'
import { SyncRequest } from '../node/schemas.js'
import { P2PHost, protocolsFor, topicsFor } from '../p2p/index.js'

/** What the byzantine peer sent, by kind, and what it saw of its target. */
export interface ByzantineReport {
  sent: Record<ByzantineAttack, number>
  /** Consensus messages it captured from the target (the material of replays and forgeries). */
  captured: number
  /** Whether the target still kept a connection to it at the end (a graylisted peer is dropped). */
  stillConnected: boolean
}

export type ByzantineAttack = 'malformed' | 'oversized' | 'replayed' | 'wrongly-signed' | 'bad-sync'

/**
 * A libp2p peer of the chain that breaks every rule it can, against one node: malformed gossip
 * on the consensus and tx topics, oversized frames, replays of consensus messages it captured,
 * votes and proposals with a flipped signature byte or signed by a key that is not the
 * validator's, and garbage or absurd requests on the block-sync and direct protocols. The
 * target must keep running and its chain keep progressing (the run's checks), penalising the
 * peer as src/p2p does.
 */
export class ByzantinePeer {
  readonly #host: P2PHost
  readonly #chainId: string
  readonly #captured: Uint8Array[] = []
  readonly #sent: Record<ByzantineAttack, number> = { malformed: 0, oversized: 0, replayed: 0, 'wrongly-signed': 0, 'bad-sync': 0 }
  readonly #target: string

  private constructor(host: P2PHost, chainId: string, target: string) {
    this.#host = host
    this.#chainId = chainId
    this.#target = target
  }

  /** `target`: the node's multiaddr with its peer id. */
  static async connect(chainId: string, target: string, targetPeerId: string): Promise<ByzantinePeer> {
    const host = await P2PHost.create({
      seed: randomBytes(32),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: [target],
      // Room to build frames larger than any honest node accepts.
      maxMessageBytes: 8 * 1024 * 1024,
      // Its own failures (refused streams, resets) are the point, not news.
      log: logger('harness-byzantine').child({}, { level: 'silent' }),
    })
    const peer = new ByzantinePeer(host, chainId, targetPeerId)
    const topics = topicsFor(chainId)
    host.subscribe(topics.txs, { validate: () => 'ignore', deliver: () => {} })
    // Capture through validation: 'ignore' keeps this peer from relaying anything honest.
    host.subscribe(topics.consensus, {
      validate: (data) => {
        if (peer.#captured.length < 200) peer.#captured.push(data)
        return 'ignore'
      },
      deliver: () => {},
    })
    await host.start()
    return peer
  }

  /** Whether the target is connected now. */
  get connected(): boolean {
    return this.#host.peers().some((p) => p.id === this.#target)
  }

  /** Attacks until `ms` have passed, one burst every `everyMs`. */
  async attack(ms: number, everyMs = 250): Promise<ByzantineReport> {
    const deadline = Date.now() + ms
    while (Date.now() < deadline) {
      await this.#burst()
      await new Promise((r) => setTimeout(r, everyMs))
    }
    return { sent: { ...this.#sent }, captured: this.#captured.length, stillConnected: this.connected }
  }

  async stop(): Promise<void> {
    await this.#host.stop()
  }

  async #burst(): Promise<void> {
    const topics = topicsFor(this.#chainId)
    const tries: Promise<unknown>[] = []
    const publish = (topic: string, data: Uint8Array, kind: ByzantineAttack) =>
      tries.push(
        this.#host.publish(topic, data).then(
          () => this.#sent[kind]++,
          () => {},
        ),
      )
    // Malformed: random bytes, and a valid encoding cut short.
    publish(topics.consensus, randomBytes(1 + Math.floor(Math.random() * 300)), 'malformed')
    publish(topics.txs, randomBytes(1 + Math.floor(Math.random() * 300)), 'malformed')
    const sample = this.#captured[Math.floor(Math.random() * this.#captured.length)]
    if (sample !== undefined) publish(topics.consensus, sample.subarray(0, Math.max(1, sample.length >> 1)), 'malformed')
    // Oversized: larger than any node's gossip and direct-message limit (5 MiB).
    if (Math.random() < 0.2) {
      const big = randomBytes(6 * 1024 * 1024)
      publish(topics.consensus, big, 'oversized')
      tries.push(
        this.#host.send(this.#target, protocolsFor(this.#chainId).direct, big).then(
          () => this.#sent.oversized++,
          () => {},
        ),
      )
    }
    // Replayed: a message the target already saw, sent again under a new envelope.
    if (sample !== undefined) publish(topics.consensus, sample, 'replayed')
    // Wrongly signed: a captured vote or proposal with one signature bit flipped, or signed by another key.
    const forged = sample === undefined ? null : this.#forge(sample)
    if (forged !== null) publish(topics.consensus, forged, 'wrongly-signed')
    // Bad sync: garbage requests, and a request for an absurd range.
    const sync = syncProtocols(this.#chainId)
    const request = (protocol: string, data: Uint8Array) =>
      tries.push(
        this.#host.request(this.#target, protocol, data, { timeoutMs: 2000 }).then(
          () => this.#sent['bad-sync']++,
          () => this.#sent['bad-sync']++,
        ),
      )
    request(sync.blocks, randomBytes(40))
    request(sync.status, randomBytes(200))
    request(sync.blocks, encode(SyncRequest, { from: 0n, to: 2n ** 64n - 1n }))
    await Promise.all(tries)
  }

  #forge(bytes: Uint8Array): Uint8Array | null {
    let message: ConsensusMessage
    try {
      message = decodeConsensusMessage(bytes)
    } catch {
      return null
    }
    const flip = (signature: Uint8Array): Uint8Array => {
      const copy = Uint8Array.from(signature)
      copy[Math.floor(Math.random() * copy.length)]! ^= 1 << Math.floor(Math.random() * 8)
      return copy
    }
    const stranger = PrivateKey.fromSeed(randomBytes(32))
    switch (message.type) {
      case 'vote':
        return encodeConsensusMessage({
          ...message,
          vote: {
            ...message.vote,
            signature: Math.random() < 0.5 ? flip(message.vote.signature) : stranger.sign('vote', this.#chainId, randomBytes(32)),
          },
        })
      case 'proposal':
        return encodeConsensusMessage({ ...message, proposal: { ...message.proposal, signature: flip(message.proposal.signature) } })
      default:
        return null
    }
  }
}
