import { Level } from 'level'
import { concatBytes } from '../bytes.js'
import { decode, decodeStored, encode, peekStructTag, t } from '../codec/index.js'
import type { Block } from '../consensus/block.js'
import { PublicKey, decodeAddress, fromHex } from '../crypto/index.js'
import type { ModuleRegistry } from '../state/module.js'
import { type BlockResultsValue, TxResultRecord } from '../state/results.js'
import { Tx } from '../state/tx.js'
import { BoundedMemo } from '../memo.js'
import { IndexerError } from './errors.js'
import { assertResultsOf, blockTxRecords, indexedTx, type IndexedTx } from './records.js'

// One byte of namespace per kind of record.
const BY_HASH = 0x68 // 'h' + hash(32) → StoredTx
const BY_POSITION = 0x70 // 'p' + position → hash
const BY_SIGNER = 0x73 // 's' + address(20) + position → hash
const BY_MESSAGE = 0x6d // 'm' + str(type) + position → hash
const BY_EVENT = 0x65 // 'e' + str(type) + str(key) + str(value) + position → hash
const META = 0x4d // 'M' → last indexed height (8 bytes)
const FORMAT = 0x46 // 'F' → the record layout below (1 byte); absent in indexes of the first, JSON layout
const FORMAT_VERSION = 2

/**
 * What the index keeps per transaction: its bytes and result as committed, in the canonical
 * codec. The JSON form (decoded body, hex, decimal strings) is built when it is read: a node
 * indexes every transaction of every block but serves few of them.
 */
const StoredTx = t.struct('IndexedTx', 1100, 1, {
  height: t.u64,
  index: t.u32,
  tx: t.bytes({ max: 16 * 1024 * 1024 }),
  result: TxResultRecord,
})

/** Attribute values longer than this are not indexed (they are still in the record). */
export const MAX_INDEXED_VALUE_BYTES = 512
export const MAX_SEARCH_LIMIT = 100

/** (height, index in block): the order of the chain, 12 bytes big-endian so keys sort by it. */
function position(height: number, index: number): Uint8Array {
  const out = new Uint8Array(12)
  const view = new DataView(out.buffer)
  view.setBigUint64(0, BigInt(height))
  view.setUint32(8, index)
  return out
}

function readPosition(key: Uint8Array): { height: number; index: number } {
  const view = new DataView(key.buffer, key.byteOffset + key.length - 12, 12)
  return { height: Number(view.getBigUint64(0)), index: view.getUint32(8) }
}

const utf8 = new TextEncoder()

// Event types, keys and most values (addresses, denominations) repeat from tx to tx; longer
// strings rarely do and are not kept.
const STR_MEMO_MAX_CHARS = 96
const strMemo = new BoundedMemo<string, Uint8Array>(16_384)

/** A length-prefixed string, so no separator byte inside a value can make two keys collide. */
function str(text: string): Uint8Array {
  return text.length <= STR_MEMO_MAX_CHARS ? strMemo.get(text, () => lengthPrefixed(text)) : lengthPrefixed(text)
}

function lengthPrefixed(text: string): Uint8Array {
  const bytes = utf8.encode(text)
  const out = new Uint8Array(2 + bytes.length)
  new DataView(out.buffer).setUint16(0, bytes.length)
  out.set(bytes, 2)
  return out
}

/**
 * The signer's address and the message struct names of a tx, or null if it does not decode. A tx
 * that executed successfully passed the canonical decode then, so it is not re-encoded to check.
 */
function describeForKeys(
  bytes: Uint8Array,
  succeeded: boolean,
  registry: ModuleRegistry,
): { signer: Uint8Array; messageTypes: Set<string> } | null {
  try {
    const { body } = succeeded ? decodeStored(Tx, bytes) : decode(Tx, bytes)
    const messageTypes = new Set<string>()
    for (const raw of body.messages) {
      const tag = peekStructTag(raw)
      const entry = tag === undefined ? undefined : registry.handlerForTag(tag)
      messageTypes.add(entry === undefined ? `unknown/${String(tag ?? '?')}` : (entry.handler.type as { name: string }).name)
    }
    return { signer: PublicKey.fromBytes(body.signer).addressBytes, messageTypes }
  } catch {
    return null
  }
}

export interface TxSearchFilter {
  /** bech32 address of the signer. */
  signer?: string
  /** Message struct name, e.g. `bank/MsgSend`. */
  messageType?: string
  /** An event the transaction emitted with this attribute (values up to 512 bytes are indexed). */
  event?: { type: string; key: string; value: string }
  minHeight?: number
  maxHeight?: number
  /** At most this many results (1..100, default 30). */
  limit?: number
  /** From a previous page's `next`. */
  cursor?: string
  order?: 'asc' | 'desc'
}

