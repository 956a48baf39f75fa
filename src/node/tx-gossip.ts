import { decode, encode } from '../codec/index.js'
import type { Logger } from '../log/index.js'
import { TxError } from '../state/index.js'
import type { GossipVerdict } from './consensus-gossip.js'
import { AdmissionShare, batchRank } from './mempool/admission-share.js'
import { TxBatch } from './schemas.js'

/** The part of the mempool transaction gossip needs. */
export interface TxAdmission {
  /** Admits a tx or throws (a TxError for the tx's own faults, another error for pool reasons). */
  add(bytes: Uint8Array, options?: { source?: string }): { code: string }
}

/** Faults that prove the sender relayed a tx nobody should relay (stateless: true everywhere). */
const SENDER_FAULTS = new Set([
  'MALFORMED',
  'NON_CANONICAL',
  'TOO_LARGE',
  'WRONG_CHAIN',
  'BAD_SIGNATURE',
  'UNKNOWN_MESSAGE',
  'INVALID_MESSAGE',
])

const FLUSH_MS = 5
const MAX_BATCH = 500

export interface TxGossipQueueConfig {
  /** Most txs waiting for admission, over all peers; a batch beyond it is ignored unread. */
  maxQueuedTxs: number
  /** Most txs waiting from one peer, so one peer's flood cannot take the whole queue. */
  maxQueuedTxsPerPeer: number
  /** Most bytes of txs waiting, over all peers (a tx may be up to the mempool's maxTxBytes). */
  maxQueuedBytes: number
  /** Most bytes of txs waiting from one peer. */
  maxQueuedBytesPerPeer: number
  /** Admission runs in slices of about this many ms, one per turn of the event loop. */
  sliceMs: number
}

// 4,000 txs is about 0.8 s of admission at ~0.2 ms a tx: enough to ride out a burst, short
// enough that a tx is not admitted long after it was sent. A 5 ms slice keeps the wait of a
// consensus message that arrives behind queued batches near 5 ms instead of one 500-tx batch
// (~100 ms) per batch ahead of it. The byte bounds hold memory to 16 MiB when txs are large
// (4,000 transfers are ~1 MiB; 4,000 txs at a 64 KiB maxTxBytes would be 256 MiB).
export const DEFAULT_TX_GOSSIP_QUEUE: Readonly<TxGossipQueueConfig> = Object.freeze({
  maxQueuedTxs: 4000,
  maxQueuedTxsPerPeer: 2000,
  maxQueuedBytes: 16 * 1024 * 1024,
  maxQueuedBytesPerPeer: 8 * 1024 * 1024,
  sliceMs: 5,
})

/**
 * The fraction of batches (by rank) a queue this full still takes: all of them up to half full,
 * then fewer, down to none when full. Shedding by rank rather than by arrival keeps the nodes
 * that shed on nested sets of the same batches (as `AdmissionShare` does), so a proposal holds
 * transactions the other validators mostly verified already. Dropped as they come, each node
 * keeps different ones and must verify the others' when it executes the block, on the path to its
 * prevote (11.8–13.1 % of a validator's samples in a profile of 3× overload, docs/perf.md).
 */
function keptAt(fill: number): number {
  return Math.min(1, 2 * (1 - fill))
}

/** What one peer (or all of them) has waiting. */
interface QueuedCount {
  txs: number
  bytes: number
}

/** One peer's batches in arrival order, with what they still hold. */
interface PeerQueue extends QueuedCount {
  readonly batches: Queued[]
}

/** A received batch waiting for (or part way through) admission. */
interface Queued {
  readonly txs: Uint8Array[]
  readonly from: string
  next: number
  added: number
  readonly settle: (verdict: GossipVerdict) => void
}

/**
 * Transactions travel in batches (one gossip message per burst, not per tx). A received batch
 * is validated by admitting each tx to the mempool: a stateless fault (bad signature, malformed)
 * rejects the batch and lowers the sender's score; a stateful one (nonce already used, fee
 * unpaid) is nobody's fault on a live chain, so those txs are just dropped.
 *
 * Consensus goes first. A batch is queued, not admitted where it arrives: admission runs in
 * slices of `sliceMs`, one per turn of the event loop (setImmediate), so proposals and votes
 * that arrive meanwhile are handled in the next poll phase instead of behind every queued
 * batch (under overload the validators sat idle a quarter of the time waiting on each other's
 * votes, docs/perf.md). Peers are served round-robin, a batch at a time, and the queue is
 * bounded in txs and bytes, overall and per peer: past half of any bound batches are ignored
 * unread by rank (`keptAt`), beyond it all of them. While the event loop is saturated, admission also
 * takes at most its share of it (`AdmissionShare`).
 */
export class TxGossip {
  readonly #mempool: TxAdmission
  readonly #publish: (data: Uint8Array) => void
  readonly #log: Logger
  readonly #queue: Readonly<TxGossipQueueConfig>
  #pending: Uint8Array[] = []
  #timer: NodeJS.Timeout | null = null
  /** What each peer has waiting; the Map's order is the round-robin order. */
  readonly #waiting = new Map<string, PeerQueue>()
  /** Txs and their bytes waiting, over all peers. */
  readonly #queued: QueuedCount = { txs: 0, bytes: 0 }
  #drain: NodeJS.Immediate | null = null
  #stopped = false

  readonly share: AdmissionShare
  /** Batches ignored because the queue (overall or the peer's part) was too full for their rank. */
  overflowed = 0

