import type { Block } from '../consensus/block.js'
import { decode, peekStructTag } from '../codec/index.js'
import { PublicKey, toHex } from '../crypto/index.js'
import type { ModuleRegistry } from '../state/module.js'
import type { BlockResultsValue } from '../state/results.js'
import { Tx } from '../state/tx.js'
import { IndexerError } from './errors.js'

export interface IndexedEvent {
  type: string
  attributes: { key: string; value: string }[]
}

export interface IndexedTxResult {
  hash: string
  code: number
  codespace: string
  log: string
  gasWanted: string
  gasUsed: string
  events: IndexedEvent[]
}

export interface IndexedMessage {
  /** The message struct's name, e.g. `bank/MsgSend`; `unknown/<tag>` when no module reads it. */
  type: string
  value: unknown
}

/**
 * A committed transaction as the index stores it and RPC returns it: already in its JSON form
 * (hex bytes, decimal amounts). A transaction that could not be decoded (it is still in the
 * block, with its failure code) has `signer` and `body` null.
 */
export interface IndexedTx {
  hash: string
  height: number
  index: number
  tx: string
  signer: string | null
  body: { nonce: string; fee: string; gasLimit: string; memo: string; messages: IndexedMessage[] } | null
  result: IndexedTxResult
}

/** A decoded value in JSON form: bytes as hex, bigints as decimal strings. */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return String(value)
  if (value instanceof Uint8Array) return toHex(value)
  if (Array.isArray(value)) return value.map(toJsonValue)
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [key, field] of Object.entries(value)) out[key] = toJsonValue(field)
    return out
  }
  return value
}

function describeMessage(raw: Uint8Array, registry: ModuleRegistry): IndexedMessage {
  const tag = peekStructTag(raw)
  const entry = tag === undefined ? undefined : registry.handlerForTag(tag)
  if (entry === undefined) return { type: `unknown/${String(tag ?? '?')}`, value: toHex(raw) }
  try {
    return { type: (entry.handler.type as { name: string }).name, value: toJsonValue(decode(entry.handler.type, raw)) }
  } catch {
    return { type: (entry.handler.type as { name: string }).name, value: toHex(raw) }
  }
}

function describeBody(bytes: Uint8Array, registry: ModuleRegistry): Pick<IndexedTx, 'signer' | 'body'> {
  try {
    const { body } = decode(Tx, bytes)
    return {
      signer: PublicKey.fromBytes(body.signer).address,
      body: {
        nonce: String(body.nonce),
        fee: String(body.fee),
        gasLimit: String(body.gasLimit),
        memo: body.memo,
        messages: body.messages.map((raw) => describeMessage(raw, registry)),
      },
    }
  } catch {
    return { signer: null, body: null }
  }
}

type TxResultRecord = BlockResultsValue['txResults'][number]

/** A stored tx result in its JSON-safe form (hex hash, decimal gas): what the index and RPC both serve. */
export function txResultRecord(r: TxResultRecord): IndexedTxResult {
  return {
    hash: toHex(r.hash),
    code: r.code,
    codespace: r.codespace,
    log: r.log,
    gasWanted: String(r.gasWanted),
    gasUsed: String(r.gasUsed),
    events: r.events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })) })),
  }
}

/** The index records of a committed block's transactions, in block order. */
export function blockTxRecords(block: Block, results: BlockResultsValue, registry: ModuleRegistry): IndexedTx[] {
  assertResultsOf(block, results)
  const height = block.header.height
  return block.txs.map((bytes, index) => indexedTx(height, index, bytes, results.txResults[index]!, registry))
}

/** Throws RESULTS_MISMATCH unless `results` are the ones of `block` (height and tx count). */
export function assertResultsOf(block: Block, results: BlockResultsValue): void {
  const height = block.header.height
  if (Number(results.height) !== height) {
    throw new IndexerError('RESULTS_MISMATCH', `results of height ${results.height} given for block ${height}`, {
      height,
      expected: String(height),
      actual: String(results.height),
    })
  }
  if (results.txResults.length !== block.txs.length) {
    throw new IndexerError('RESULTS_MISMATCH', `block ${height} has ${block.txs.length} txs but ${results.txResults.length} results`, {
      height,
      expected: String(block.txs.length),
      actual: String(results.txResults.length),
    })
  }
}

/** One committed transaction's record, from its bytes and stored result. */
export function indexedTx(height: number, index: number, bytes: Uint8Array, stored: TxResultRecord, registry: ModuleRegistry): IndexedTx {
  const result = txResultRecord(stored)
  return { hash: result.hash, height, index, tx: toHex(bytes), ...describeBody(bytes, registry), result }
}