export interface TxSearchPage {
  txs: IndexedTx[]
  /** Give it back as `cursor` for the next page; null when there is none. */
  next: string | null
}

/** The read side of the index, as RPC sees it. */
export interface TxIndexReader {
  readonly lastHeight: number
  get(hash: string): Promise<IndexedTx | null>
  search(filter: TxSearchFilter): Promise<TxSearchPage>
  /** The records of a block without storing them (live subscriptions use the same shape). */
  records(block: Block, results: BlockResultsValue): IndexedTx[]
}

export interface TxIndexerOptions {
  /** Bound on index entries one search walks before it returns what it found with a cursor. */
  maxScan?: number
}

/**
 * A transaction index on `level`: by hash, and by signer, message type, event attribute and
 * height, each secondary index ordered by position so a search is one range scan. The node
 * calls `index(block, results)` after each commit; it is idempotent, so re-indexing a height
 * after a crash is harmless, and `lastHeight` says where to resume.
 */
export class TxIndexer implements TxIndexReader {
  readonly #db: Level<Uint8Array, Uint8Array>
  readonly #registry: ModuleRegistry
  readonly #maxScan: number
  #lastHeight = 0
  #closed = false

  private constructor(db: Level<Uint8Array, Uint8Array>, registry: ModuleRegistry, options: TxIndexerOptions) {
    this.#db = db
    this.#registry = registry
    this.#maxScan = options.maxScan ?? 10_000
  }

  static async open(directory: string, registry: ModuleRegistry, options: TxIndexerOptions = {}): Promise<TxIndexer> {
    const db = new Level<Uint8Array, Uint8Array>(directory, { keyEncoding: 'view', valueEncoding: 'view' })
    await db.open()
    const indexer = new TxIndexer(db, registry, options)
    const meta = await db.get(Uint8Array.of(META))
    const format = await db.get(Uint8Array.of(FORMAT))
    if (meta !== undefined && (format === undefined || format[0] !== FORMAT_VERSION)) {
      // Written in another layout: the index is derived data, so it is dropped and rebuilt
      // from the blocks (lastHeight 0: the node re-indexes from height 1 at start).
      await db.clear()
    } else if (meta !== undefined) {
      indexer.#lastHeight = Number(new DataView(meta.buffer, meta.byteOffset, 8).getBigUint64(0))
    }
    await db.put(Uint8Array.of(FORMAT), Uint8Array.of(FORMAT_VERSION))
    return indexer
  }

  /** Highest height indexed so far (0 before any). */
  get lastHeight(): number {
    return this.#lastHeight
  }

