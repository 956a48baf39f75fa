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

/**
 * Transactions travel in batches (one gossip message per burst, not per tx). A received batch
 * is validated by admitting each tx to the mempool: a stateless fault (bad signature, malformed)
 * rejects the batch and lowers the sender's score; a stateful one (nonce already used, fee
 * unpaid) is nobody's fault on a live chain, so those txs are just dropped. While the event loop
 * is saturated, admission takes at most its share of it (`AdmissionShare`); batches beyond that
 * are ignored unread, so consensus keeps the rest.
 */
export class TxGossip {
  readonly #mempool: TxAdmission
  readonly #publish: (data: Uint8Array) => void
  readonly #log: Logger
  #pending: Uint8Array[] = []
  #timer: NodeJS.Timeout | null = null

  readonly share: AdmissionShare

  constructor(mempool: TxAdmission, publish: (data: Uint8Array) => void, log: Logger, share: AdmissionShare = new AdmissionShare()) {
    this.#mempool = mempool
    this.#publish = publish
    this.#log = log
    this.share = share
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

  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    this.#pending = []
  }

  validate(data: Uint8Array, from: string): GossipVerdict {
    if (!this.share.allows(batchRank(data))) return 'ignore'
    return this.share.measure(() => this.#admit(data, from))
  }

  #admit(data: Uint8Array, from: string): GossipVerdict {
    let txs: Uint8Array[]
    try {
      txs = decode(TxBatch, data).txs
    } catch {
      return 'reject'
    }
    let added = 0
    for (const tx of txs) {
      try {
        if (this.#mempool.add(tx, { source: from }).code === 'added') added++
      } catch (error) {
        if (error instanceof TxError && SENDER_FAULTS.has(error.code)) {
          this.#log.info({ peer: from, code: error.code }, 'peer relayed an invalid transaction')
          return 'reject'
        }
        const cause = (error as { cause?: unknown }).cause
        if (cause instanceof TxError && SENDER_FAULTS.has(cause.code)) return 'reject'
      }
    }
    return added > 0 ? 'accept' : 'ignore'
  }
}
