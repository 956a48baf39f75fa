import type { KVStore } from '../../state/index.js'
import { encodeAddress } from '../../crypto/index.js'
import { amountToBytes, bytesToAmount } from './coins.js'
import { bankError } from './errors.js'
import { ALL_BALANCES, ALL_SUPPLY, balanceKey, balancesOf, parseBalanceKey, parseSupplyKey, supplyKey } from './keys.js'
import type { CoinValue } from './messages.js'

/**
 * Bank's raw books: balances and supply as stored, with no rules about who may change them.
 * Internal to the module (not exported from its index): the keeper puts the rules on top, and
 * genesis uses `credit` directly, which is why no handler can reach it.
 */
export class Books {
  readonly #store: KVStore

  constructor(store: KVStore) {
    this.#store = store
  }

  balance(address: Uint8Array, denom: string): bigint {
    return bytesToAmount(this.#store.get(balanceKey(address, denom)))
  }

  balances(address: Uint8Array): CoinValue[] {
    const coins: CoinValue[] = []
    for (const [key, value] of this.#store.iterate(balancesOf(address)))
      coins.push({ denom: parseBalanceKey(key).denom, amount: bytesToAmount(value) })
    return coins
  }

  /** Every stored balance, in key order. */
  *allBalances(): Generator<{ address: Uint8Array; denom: string; amount: bigint }> {
    for (const [key, value] of this.#store.iterate(ALL_BALANCES)) yield { ...parseBalanceKey(key), amount: bytesToAmount(value) }
  }

  supply(denom: string): bigint {
    return bytesToAmount(this.#store.get(supplyKey(denom)))
  }

  allSupply(): CoinValue[] {
    const coins: CoinValue[] = []
    for (const [key, value] of this.#store.iterate(ALL_SUPPLY)) coins.push({ denom: parseSupplyKey(key), amount: bytesToAmount(value) })
    return coins
  }

  #setBalance(address: Uint8Array, denom: string, amount: bigint): void {
    if (amount === 0n) this.#store.delete(balanceKey(address, denom))
    else this.#store.set(balanceKey(address, denom), amountToBytes(amount))
  }

  /** Takes coins from an address; throws INSUFFICIENT_FUNDS (leaving earlier denominations taken: callers run in a cache that a failure drops). */
  subtract(address: Uint8Array, coins: CoinValue[]): void {
    for (const { denom, amount } of coins) {
      const have = this.balance(address, denom)
      if (have < amount) {
        throw bankError('INSUFFICIENT_FUNDS', `${encodeAddress(address)} has ${have}${denom}, needs ${amount}${denom}`, {
          denom,
          have: String(have),
          need: String(amount),
        })
      }
      this.#setBalance(address, denom, have - amount)
    }
  }

  add(address: Uint8Array, coins: CoinValue[]): void {
    for (const { denom, amount } of coins) this.#setBalance(address, denom, this.balance(address, denom) + amount)
  }

  changeSupply(coins: CoinValue[], sign: 1n | -1n): void {
    for (const { denom, amount } of coins) this.#store.set(supplyKey(denom), amountToBytes(this.supply(denom) + sign * amount))
  }

  /** Genesis only: credit an account and count it into the supply. */
  credit(address: Uint8Array, coins: CoinValue[]): void {
    this.add(address, coins)
    this.changeSupply(coins, 1n)
  }
}