  constructor(
    mempool: TxAdmission,
    publish: (data: Uint8Array) => void,
    log: Logger,
    share: AdmissionShare = new AdmissionShare(),
    queue: Partial<TxGossipQueueConfig> = {},
  ) {
    this.#mempool = mempool
    this.#publish = publish
    this.#log = log
    this.share = share
    this.#queue = Object.freeze({ ...DEFAULT_TX_GOSSIP_QUEUE, ...queue })
  }

  /** Txs received and not yet admitted. */
  get queued(): number {
    return this.#queued.txs
  }

  /** Bytes of the txs received and not yet admitted. */
  get queuedBytes(): number {
    return this.#queued.bytes
  }

  /** Queues a locally admitted tx for the next batch. */
  announce(tx: Uint8Array): void {
    this.#pending.push(tx)
    if (this.#pending.length >= MAX_BATCH) this.flush()
    else this.#timer ??= setTimeout(() => this.flush(), FLUSH_MS)
  }

  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    while (this.#pending.length > 0) {
      const txs = this.#pending.splice(0, MAX_BATCH)
      this.#publish(encode(TxBatch, { txs }))
    }
  }

  /** Stops announcing and admitting; batches still queued, and any that arrive later, are ignored. */
  stop(): void {
    this.#stopped = true
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    this.#pending = []
    if (this.#drain !== null) clearImmediate(this.#drain)
    this.#drain = null
    for (const peer of this.#waiting.values()) for (const batch of peer.batches) batch.settle('ignore')
    this.#waiting.clear()
    this.#queued.txs = 0
    this.#queued.bytes = 0
  }

  /**
   * The verdict on a received batch: at once when it is refused unread or does not decode,
   * otherwise once its txs have been admitted.
   */
  validate(data: Uint8Array, from: string): GossipVerdict | Promise<GossipVerdict> {
    // The node stops its tx gossip before its host: batches still arrive meanwhile.
    if (this.#stopped) return 'ignore'
    const rank = batchRank(data)
    if (!this.share.allows(rank)) return 'ignore'
    let txs: Uint8Array[]
    try {
      txs = decode(TxBatch, data).txs
    } catch {
      return 'reject'
    }
    const bytes = txs.reduce((sum, tx) => sum + tx.length, 0)
    const fromPeer = this.#waiting.get(from) ?? { batches: [], txs: 0, bytes: 0 }
    const fill = Math.max(
      (this.#queued.txs + txs.length) / this.#queue.maxQueuedTxs,
      (fromPeer.txs + txs.length) / this.#queue.maxQueuedTxsPerPeer,
      (this.#queued.bytes + bytes) / this.#queue.maxQueuedBytes,
      (fromPeer.bytes + bytes) / this.#queue.maxQueuedBytesPerPeer,
    )
    if (fill > 1 || rank >= keptAt(fill)) {
      this.overflowed++
      return 'ignore'
    }
    return new Promise<GossipVerdict>((settle) => {
      fromPeer.batches.push({ txs, from, next: 0, added: 0, settle })
      fromPeer.txs += txs.length
      fromPeer.bytes += bytes
      this.#waiting.set(from, fromPeer) // a peer new to the queue joins the round at the back
      this.#queued.txs += txs.length
      this.#queued.bytes += bytes
      this.#drain ??= setImmediate(() => this.#admitSlice())
    })
  }

  #admitSlice(): void {
    this.#drain = null
    const started = performance.now()
    const until = started + this.#queue.sliceMs
    try {
      while (this.#waiting.size > 0 && performance.now() < until) this.#admitNextBatchPart(until)
    } finally {
      this.share.spent(performance.now() - started)
      if (this.#waiting.size > 0) this.#drain = setImmediate(() => this.#admitSlice())
    }
  }

  /** Admits txs of the first peer's first batch until it ends or `until`; then that peer goes to the back. */
  #admitNextBatchPart(until: number): void {
    const [from, peer] = this.#waiting.entries().next().value as [string, PeerQueue]
    const batch = peer.batches[0]!
    const verdict = this.#admitUntil(batch, peer, until)
    if (verdict === null) return // the slice ended inside the batch: resume it next slice
    // The rest of a rejected batch leaves the queue unread.
    for (let i = batch.next; i < batch.txs.length; i++) this.#dequeue(peer, batch.txs[i]!)
    batch.next = batch.txs.length
    peer.batches.shift()
    // Deleted and set again, the peer goes to the back of the round.
    this.#waiting.delete(from)
    if (peer.batches.length > 0) this.#waiting.set(from, peer)
    batch.settle(verdict)
  }

  /** Admits the batch's txs until `until`: its verdict once done or refused, null if time ran out first. */
  #admitUntil(batch: Queued, peer: PeerQueue, until: number): GossipVerdict | null {
    while (batch.next < batch.txs.length) {
      const tx = batch.txs[batch.next]!
      batch.next++
      this.#dequeue(peer, tx)
      try {
        if (this.#mempool.add(tx, { source: batch.from }).code === 'added') batch.added++
      } catch (error) {
        if (error instanceof TxError && SENDER_FAULTS.has(error.code)) {
          this.#log.info({ peer: batch.from, code: error.code }, 'peer relayed an invalid transaction')
          return 'reject'
        }
        const cause = (error as { cause?: unknown }).cause
        if (cause instanceof TxError && SENDER_FAULTS.has(cause.code)) return 'reject'
      }
      if (batch.next < batch.txs.length && performance.now() >= until) return null
    }
    return batch.added > 0 ? 'accept' : 'ignore'
  }

  /** One of the peer's txs leaves the queue (admitted, or skipped after a fault). */
  #dequeue(peer: PeerQueue, tx: Uint8Array): void {
    this.#queued.txs--
    this.#queued.bytes -= tx.length
    peer.txs--
    peer.bytes -= tx.length
  }
}
