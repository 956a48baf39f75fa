import { decode } from '../../codec/index.js'
import { PublicKey, toHex } from '../../crypto/index.js'
import { type Logger, logger } from '../../log/index.js'
import {
  type Application,
  type CheckTxResult,
  type CheckedTx,
  CheckState,
  type StagedCheck,
  Tx,
  TxError,
  type TxErrorCode,
  type TxValue,
  type WrittenKeys,
  txHash,
} from '../../state/index.js'
import { type MempoolConfig, mempoolConfig } from './config.js'
import { MempoolError } from './errors.js'
import { BinaryHeap } from './heap.js'
import { LruMap } from './lru.js'
import { compareForBlock, comparePriority } from './priority.js'

/** Lowercase hex SHA-256 of a transaction's bytes. */
export type TxHash = string

/** A pending transaction as the node, RPC and gossip see it. */
export interface MempoolTx {
  readonly hash: TxHash
  /** Bech32 address of the signer. */
  readonly sender: string
  readonly nonce: bigint
  readonly fee: bigint
  readonly gasWanted: bigint
  readonly bytes: Uint8Array
  /** The committed height when it was admitted; its TTL counts from there. */
  readonly height: number
  /** Arrival order in this pool: breaks priority ties. */
  readonly seq: number
  /** Peers it came from, so gossip does not send it back to them; empty when it came from RPC. */
  readonly sources: ReadonlySet<string>
}

/** A pending transaction with what admission decoded and checked of it (shared: not to be mutated). */
export interface AdmittedTx extends MempoolTx {
  readonly tx: CheckedTx
}

interface PoolEntry extends AdmittedTx {
  readonly sources: Set<string>
}

export interface AddOptions {
  /** The peer that gossiped it; absent for local submissions (RPC). */
  source?: string
}

export interface AddResult {
  hash: TxHash
  /** `duplicate`: already pending; nothing changed except that `source` was recorded. */
  code: 'added' | 'duplicate'
  /** Transactions evicted to make room, lowest priority first. */
  evicted: TxHash[]
}

/** Bounds for one block; an absent bound is no bound. */
export interface ReapLimits {
  maxBytes?: number
  maxGas?: bigint
  maxTxs?: number
}

export interface UpdateResult {
  /** How many pending transactions the block included. */
  included: number
  /** Dropped for being pending longer than `ttlBlocks`. */
  expired: TxHash[]
  /** Dropped because they no longer pass the ante against the new state, with the reason. */
  dropped: { hash: TxHash; code: TxErrorCode }[]
}

export type AddedListener = (tx: AdmittedTx, source: string | undefined) => void

/**
 * What the hash cache remembers. `verified`: passed the stateless checks here (so block
 * execution may skip its signature). `committed`: seen in a block without passing through this
 * pool. `invalid`: failed a check that no later state can change, with the verdict.
 */
type SeenRecord = { kind: 'verified' } | { kind: 'committed' } | { kind: 'invalid'; error: TxError }

const normalize = (hash: TxHash | Uint8Array): TxHash => (typeof hash === 'string' ? hash.toLowerCase() : toHex(hash))

/**
 * Pending transactions between blocks (CometBFT's mempool with Cosmos SDK's CheckTx state).
 *
 * Each sender's transactions form a queue in nonce order, contiguous from its committed
 * nonce: admission checks every transaction against the committed state plus the ante effects
 * of the sender's earlier pending ones, so nothing admitted depends on a transaction that is
 * not pending. Every removal keeps that true: blocks remove their transactions and the rest are
 * re-checked, eviction only ever takes a sender's last transaction, and a failed re-check
 * drops the sender's later transactions with it (they no longer follow a pending nonce).
 *
 * Priority is fee per gas (see `comparePriority`); ties go to the earlier arrival, then the
 * lower hash, so two pools fed the same sequence order their blocks the same way.
 */
export class Mempool {
  readonly config: Readonly<MempoolConfig>
  readonly #app: Application
  readonly #checkState: CheckState
  readonly #log: Logger
  readonly #byHash = new Map<TxHash, PoolEntry>()
  readonly #bySender = new Map<string, PoolEntry[]>()
  // Senders' last transactions, worst first: the eviction candidates. Lazy: an entry that is no
  // longer its sender's last is skipped when popped, and the heap is rebuilt when mostly stale.
  #tails: BinaryHeap<PoolEntry>
  readonly #seen: LruMap<TxHash, SeenRecord>
  readonly #listeners = new Set<AddedListener>()
  #height: number
  #seq = 0
  #bytes = 0
  // The block size the last proposal asked for; the pool's count bound follows it (maxPendingBlocks).
  #blockTxs = Number.POSITIVE_INFINITY

