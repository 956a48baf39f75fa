import { decodeStored, encode } from '../../codec/index.js'
import type { KVStore } from '../../state/index.js'
import * as K from './keys.js'
import type { Contributor, VersionId } from './keys.js'
import {
  Credit,
  type CreditValue,
  LineageTotals,
  type LineageTotalsValue,
  Pool,
  type PoolValue,
  UseReceipt,
  type UseReceiptValue,
  VersionRecord,
  type VersionRecordValue,
} from './messages.js'

const MARK = Uint8Array.of(1)
const NO_TOTALS: LineageTotalsValue = { received: 0n, toValidators: 0n, withdrawn: 0n, nextReceipt: 0n }
const NO_POOL: PoolValue = { accrued: 0n, paid: 0n }

/** w_c: a credit's weight, the sum of its kinds. */
export const weightOf = (c: CreditValue): bigint => c.trainer + c.data + c.aggregator + c.treasury

/** Lineage's raw books, as stored (keys.ts). Internal to the module; the rules live in records.ts, usage.ts and settlement.ts. */
export class LineageBooks {
  readonly #store: KVStore

  constructor(store: KVStore) {
    this.#store = store
  }

  version(v: VersionId): VersionRecordValue | undefined {
    const raw = this.#store.get(K.versionKey(v))
    return raw === undefined ? undefined : decodeStored(VersionRecord, raw)
  }

  /** Writes the record and, for each parent, the child index entry. */
  setVersion(record: VersionRecordValue): void {
    this.#store.set(K.versionKey(record), encode(VersionRecord, record))
    for (const parent of record.parents) this.#store.set(K.childKey(parent, record), MARK)
  }

  *versions(): Generator<VersionRecordValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_VERSIONS)) yield decodeStored(VersionRecord, raw)
  }

  *children(parent: VersionId): Generator<VersionId> {
    for (const [key] of this.#store.iterate(K.childrenOf(parent))) yield K.parseChildKey(key).child
  }

  *childEdges(): Generator<{ parent: VersionId; child: VersionId }> {
    for (const [key] of this.#store.iterate(K.ALL_CHILDREN)) yield K.parseChildKey(key)
  }

  credit(v: VersionId, c: Contributor): CreditValue | undefined {
    const raw = this.#store.get(K.creditKey(v, c))
    return raw === undefined ? undefined : decodeStored(Credit, raw)
  }

  /** Writes the credit and the contributor index entry. */
  setCredit(v: VersionId, c: Contributor, credit: CreditValue): void {
    this.#store.set(K.creditKey(v, c), encode(Credit, credit))
    this.#store.set(K.contributorKey(c, v), MARK)
  }

  /** A version's credits, in contributor-byte order. */
  *credits(v: VersionId): Generator<{ contributor: Contributor; credit: CreditValue }> {
    for (const [key, raw] of this.#store.iterate(K.creditsOf(v)))
      yield { contributor: K.parseCreditKey(key).contributor, credit: decodeStored(Credit, raw) }
  }

  *allCredits(): Generator<{ version: VersionId; contributor: Contributor; credit: CreditValue }> {
    for (const [key, raw] of this.#store.iterate(K.ALL_CREDITS)) yield { ...K.parseCreditKey(key), credit: decodeStored(Credit, raw) }
  }

  /** Every version `c` is credited in, by version. */
  *creditedIn(c: Contributor): Generator<VersionId> {
    for (const [key] of this.#store.iterate(K.versionsOf(c))) yield K.parseContributorKey(key).version
  }

  hasContributorEntry(c: Contributor, v: VersionId): boolean {
    return this.#store.get(K.contributorKey(c, v)) !== undefined
  }

  pool(v: VersionId): PoolValue {
    const raw = this.#store.get(K.poolKey(v))
    return raw === undefined ? NO_POOL : decodeStored(Pool, raw)
  }

  setPool(v: VersionId, pool: PoolValue): void {
    if (pool.paid > pool.accrued) throw new Error(`lineage books: pool ${K.versionName(v)} paid ${pool.paid} of ${pool.accrued}`)
    this.#store.set(K.poolKey(v), encode(Pool, pool))
  }

  *pools(): Generator<{ version: VersionId; pool: PoolValue }> {
    for (const [key, raw] of this.#store.iterate(K.ALL_POOLS)) yield { version: K.parsePoolKey(key), pool: decodeStored(Pool, raw) }
  }

  receipt(id: bigint): UseReceiptValue | undefined {
    const raw = this.#store.get(K.receiptKey(id))
    return raw === undefined ? undefined : decodeStored(UseReceipt, raw)
  }

  setReceipt(receipt: UseReceiptValue): void {
    this.#store.set(K.receiptKey(receipt.id), encode(UseReceipt, receipt))
  }

  *receipts(): Generator<UseReceiptValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_RECEIPTS)) yield decodeStored(UseReceipt, raw)
  }

  totals(): LineageTotalsValue {
    const raw = this.#store.get(K.TOTALS_KEY)
    return raw === undefined ? NO_TOTALS : decodeStored(LineageTotals, raw)
  }

  setTotals(totals: LineageTotalsValue): void {
    this.#store.set(K.TOTALS_KEY, encode(LineageTotals, totals))
  }
}
