import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { blockId as blockIdOf } from '../consensus/block.js'
import { toHex } from '../crypto/hash.js'
import { type IndexedTx, txMatches } from '../indexer/index.js'
import type { CommittedBlockEvent, RpcBackend } from './backend.js'
import { RpcError } from './errors.js'
import type { RpcLimits } from './limits.js'
import type { Session } from './session.js'
import { type EventJsonValue, type TxResultJsonValue, blockToJson, txResultToJson } from './shapes.js'

export type SubscriptionKind = 'newBlocks' | 'txs' | 'events'

export interface SubscriptionFilterValue {
  signer?: string
  messageType?: string
  event?: { type: string; key: string; value: string }
  type?: string
  attributes?: Record<string, string>
}

/** One item of an `events` stream. */
export interface EventNotification {
  phase: 'begin' | 'tx' | 'end'
  txHash: string | null
  txIndex: number | null
  event: EventJsonValue
}

export interface TxInclusion {
  height: number
  index: number
  result: TxResultJsonValue
}

/** How many committed blocks the hub keeps in memory for subscribers catching up. */
const RECENT_BLOCKS = 64

function eventMatches(event: EventJsonValue, filter: SubscriptionFilterValue): boolean {
  if (filter.type !== undefined && event.type !== filter.type) return false
  for (const [key, value] of Object.entries(filter.attributes ?? {})) {
    if (!event.attributes.some((a) => a.key === key && a.value === value)) return false
  }
  return true
}

const toEventJson = (e: CommittedBlockEvent['results']['beginBlockEvents'][number]): EventJsonValue => ({
  type: e.type,
  attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })),
})

/**
 * A stream of one kind for one WebSocket. It delivers every height from `nextHeight` on, in
 * order, each exactly once: from the hub's recent blocks or, when replaying, from the backend.
 * Each notification carries (height, seq), seq being the item's fixed position within its
 * block (tx index, or event ordinal), so a client resuming from a height can drop repeats.
 */
class Subscription {
  readonly id: string
  readonly kind: SubscriptionKind
  readonly #filter: SubscriptionFilterValue
  readonly #session: Session
  readonly #hub: SubscriptionHub
  nextHeight: number
  #pumping = false
  #closed = false

  constructor(hub: SubscriptionHub, session: Session, kind: SubscriptionKind, filter: SubscriptionFilterValue, nextHeight: number) {
    this.id = randomBytes(8).toString('hex')
    this.#hub = hub
    this.#session = session
    this.kind = kind
    this.#filter = filter
    this.nextHeight = nextHeight
  }

  close(): void {
    this.#closed = true
  }