  records(block: Block, results: BlockResultsValue): IndexedTx[] {
    return blockTxRecords(block, results, this.#registry)
  }

  /** Indexes a committed block with its results in one batch. */
  async index(block: Block, results: BlockResultsValue): Promise<void> {
    if (this.#closed) throw new IndexerError('CLOSED', 'the index is closed', {})
    assertResultsOf(block, results)
    const height = block.header.height
    const batch = this.#db.batch()
    for (let index = 0; index < block.txs.length; index++) {
      const bytes = block.txs[index]!
      const result = results.txResults[index]!
      const hash = result.hash
      const at = position(height, index)
      batch.put(concatBytes(Uint8Array.of(BY_HASH), hash), encode(StoredTx, { height: BigInt(height), index, tx: bytes, result }))
      batch.put(concatBytes(Uint8Array.of(BY_POSITION), at), hash)
      const described = describeForKeys(bytes, result.code === 0, this.#registry)
      if (described !== null) {
        batch.put(concatBytes(Uint8Array.of(BY_SIGNER), described.signer, at), hash)
        for (const type of described.messageTypes) batch.put(concatBytes(Uint8Array.of(BY_MESSAGE), str(type), at), hash)
      }
      for (const event of result.events) {
        for (const { key, value } of event.attributes) {
          if (value.length > MAX_INDEXED_VALUE_BYTES || Buffer.byteLength(value) > MAX_INDEXED_VALUE_BYTES) continue
          batch.put(concatBytes(Uint8Array.of(BY_EVENT), str(event.type), str(key), str(value), at), hash)
        }
      }
    }
    if (height > this.#lastHeight) {
      const meta = new Uint8Array(8)
      new DataView(meta.buffer).setBigUint64(0, BigInt(height))
      batch.put(Uint8Array.of(META), meta)
    }
    await batch.write()
    if (height > this.#lastHeight) this.#lastHeight = height
  }

  async get(hash: string): Promise<IndexedTx | null> {
    if (!/^[0-9a-f]{64}$/.test(hash)) return null
    const raw = await this.#db.get(concatBytes(Uint8Array.of(BY_HASH), fromHex(hash)))
    if (raw === undefined) return null
    const stored = decode(StoredTx, raw)
    return indexedTx(Number(stored.height), stored.index, stored.tx, stored.result, this.#registry)
  }

  /**
   * Transactions matching every given condition, in chain order (or reversed), a page at a
   * time. The most selective index among the conditions is scanned (signer, then event, then
   * message type, then height) and the other conditions are checked on each record.
   */
  async search(filter: TxSearchFilter): Promise<TxSearchPage> {
    const limit = Math.min(Math.max(filter.limit ?? 30, 1), MAX_SEARCH_LIMIT)
    const order = filter.order ?? 'asc'
    const prefix = this.#scanPrefix(filter)
    const lower = concatBytes(prefix, position(filter.minHeight ?? 0, 0))
    const upper = concatBytes(prefix, position(Math.min(filter.maxHeight ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1) + 1, 0))
    const range: { gte?: Uint8Array; gt?: Uint8Array; lt?: Uint8Array; lte?: Uint8Array; reverse: boolean } = {
      gte: lower,
      lt: upper,
      reverse: order === 'desc',
    }
    if (filter.cursor !== undefined) {
      const after = concatBytes(prefix, this.#cursorPosition(filter.cursor))
      if (order === 'asc') {
        delete range.gte
        range.gt = Buffer.compare(after, lower) >= 0 ? after : lower
      } else {
        delete range.lt
        range.lt = Buffer.compare(after, upper) <= 0 ? after : upper
      }
    }

    const txs: IndexedTx[] = []
    let scanned = 0
    let lastKey: Uint8Array | undefined
    for await (const [key, hash] of this.#db.iterator(range)) {
      if (lastKey !== undefined && (txs.length === limit || scanned === this.#maxScan)) {
        // More entries remain: the next page starts after the last one looked at.
        return { txs, next: cursorOf(lastKey) }
      }
      scanned++
      lastKey = key
      const record = await this.get(Buffer.from(hash).toString('hex'))
      if (record !== null && txMatches(record, filter)) txs.push(record)
    }
    return { txs, next: null }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#db.close()
  }

  #scanPrefix(filter: TxSearchFilter): Uint8Array {
    if (filter.signer !== undefined) return concatBytes(Uint8Array.of(BY_SIGNER), decodeAddress(filter.signer))
    if (filter.event !== undefined)
      return concatBytes(Uint8Array.of(BY_EVENT), str(filter.event.type), str(filter.event.key), str(filter.event.value))
    if (filter.messageType !== undefined) return concatBytes(Uint8Array.of(BY_MESSAGE), str(filter.messageType))
    return Uint8Array.of(BY_POSITION)
  }

  #cursorPosition(cursor: string): Uint8Array {
    const match = /^(\d{1,16})\.(\d{1,10})$/.exec(cursor)
    const height = match === null ? NaN : Number(match[1])
    const index = match === null ? NaN : Number(match[2])
    if (match === null || !Number.isSafeInteger(height) || index > 0xffffffff)
      throw new IndexerError('BAD_CURSOR', `"${cursor.slice(0, 40)}" is not a search cursor`, { cursor: cursor.slice(0, 40) })
    return position(height, index)
  }
}

/** A cursor names the position of the last entry a page looked at; the next page starts after it. */
function cursorOf(key: Uint8Array): string {
  const { height, index } = readPosition(key)
  return `${height}.${index}`
}

/** Whether a record meets every condition of a filter (search and live subscriptions agree on it). */
export function txMatches(record: IndexedTx, filter: Omit<TxSearchFilter, 'limit' | 'cursor' | 'order'>): boolean {
  if (filter.signer !== undefined && record.signer !== filter.signer) return false
  if (filter.messageType !== undefined && !(record.body?.messages.some((m) => m.type === filter.messageType) ?? false)) return false
  if (filter.event !== undefined) {
    const { type, key, value } = filter.event
    if (!record.result.events.some((e) => e.type === type && e.attributes.some((a) => a.key === key && a.value === value))) return false
  }
  if (filter.minHeight !== undefined && record.height < filter.minHeight) return false
  if (filter.maxHeight !== undefined && record.height > filter.maxHeight) return false
  return true
}