  constructor(app: Application, config: Partial<MempoolConfig> = {}, options: { logger?: Logger } = {}) {
    this.config = Object.freeze(mempoolConfig(config))
    this.#app = app
    this.#checkState = new CheckState(app)
    this.#log = options.logger ?? logger('mempool')
    this.#seen = new LruMap(this.config.cacheSize)
    this.#tails = this.#buildTails()
    this.#height = app.height
  }

  /** Number of pending transactions. */
  get size(): number {
    return this.#byHash.size
  }

  /** Total bytes of pending transactions. */
  get bytes(): number {
    return this.#bytes
  }

  /** The most transactions the pool holds now: maxTxs, or maxPendingBlocks proposals' worth if less. */
  get maxTxs(): number {
    return Math.min(this.config.maxTxs, this.config.maxPendingBlocks * this.#blockTxs)
  }

  /** The committed height the pool was last updated to. */
  get height(): number {
    return this.#height
  }

  has(hash: TxHash | Uint8Array): boolean {
    return this.#byHash.has(normalize(hash))
  }

  get(hash: TxHash | Uint8Array): MempoolTx | undefined {
    return this.#byHash.get(normalize(hash))
  }

  /**
   * Whether these exact bytes passed the stateless checks (signature included) here: pending, or
   * recently admitted and still remembered. Block execution may skip re-verifying those.
   */
  verified(hash: TxHash | Uint8Array): boolean {
    const id = normalize(hash)
    return this.#byHash.has(id) || this.#seen.peek(id)?.kind === 'verified'
  }

  /** The decoded, statelessly checked form of a pending transaction (block execution reuses it). */
  checked(hash: TxHash | Uint8Array): CheckedTx | undefined {
    return this.#byHash.get(normalize(hash))?.tx
  }

  /** The nonce a sender's next transaction must carry to be admitted. */
  nextNonce(sender: string): bigint {
    return this.#checkState.nextNonce(sender)
  }

  /** Calls `listener` after each admission (the node gossips from here); returns the unsubscribe. */
  onAdded(listener: AddedListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /**
   * Admits a transaction, or throws MempoolError and leaves the pool as it was: TX_TOO_LARGE,
   * DUPLICATE (committed recently), FULL, HEIGHT_MISMATCH (a commit was not followed by
   * `update`), or the check's own TxError code (REPLAYED, NONCE_TOO_HIGH, INSUFFICIENT_FEE,
   * BAD_SIGNATURE, ...). A transaction already pending is not an error: it returns `duplicate`.
   * When the pool is full, FULL and NONCE_TOO_HIGH are answered before the signature is
   * verified (see `#refuseWhileFull`), so those two may hide a bad signature.
   */
  add(bytes: Uint8Array, options: AddOptions = {}): AddResult {
    this.#assertCurrent()
    if (bytes.length > this.config.maxTxBytes) {
      throw new MempoolError('TX_TOO_LARGE', `transaction is ${bytes.length} bytes, the mempool takes at most ${this.config.maxTxBytes}`, {
        size: bytes.length,
        limit: this.config.maxTxBytes,
      })
    }
    const hash = toHex(txHash(bytes))
    const pending = this.#byHash.get(hash)
    if (pending !== undefined) {
      if (options.source !== undefined) pending.sources.add(options.source)
      return { hash, code: 'duplicate', evicted: [] }
    }
    // The cache answers before any signature is verified: that is what makes gossip cheap.
    const seen = this.#seen.get(hash)
    if (seen?.kind === 'invalid') throw MempoolError.rejected(seen.error, hash, true)
    if (seen !== undefined) throw new MempoolError('DUPLICATE', `transaction ${hash} was committed recently`, { hash })
    if (this.size >= this.maxTxs || this.#bytes + bytes.length > this.config.maxBytes) this.#refuseWhileFull(bytes, hash)

    let tx: CheckedTx
    try {
      tx = this.#checkState.checkStateless(bytes)
    } catch (error) {
      if (!(error instanceof TxError)) throw error
      // No later state makes these bytes valid, so the verdict is worth remembering.
      this.#seen.set(hash, { kind: 'invalid', error })
      throw MempoolError.rejected(error, hash)
    }
    let staged: StagedCheck
    try {
      staged = this.#checkState.stage(tx)
    } catch (error) {
      if (!(error instanceof TxError)) throw error
      throw MempoolError.rejected(error, hash)
    }
    const victims = this.#planEvictions(staged.result)
    if (victims === undefined) throw this.#full(hash)
    for (const victim of victims) this.#evict(victim)
    staged.commit()
    const entry = this.#insert(staged.result, hash, options.source)
    this.#seen.set(hash, { kind: 'verified' })
    if (victims.length > 0) this.#log.debug({ hash, evicted: victims.map((v) => v.hash) }, 'evicted lower-priority transactions')
    this.#notify(entry, options.source)
    return { hash, code: 'added', evicted: victims.map((victim) => victim.hash) }
  }

  /**
   * Transactions for a block proposal, best first, without removing them: repeatedly the
   * highest-priority head among all senders' queues, so each sender's transactions stay in
   * nonce order. A head that would break a bound is skipped together with the rest of its
   * sender's queue (they cannot go without it), and filling continues with other senders.
   * Its maxTxs is remembered as the block size the pool's count bound follows (`maxTxs`).
   */
  reap(limits: ReapLimits = {}): Uint8Array[] {
    if (limits.maxTxs !== undefined && Number.isSafeInteger(limits.maxTxs) && limits.maxTxs > 0) this.#blockTxs = limits.maxTxs
    return this.#select(limits).map((entry) => entry.bytes)
  }

  /** Up to `limit` pending transactions in the order `reap` would take them (RPC `mempool_pending`). */
  pending(limit = Number.POSITIVE_INFINITY): MempoolTx[] {
    return this.#select({ maxTxs: limit })
  }

  /**
   * Called after every commit, with the committed block's height and transactions (a height
   * above the application's or below the last update is HEIGHT_MISMATCH): removes those, drops
   * transactions pending longer than `ttlBlocks`, then re-checks every remaining transaction
   * against the new committed state in (sender, nonce) order, dropping those that fail. A
   * failure leaves the sender's nonce where it was, so its later transactions fail too and no
   * gap remains; one that fails REPLAYED (its nonce was used by another committed transaction)
   * leaves the slot filled, so the sender's next transaction may still pass.
   */
  update(height: number, committedTxs: readonly Uint8Array[], writtenKeys?: WrittenKeys): UpdateResult {
    // A late update (the application already a block further) is still sound: everything is
    // re-checked against what is committed now, and the next update catches up.
    if (height > this.#app.height || height < this.#height) {
      throw new MempoolError(
        'HEIGHT_MISMATCH',
        `update for height ${height}, but the application has committed ${this.#app.height} and the mempool was at ${this.#height}`,
        {
          height,
          expected: this.#app.height,
        },
      )
    }
    // The written keys describe one block: they say what changed only if that block is the one
    // step from what the pool was checked against to what is committed now.
    const oneStep = height === this.#height + 1 && height === this.#app.height
    this.#height = height
    const gone = new Set<PoolEntry>()
    let included = 0
    for (const bytes of committedTxs) {
      const hash = toHex(txHash(bytes))
      const entry = this.#byHash.get(hash)
      if (entry !== undefined) {
        if (!gone.has(entry)) included++
        gone.add(entry)
      } else if (!this.#seen.has(hash)) {
        this.#seen.set(hash, { kind: 'committed' })
      }
    }
    const expired: TxHash[] = []
    if (this.config.ttlBlocks > 0) {
      for (const entry of this.#byHash.values()) {
        if (gone.has(entry) || height - entry.height <= this.config.ttlBlocks) continue
        gone.add(entry)
        expired.push(entry.hash)
        this.#seen.delete(entry.hash)
      }
    }

    const dropped: UpdateResult['dropped'] = []
    // With the block's written keys, only senders whose checks read one of them are re-checked
    // (CheckState.rebase); without, everyone is.
    let affected: Set<string> | null = null
    if (writtenKeys === undefined || !oneStep) this.#checkState.reset()
    else affected = this.#checkState.rebase(writtenKeys)
    for (const sender of [...this.#bySender.keys()].sort()) {
      const queue = this.#bySender.get(sender)!
      if (affected !== null && !affected.has(sender)) {
        if (!queue.some((entry) => gone.has(entry))) continue
        this.#checkState.forget(sender)
      }
      const kept: PoolEntry[] = []
      for (const entry of queue) {
        if (gone.has(entry)) {
          this.#forget(entry)
          continue
        }
        try {
          this.#checkState.recheck(entry.tx)
          kept.push(entry)
        } catch (error) {
          if (!(error instanceof TxError)) throw error
          this.#forget(entry)
          dropped.push({ hash: entry.hash, code: error.code })
          // A nonce below the committed one stays below it; any other failure may pass later.
          if (error.code === 'REPLAYED') this.#seen.set(entry.hash, { kind: 'invalid', error })
          else this.#seen.delete(entry.hash)
        }
      }
      if (kept.length === 0) this.#bySender.delete(sender)
      else this.#bySender.set(sender, kept)
    }
    this.#tails = this.#buildTails()
    this.#log.debug({ height, included, expired: expired.length, dropped: dropped.length, size: this.size }, 'mempool updated')
    return { included, expired, dropped }
  }

  #full(hash: TxHash): MempoolError {
    return new MempoolError(
      'FULL',
      `mempool holds ${this.size} transactions in ${this.#bytes} bytes and nothing of lower priority it may evict`,
      {
        hash,
        size: this.size,
        limit: this.maxTxs,
        bytes: this.#bytes,
        maxBytes: this.config.maxBytes,
      },
    )
  }

  /**
   * A full pool refuses before the signature is verified wherever the answer cannot depend on
   * it. Under overload most arrivals are refused, and verifying each one first spends the CPU
   * the pool's own transactions need to get into blocks (issue 16: offered 3× capacity, a
   * validator spent most of its time verifying transactions it then refused). The nonce and the
   * bid are read from a plain decode: a nonce ahead of the sender's next one is NONCE_TOO_HIGH
   * (the usual trail of one refused transaction: the sender's later ones), and a bid no higher
   * than the lowest evictable one is FULL (`#planEvictions` would find no victim: every other
   * sender's last transaction pays at least that). Anything else, including bytes that do not
   * decode, takes the full path, which names its fault.
   */
  #refuseWhileFull(bytes: Uint8Array, hash: TxHash): void {
    let body: TxValue['body']
    let sender: string
    try {
      body = decode(Tx, bytes, { maxBytes: this.config.maxTxBytes }).body
      sender = PublicKey.fromBytes(body.signer).address
    } catch {
      return
    }
    if (body.chainId !== this.#app.chainId) return
    const next = this.#checkState.nextNonce(sender)
    if (body.nonce > next) {
      const error = new TxError('NONCE_TOO_HIGH', `nonce ${body.nonce} is ahead of the account (next is ${next})`, {
        txHash: hash,
        expected: String(next),
        actual: String(body.nonce),
      })
      throw MempoolError.rejected(error, hash)
    }
    const worst = this.#worstTail()
    if (worst !== undefined && comparePriority({ fee: body.fee, gasWanted: body.gasLimit }, worst) <= 0) throw this.#full(hash)
  }

  /** The lowest-priority sender's last transaction; drops stale heap entries on the way, as `#planEvictions` does. */
  #worstTail(): PoolEntry | undefined {
    let top = this.#tails.peek()
    while (top !== undefined && !this.#isTail(top)) {
      this.#tails.pop()
      top = this.#tails.peek()
    }
    return top
  }

  #assertCurrent(): void {
    if (this.#app.height !== this.#height) {
      throw new MempoolError(
        'HEIGHT_MISMATCH',
        `the application committed height ${this.#app.height}; the mempool needs update() before it admits anything`,
        {
          height: this.#height,
          expected: this.#app.height,
        },
      )
    }
  }

  #insert(result: CheckTxResult, hash: TxHash, source: string | undefined): PoolEntry {
    const entry: PoolEntry = {
      hash,
      sender: result.sender,
      nonce: result.nonce,
      fee: result.fee,
      gasWanted: result.gasWanted,
      bytes: result.bytes,
      height: this.#height,
      seq: this.#seq++,
      sources: new Set(source === undefined ? [] : [source]),
      tx: result.tx,
    }
    let queue = this.#bySender.get(entry.sender)
    if (queue === undefined) {
      queue = []
      this.#bySender.set(entry.sender, queue)
    }
    queue.push(entry)
    this.#byHash.set(hash, entry)
    this.#bytes += entry.bytes.length
    this.#tails.push(entry)
    this.#compactTails()
    return entry
  }