  async pump(): Promise<void> {
    if (this.#pumping || this.#closed) return
    this.#pumping = true
    try {
      while (!this.#closed && this.nextHeight <= this.#hub.latestHeight) {
        const event = await this.#hub.eventAt(this.nextHeight)
        if (this.#closed) break
        if (event === null) {
          this.#hub.log.warn({ height: this.nextHeight, subscription: this.id }, 'block missing for a subscriber; skipped')
        } else if (!this.#deliver(event)) {
          break
        }
        this.nextHeight++
      }
    } catch (error) {
      this.#hub.log.error({ err: error, subscription: this.id }, 'subscription failed')
      this.#session.close(1011, 'subscription failed')
    } finally {
      this.#pumping = false
    }
  }

  #notify(height: number, seq: number, result: unknown): boolean {
    return this.#session.push(`{"jsonrpc":"2.0","method":"subscription","params":${JSON.stringify({ subscription: this.id, height, seq, result })}}`)
  }

  #deliver(event: CommittedBlockEvent): boolean {
    const height = event.block.header.height
    if (this.kind === 'newBlocks') return this.#notify(height, 0, blockToJson(event.block, event.blockId))
    if (this.kind === 'txs') {
      for (const record of this.#hub.txRecords(event)) {
        if (txMatches(record, this.#filter) && !this.#notify(height, record.index, record)) return false
      }
      return true
    }
    let seq = 0
    const items: [number, EventNotification][] = []
    for (const e of event.results.beginBlockEvents) items.push([seq++, { phase: 'begin', txHash: null, txIndex: null, event: toEventJson(e) }])
    event.results.txResults.forEach((r, txIndex) => {
      const txHash = toHex(r.hash)
      for (const e of r.events) items.push([seq++, { phase: 'tx', txHash, txIndex, event: toEventJson(e) }])
    })
    for (const e of event.results.endBlockEvents) items.push([seq++, { phase: 'end', txHash: null, txIndex: null, event: toEventJson(e) }])
    for (const [n, item] of items) if (eventMatches(item.event, this.#filter) && !this.#notify(height, n, item)) return false
    return true
  }
}

/**
 * Fans committed blocks out to subscriptions and to tx_broadcast commit waiters, from one
 * backend listener. Keeps the last few blocks so live subscribers never go to the backend.
 */
export class SubscriptionHub {
  readonly log: Logger
  readonly #backend: RpcBackend
  readonly #limits: RpcLimits
  readonly #recent = new Map<number, CommittedBlockEvent>()
  readonly #subscriptions = new Set<Subscription>()
  readonly #bySession = new WeakMap<Session, Map<string, Subscription>>()
  readonly #waiters = new Map<string, Set<(inclusion: TxInclusion) => void>>()
  readonly #records = new WeakMap<CommittedBlockEvent, IndexedTx[]>()
  #latest = 0
  #unlisten: (() => void) | undefined

  constructor(backend: RpcBackend, limits: RpcLimits, log: Logger) {
    this.#backend = backend
    this.#limits = limits
    this.log = log
  }

  async start(): Promise<void> {
    this.#unlisten = this.#backend.onCommittedBlock((event) => {
      // Called from the node's commit path: nothing here may throw into it.
      try {
        this.#onBlock(event)
      } catch (error) {
        this.log.error({ err: error, height: event.block.header.height }, 'fanning out a committed block failed')
      }
    })
    const status = await this.#backend.status()
    this.#latest = Math.max(this.#latest, status.latestHeight)
  }

  stop(): void {
    this.#unlisten?.()
    for (const subscription of this.#subscriptions) subscription.close()
    this.#subscriptions.clear()
  }

  get latestHeight(): number {
    return this.#latest
  }

  get subscriptionCount(): number {
    return this.#subscriptions.size
  }

  /** The transaction records of a block, computed once however many subscribers want them. */
  txRecords(event: CommittedBlockEvent): IndexedTx[] {
    let records = this.#records.get(event)
    if (records === undefined) {
      records = this.#backend.txIndex.records(event.block, event.results)
      this.#records.set(event, records)
    }
    return records
  }

  async eventAt(height: number): Promise<CommittedBlockEvent | null> {
    const recent = this.#recent.get(height)
    if (recent !== undefined) return recent
    const [block, results] = await Promise.all([this.#backend.blockByHeight(height), this.#backend.blockResults(height)])
    if (block === null || results === null) return null
    return { block, blockId: blockIdOf(block.header), results }
  }

  #onBlock(event: CommittedBlockEvent): void {
    const height = event.block.header.height
    this.#latest = Math.max(this.#latest, height)
    this.#recent.set(height, event)
    this.#recent.delete(height - RECENT_BLOCKS)
    if (this.#waiters.size > 0) {
      event.results.txResults.forEach((r, index) => {
        const waiting = this.#waiters.get(toHex(r.hash))
        if (waiting === undefined) return
        const inclusion = { height, index, result: txResultToJson(r) }
        for (const resolve of waiting) resolve(inclusion)
      })
    }
    for (const subscription of this.#subscriptions) void subscription.pump()
  }

  subscribe(session: Session, kind: SubscriptionKind, filter: SubscriptionFilterValue, fromHeight: number | undefined, earliestHeight: number): { subscription: string; nextHeight: number } {
    let mine = this.#bySession.get(session)
    if (mine === undefined) {
      mine = new Map()
      this.#bySession.set(session, mine)
      const owned = mine
      session.onClose(() => {
        for (const subscription of owned.values()) this.#remove(subscription)
        owned.clear()
      })
    }
    if (mine.size >= this.#limits.maxSubscriptionsPerClient) {
      throw new RpcError('TOO_MANY_SUBSCRIPTIONS', { limit: this.#limits.maxSubscriptionsPerClient }, `at most ${this.#limits.maxSubscriptionsPerClient} subscriptions per connection`)
    }
    const earliest = Math.max(earliestHeight, this.#latest - this.#limits.maxReplayBlocks + 1, 1)
    if (fromHeight !== undefined && fromHeight < earliest) {
      throw new RpcError('HEIGHT_UNAVAILABLE', { height: fromHeight, earliest, latest: this.#latest }, `replay reaches back to height ${earliest} at most`)
    }
    const subscription = new Subscription(this, session, kind, filter, fromHeight ?? this.#latest + 1)
    mine.set(subscription.id, subscription)
    this.#subscriptions.add(subscription)
    // After the subscribe response has gone out (it is sent from microtasks), so the client
    // learns the id before the first notification.
    setImmediate(() => void subscription.pump())
    return { subscription: subscription.id, nextHeight: subscription.nextHeight }
  }

  unsubscribe(session: Session, id: string): boolean {
    const subscription = this.#bySession.get(session)?.get(id)
    if (subscription === undefined) return false
    this.#bySession.get(session)!.delete(id)
    this.#remove(subscription)
    return true
  }

  #remove(subscription: Subscription): void {
    subscription.close()
    this.#subscriptions.delete(subscription)
  }

  /**
   * Resolves when a block includes `hash`. Register before submitting, so an inclusion in the
   * very next block cannot be missed. Rejects with TIMEOUT, or UNAVAILABLE if `signal` aborts.
   */
  waitForTx(hash: string, timeoutMs: number, signal: AbortSignal): { included: Promise<TxInclusion>; cancel(): void } {
    let cancel = () => {}
    const included = new Promise<TxInclusion>((resolve, reject) => {
      const set = this.#waiters.get(hash) ?? new Set()
      this.#waiters.set(hash, set)
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', aborted)
        set.delete(onIncluded)
        if (set.size === 0) this.#waiters.delete(hash)
      }
      const onIncluded = (inclusion: TxInclusion) => {
        done()
        resolve(inclusion)
      }
      const aborted = () => {
        done()
        reject(new RpcError('UNAVAILABLE', {}, 'the connection or the server closed while waiting'))
      }
      const timer = setTimeout(() => {
        done()
        reject(new RpcError('TIMEOUT', { hash, timeoutMs }, `not included within ${timeoutMs} ms`))
      }, timeoutMs)
      set.add(onIncluded)
      cancel = done
      if (signal.aborted) aborted()
      else signal.addEventListener('abort', aborted, { once: true })
    })
    return { included, cancel: () => cancel() }
  }
}
