import { decodeStored, encode } from '../../codec/index.js'
import type { KVStore } from '../../state/index.js'
import * as K from './keys.js'
import { Amount, RewardsTotals, type RewardsTotalsValue, RoundPayouts, type RoundPayoutsValue } from './messages.js'

const NO_TOTALS: RewardsTotalsValue = { emitted: 0n, burned: 0n }

/** Rewards' raw books, as stored (keys.ts). Internal to the module; settlement.ts and handler.ts put the rules on top. */
export class RewardsBooks {
  readonly #store: KVStore

  constructor(store: KVStore) {
    this.#store = store
  }

  #amount(key: Uint8Array): bigint {
    const raw = this.#store.get(key)
    return raw === undefined ? 0n : decodeStored(Amount, raw).amount
  }

  /** A zero amount is deleted: absent means 0. */
  #setAmount(key: Uint8Array, amount: bigint): void {
    if (amount < 0n) throw new Error(`rewards books: negative amount ${amount}`)
    if (amount === 0n) this.#store.delete(key)
    else this.#store.set(key, encode(Amount, { amount }))
  }

  pool(subnet: bigint): bigint {
    return this.#amount(K.poolKey(subnet))
  }

  setPool(subnet: bigint, amount: bigint): void {
    this.#setAmount(K.poolKey(subnet), amount)
  }

  treasury(subnet: bigint): bigint {
    return this.#amount(K.treasuryKey(subnet))
  }

  setTreasury(subnet: bigint, amount: bigint): void {
    this.#setAmount(K.treasuryKey(subnet), amount)
  }

  /** Every non-empty pool, by subnet. */
  *pools(): Generator<{ subnet: bigint; amount: bigint }> {
    for (const [key, raw] of this.#store.iterate(K.ALL_POOLS))
      yield { subnet: K.parseSubnetKey(key), amount: decodeStored(Amount, raw).amount }
  }

  /** Every non-empty treasury, by subnet. */
  *treasuries(): Generator<{ subnet: bigint; amount: bigint }> {
    for (const [key, raw] of this.#store.iterate(K.ALL_TREASURIES))
      yield { subnet: K.parseSubnetKey(key), amount: decodeStored(Amount, raw).amount }
  }

  payouts(subnet: bigint, round: bigint): RoundPayoutsValue | undefined {
    const raw = this.#store.get(K.payoutsKey(subnet, round))
    return raw === undefined ? undefined : decodeStored(RoundPayouts, raw)
  }

  setPayouts(value: RoundPayoutsValue): void {
    this.#store.set(K.payoutsKey(value.subnet, value.round), encode(RoundPayouts, value))
  }

  /** Every settled round's payouts, by subnet then round. */
  *allPayouts(): Generator<RoundPayoutsValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_PAYOUTS)) yield decodeStored(RoundPayouts, raw)
  }

  totals(): RewardsTotalsValue {
    const raw = this.#store.get(K.TOTALS_KEY)
    return raw === undefined ? NO_TOTALS : decodeStored(RewardsTotals, raw)
  }

  setTotals(value: RewardsTotalsValue): void {
    this.#store.set(K.TOTALS_KEY, encode(RewardsTotals, value))
  }
}