  #forget(entry: PoolEntry): void {
    this.#byHash.delete(entry.hash)
    this.#bytes -= entry.bytes.length
  }

  #compactTails(): void {
    if (this.#tails.size > 2 * this.#bySender.size + 64) this.#tails = this.#buildTails()
  }

  #buildTails(): BinaryHeap<PoolEntry> {
    const tails: PoolEntry[] = []
    for (const queue of this.#bySender.values()) tails.push(queue[queue.length - 1]!)
    return new BinaryHeap((a, b) => compareForBlock(b, a) < 0, tails)
  }

  /** Whether `entry` is pending and its sender's last, with `lengths` overriding queue lengths. */
  #isTail(entry: PoolEntry, lengths?: Map<string, number>): boolean {
    const queue = this.#bySender.get(entry.sender)
    if (queue === undefined || this.#byHash.get(entry.hash) !== entry) return false
    const length = lengths?.get(entry.sender) ?? queue.length
    return length > 0 && queue[length - 1] === entry
  }

  /**
   * Which transactions to evict so `incoming` fits: [] when it fits as is, undefined when it
   * cannot. Each victim is the lowest-priority last transaction of some other sender (so no
   * nonce gap opens), and must have strictly lower priority than `incoming`; taking one makes
   * its predecessor a candidate. Nothing is removed here, and the heap is left as it was.
   */
  #planEvictions(incoming: CheckTxResult): PoolEntry[] | undefined {
    const { maxTxs } = this
    const { maxBytes } = this.config
    let size = this.size + 1
    let bytes = this.#bytes + incoming.bytes.length
    if (size <= maxTxs && bytes <= maxBytes) return []
    const victims: PoolEntry[] = []
    const popped = new Set<PoolEntry>()
    const lengths = new Map<string, number>()
    let fits = true
    while (size > maxTxs || bytes > maxBytes) {
      const worst = this.#tails.pop()
      if (worst === undefined) {
        fits = false
        break
      }
      if (this.#isTail(worst)) popped.add(worst)
      if (!this.#isTail(worst, lengths) || worst.sender === incoming.sender) continue
      if (comparePriority(incoming, worst) <= 0) {
        fits = false
        break
      }
      victims.push(worst)
      const queue = this.#bySender.get(worst.sender)!
      const length = (lengths.get(worst.sender) ?? queue.length) - 1
      lengths.set(worst.sender, length)
      if (length > 0) this.#tails.push(queue[length - 1]!)
      size--
      bytes -= worst.bytes.length
    }
    const evicted = new Set(fits ? victims : [])
    for (const entry of popped) if (!evicted.has(entry)) this.#tails.push(entry)
    this.#compactTails()
    return fits ? victims : undefined
  }

  /** Removes a sender's last transaction and undoes its ante effects in the check state. */
  #evict(entry: PoolEntry): void {
    const queue = this.#bySender.get(entry.sender)!
    if (queue[queue.length - 1] !== entry) throw new Error(`evicting ${entry.hash}, which is not the last transaction of ${entry.sender}`)
    queue.pop()
    if (queue.length === 0) this.#bySender.delete(entry.sender)
    this.#checkState.revertLast(entry.sender)
    this.#forget(entry)
    // Evicted for room, not for being wrong: it may come back when there is room.
    this.#seen.delete(entry.hash)
  }

  #select(limits: ReapLimits): PoolEntry[] {
    const maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY
    const maxTxs = limits.maxTxs ?? Number.POSITIVE_INFINITY
    const maxGas = limits.maxGas
    interface Cursor {
      queue: PoolEntry[]
      index: number
    }
    const heads = new BinaryHeap<Cursor>(
      (a, b) => compareForBlock(a.queue[a.index]!, b.queue[b.index]!) < 0,
      [...this.#bySender.values()].map((queue) => ({ queue, index: 0 })),
    )
    const out: PoolEntry[] = []
    let bytes = 0
    let gas = 0n
    while (out.length < maxTxs) {
      const cursor = heads.pop()
      if (cursor === undefined) break
      const entry = cursor.queue[cursor.index]!
      if (bytes + entry.bytes.length > maxBytes || (maxGas !== undefined && gas + entry.gasWanted > maxGas)) continue
      out.push(entry)
      bytes += entry.bytes.length
      gas += entry.gasWanted
      if (++cursor.index < cursor.queue.length) heads.push(cursor)
    }
    return out
  }

  #notify(entry: PoolEntry, source: string | undefined): void {
    for (const listener of this.#listeners) {
      try {
        listener(entry, source)
      } catch (error) {
        // The transaction is admitted whatever a listener does; its failure is the listener's.
        this.#log.warn({ err: error, hash: entry.hash }, 'mempool listener failed')
      }
    }
  }
}
