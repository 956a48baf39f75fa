import { decodeStored, encode } from '../../codec/index.js'
import type { KVStore } from '../../state/index.js'
import { readU64, u64Bytes } from '../../state/index.js'
import * as K from './keys.js'
import { Dispute, DisputeTotals, type DisputeTotalsValue, type DisputeValue } from './messages.js'

const MARK = Uint8Array.of(1)
const NO_TOTALS: DisputeTotalsValue = { nextId: 0n, burned: 0n, refunded: 0n }

/** Disputes' raw books, as stored (keys.ts). Internal to the module; the rules live in handler.ts and resolution.ts. */
export class DisputesBooks {
  readonly #store: KVStore

  constructor(store: KVStore) {
    this.#store = store
  }

  dispute(id: bigint): DisputeValue | undefined {
    const raw = this.#store.get(K.disputeKey(id))
    return raw === undefined ? undefined : decodeStored(Dispute, raw)
  }

  /** Writes the record, its (subnet, round, target) index entry and its place in the open index. */
  setDispute(d: DisputeValue): void {
    this.#store.set(K.disputeKey(d.id), encode(Dispute, d))
    this.#store.set(K.targetKey(d.subnet, d.round, d.target), u64Bytes(d.id))
    if (d.status === 'open') this.#store.set(K.openKey(d.id), MARK)
    else this.#store.delete(K.openKey(d.id))
  }

  /** The ids of open disputes, ascending. */
  openIds(): bigint[] {
    return [...this.#store.iterate(K.ALL_OPEN)].map(([key]) => K.parseOpenKey(key))
  }

  /** The dispute of the slash (subnet, round, target), if one was opened. */
  disputeOf(subnet: bigint, round: bigint, target: Uint8Array): DisputeValue | undefined {
    const raw = this.#store.get(K.targetKey(subnet, round, target))
    return raw === undefined ? undefined : this.dispute(readU64(raw, 0))
  }

  *disputes(): Generator<DisputeValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_DISPUTES)) yield decodeStored(Dispute, raw)
  }

  totals(): DisputeTotalsValue {
    const raw = this.#store.get(K.TOTALS_KEY)
    return raw === undefined ? NO_TOTALS : decodeStored(DisputeTotals, raw)
  }

  setTotals(value: DisputeTotalsValue): void {
    this.#store.set(K.TOTALS_KEY, encode(DisputeTotals, value))
  }
}
