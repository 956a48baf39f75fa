import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { blockId as blockIdOf } from '../consensus/block.js'
import { toHex } from '../crypto/hash.js'
import { type IndexedTx, txMatches } from '../indexer/index.js'
import type { CommittedBlockEvent, RpcBackend } from './backend.js'
import { RpcError } from './errors.js'
import type { RpcLimits } from './limits.js'
import type { Session } from './session.js'
import type { EventNotification } from './api/subscriptions.js'
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
  readonly session: Session
  readonly #filter: SubscriptionFilterValue
  readonly #hub: SubscriptionHub
  nextHeight: number
  /** Blocks of its replay not delivered yet: its share of the hub's replay backlog. */
  owed: number
  /** Characters of notifications pushed so far (the replay byte budget counts them). */
  #sent = 0
  #pumping = false
  #closed = false

  constructor(
    hub: SubscriptionHub,
    session: Session,
    kind: SubscriptionKind,
    filter: SubscriptionFilterValue,
    nextHeight: number,
    owed: number,
  ) {
    this.id = randomBytes(8).toString('hex')
    this.#hub = hub
    this.session = session
    this.kind = kind
    this.#filter = filter
    this.nextHeight = nextHeight
    this.owed = owed
  }

  close(): void {
    this.#closed = true
  }

  get closed(): boolean {
    return this.#closed
  }

  /**
   * Delivers every height it has not delivered yet. Heights the hub keeps in memory go out at
   * once; older ones are a replay from the store, read a chunk at a time when the replay gate
   * grants a turn (after everything else the event loop has waiting, and within the shared
   * blocks-per-second budget), so replays never run ahead of consensus.
   */
  async pump(): Promise<void> {
    if (this.#pumping || this.#closed) return
    this.#pumping = true
    try {
      let granted = 0
      while (!this.#closed && this.nextHeight <= this.#hub.latestHeight) {
        let event: CommittedBlockEvent | null | undefined = this.#hub.recentAt(this.nextHeight)
        if (event === undefined) {
          if (granted === 0) granted = await this.#hub.replayTurn()
          if (this.#closed) break
          granted--
          event = await this.#hub.eventAt(this.nextHeight)
        }
        if (this.#closed) break
        const replayed = granted >= 0 && this.#hub.recentAt(this.nextHeight) !== event
        const sentBefore = this.#sent
        if (event === null) {
          this.#hub.log.warn({ height: this.nextHeight, subscription: this.id }, 'block missing for a subscriber; skipped')
        } else if (!this.#deliver(event)) {
          break
        }
        if (replayed) this.#hub.replaySpent(this.#sent - sentBefore)
        this.nextHeight++
        if (this.owed > 0) this.#hub.repaid(this)
      }
    } catch (error) {
      this.#hub.log.error({ err: error, subscription: this.id }, 'subscription failed')
      this.session.close(1011, 'subscription failed')
    } finally {
      this.#pumping = false
    }
  }

  #notify(height: number, seq: number, result: unknown): boolean {
    return this.#push(height, seq, JSON.stringify(result))
  }

  /** The notification with `resultJson` already serialised, in the key order JSON.stringify gives the object form. */
  #push(height: number, seq: number, resultJson: string): boolean {
    const text = `{"jsonrpc":"2.0","method":"subscription","params":{"subscription":"${this.id}","height":${height},"seq":${seq},"result":${resultJson}}}`
    this.#sent += text.length
    return this.session.push(text)
  }

  #deliver(event: CommittedBlockEvent): boolean {
    const height = event.block.header.height
    if (this.kind === 'newBlocks') return this.#push(height, 0, this.#hub.blockJson(event))
    if (this.kind === 'txs') {
      for (const record of this.#hub.txRecords(event)) {
        if (txMatches(record, this.#filter) && !this.#notify(height, record.index, record)) return false
      }
      return true
    }
    let seq = 0
    const items: [number, EventNotification][] = []
    for (const e of event.results.beginBlockEvents)
      items.push([seq++, { phase: 'begin', txHash: null, txIndex: null, event: toEventJson(e) }])
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
 * Turns for replays, one at a time in arrival order: each turn is granted from a macrotask
 * (setImmediate), so the I/O and timers already waiting — consensus messages, votes, the
 * node's own commit — run before it, and only while the shared token bucket holds a chunk of
 * blocks per second; when it is empty the next turn waits for the refill. A turn lets its replay
 * read up to `chunk` blocks from the store.
 */
class ReplayGate {
  readonly #rate: number
  readonly #byteRate: number
  readonly #chunk: number
  readonly #now: () => number
  readonly #waiting: ((granted: number) => void)[] = []
  #tokens: number
  // May go below zero: a chunk's bytes are known only once it is sent; the next turn waits for the debt.
  #byteTokens: number
  #updated: number
  #scheduled = false
  #timer: NodeJS.Timeout | undefined
  /** How often a turn had to wait for the bucket to refill. */
  waits = 0

  constructor(blocksPerSecond: number, bytesPerSecond: number, chunk: number, now: () => number) {
    this.#rate = blocksPerSecond
    this.#byteRate = bytesPerSecond
    this.#chunk = Math.max(1, Math.floor(chunk))
    this.#now = now
    this.#tokens = this.#chunk
    this.#byteTokens = bytesPerSecond
    this.#updated = now()
  }

  /** A replay sent `bytes` of notifications. */
  spent(bytes: number): void {
    this.#byteTokens -= bytes
  }

  turn(): Promise<number> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve)
      this.#schedule()
    })
  }

  stop(): void {
    clearTimeout(this.#timer)
    // Pending replays are closed by the hub; releasing them lets their pumps see that and end.
    for (const resolve of this.#waiting.splice(0)) resolve(0)
  }

  #schedule(): void {
    if (this.#scheduled || this.#waiting.length === 0) return
    this.#scheduled = true
    setImmediate(() => this.#grant())
  }

  #grant(): void {
    this.#scheduled = false
    const now = this.#now()
    const elapsed = Math.max(0, now - this.#updated)
    this.#tokens = Math.min(this.#chunk, this.#tokens + (elapsed * this.#rate) / 1000)
    this.#byteTokens = Math.min(this.#byteRate, this.#byteTokens + (elapsed * this.#byteRate) / 1000)
    this.#updated = now
    if (this.#tokens < this.#chunk || this.#byteTokens <= 0) {
      const blocksMs = ((this.#chunk - this.#tokens) * 1000) / this.#rate
      const bytesMs = ((1 - this.#byteTokens) * 1000) / this.#byteRate
      // Looks again at least every 250 ms, so a clock that jumps is noticed soon.
      const waitMs = Math.min(250, Math.ceil(Math.max(blocksMs, bytesMs, 1)))
      this.waits++
      this.#scheduled = true
      this.#timer = setTimeout(() => this.#grant(), waitMs)
      this.#timer.unref()
      return
    }
    this.#tokens -= this.#chunk
    this.#waiting.shift()?.(this.#chunk)
    this.#schedule()
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
  readonly #replayed = new Map<number, CommittedBlockEvent>()
  readonly #subscriptions = new Set<Subscription>()
  readonly #bySession = new WeakMap<Session, Map<string, Subscription>>()
  readonly #waiters = new Map<string, Set<(inclusion: TxInclusion) => void>>()
  readonly #records = new WeakMap<CommittedBlockEvent, IndexedTx[]>()
  readonly #blockJson = new WeakMap<CommittedBlockEvent, string>()
  readonly #byAddress = new Map<string, number>()
  readonly #gate: ReplayGate
  #backlog = 0
  #latest = 0
  #unlisten: (() => void) | undefined

  /** `now` (ms) paces replays; tests substitute it. */
  constructor(backend: RpcBackend, limits: RpcLimits, log: Logger, now: () => number = () => performance.now()) {
    this.#backend = backend
    this.#limits = limits
    this.log = log
    this.#gate = new ReplayGate(limits.replayBlocksPerSecond, limits.replayBytesPerSecond, limits.replayChunkBlocks, now)
  }

  /** How often a replay turn waited for the blocks-per-second budget to refill. */
  get replayWaits(): number {
    return this.#gate.waits
  }

  /** Blocks owed to replaying subscriptions, all together. */
  get replayBacklog(): number {
    return this.#backlog
  }

  /** A block's `newBlocks` JSON, serialised once however many subscribers get it. */
  blockJson(event: CommittedBlockEvent): string {
    let json = this.#blockJson.get(event)
    if (json === undefined) {
      json = JSON.stringify(blockToJson(event.block, event.blockId))
      this.#blockJson.set(event, json)
    }
    return json
  }

  /** A block the hub holds in memory (one of the most recent), or undefined. */
  recentAt(height: number): CommittedBlockEvent | undefined {
    return this.#recent.get(height)
  }

  /** Waits for a replay's turn; resolves with how many store reads it may make before asking again. */
  replayTurn(): Promise<number> {
    return this.#gate.turn()
  }

  /** One block of `subscription`'s replay was delivered. */
  repaid(subscription: Subscription): void {
    subscription.owed--
    this.#backlog--
  }

  /** A replay sent `bytes` of notifications for a block it read from the store. */
  replaySpent(bytes: number): void {
    this.#gate.spent(bytes)
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
    for (const subscription of [...this.#subscriptions]) this.#remove(subscription)
    this.#gate.stop()
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
    const recent = this.#recent.get(height) ?? this.#replayed.get(height)
    if (recent !== undefined) return recent
    const [block, results] = await Promise.all([this.#backend.blockByHeight(height), this.#backend.blockResults(height)])
    if (block === null || results === null) return null
    const event = { block, blockId: blockIdOf(block.header), results }
    // Replays of one flood tend to walk the same heights: read and serialise each once.
    this.#replayed.set(height, event)
    if (this.#replayed.size > RECENT_BLOCKS) this.#replayed.delete(this.#replayed.keys().next().value!)
    return event
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

  subscribe(
    session: Session,
    kind: SubscriptionKind,
    filter: SubscriptionFilterValue,
    fromHeight: number | undefined,
    earliestHeight: number,
  ): { subscription: string; nextHeight: number } {
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
    const limits = this.#limits
    if (mine.size >= limits.maxSubscriptionsPerClient) {
      throw new RpcError(
        'TOO_MANY_SUBSCRIPTIONS',
        { limit: limits.maxSubscriptionsPerClient, scope: 'connection' },
        `at most ${limits.maxSubscriptionsPerClient} subscriptions per connection`,
      )
    }
    const byAddress = this.#byAddress.get(session.address) ?? 0
    if (byAddress >= limits.maxSubscriptionsPerIp) {
      throw new RpcError(
        'TOO_MANY_SUBSCRIPTIONS',
        { limit: limits.maxSubscriptionsPerIp, scope: 'ip' },
        `at most ${limits.maxSubscriptionsPerIp} subscriptions per client address`,
      )
    }
    const earliest = Math.max(earliestHeight, this.#latest - limits.maxReplayBlocks + 1, 1)
    if (fromHeight !== undefined && fromHeight < earliest) {
      throw new RpcError(
        'HEIGHT_UNAVAILABLE',
        { height: fromHeight, earliest, latest: this.#latest },
        `replay reaches back to height ${earliest} at most`,
      )
    }
    const owed = fromHeight === undefined ? 0 : Math.max(0, this.#latest - fromHeight + 1)
    if (owed > 0 && this.#backlog + owed > limits.replayBacklogBlocks) {
      throw new RpcError(
        'REPLAY_BUSY',
        { requested: owed, outstanding: this.#backlog, limit: limits.replayBacklogBlocks },
        `the server owes replays ${this.#backlog} blocks already; ${owed} more would pass ${limits.replayBacklogBlocks}`,
      )
    }
    const subscription = new Subscription(this, session, kind, filter, fromHeight ?? this.#latest + 1, owed)
    mine.set(subscription.id, subscription)
    this.#subscriptions.add(subscription)
    this.#byAddress.set(session.address, byAddress + 1)
    this.#backlog += owed
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
    if (!this.#subscriptions.delete(subscription)) return
    subscription.close()
    this.#backlog -= subscription.owed
    subscription.owed = 0
    const address = subscription.session.address
    const left = (this.#byAddress.get(address) ?? 1) - 1
    if (left > 0) this.#byAddress.set(address, left)
    else this.#byAddress.delete(address)
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

export type { EventNotification }
