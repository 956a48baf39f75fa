import { decodeStored, encode, t } from '../../codec/index.js'
import { encodeAddress } from '../../crypto/index.js'
import type { Context, FeeKeeper, KVStore } from '../../state/index.js'
import { amountToBytes, bytesToAmount, formatCoins } from './coins.js'
import { bankError } from './errors.js'
import { ALL_SUPPLY, FEE_COLLECTOR, MODULE, PARAMS_KEY, balanceKey, balancesOf, moduleAddress, supplyKey } from './keys.js'
import type { CoinValue } from './messages.js'

export const BankParams = t.struct('BankParams', 202, 1, { feeDenom: t.string({ max: 64 }) })

/**
 * Balances and supply. Only `mint` and `burn` change the supply; everything else moves coins
 * between accounts, which is what keeps the supply invariant true.
 */
export class BankKeeper implements FeeKeeper {
  readonly #store: KVStore
  readonly #ctx: Context

  constructor(ctx: Context) {
    this.#ctx = ctx
    this.#store = ctx.moduleStore(MODULE)
  }

  get feeDenom(): string {
    const raw = this.#store.get(PARAMS_KEY)
    return raw === undefined ? 'ufdr' : decodeStored(BankParams, raw).feeDenom
  }

  setFeeDenom(feeDenom: string): void {
    this.#store.set(PARAMS_KEY, encode(BankParams, { feeDenom }))
  }

  balance(address: Uint8Array, denom: string): bigint {
    return bytesToAmount(this.#store.get(balanceKey(address, denom)))
  }

  balances(address: Uint8Array): CoinValue[] {
    const coins: CoinValue[] = []
    for (const [key, value] of this.#store.iterate(balancesOf(address))) {
      coins.push({ denom: Buffer.from(key.subarray(21)).toString('utf8'), amount: bytesToAmount(value) })
    }
    return coins
  }

  supply(denom: string): bigint {
    return bytesToAmount(this.#store.get(supplyKey(denom)))
  }

  allSupply(): CoinValue[] {
    const coins: CoinValue[] = []
    for (const [key, value] of this.#store.iterate(ALL_SUPPLY)) coins.push({ denom: Buffer.from(key.subarray(1)).toString('utf8'), amount: bytesToAmount(value) })
    return coins
  }

  #setBalance(address: Uint8Array, denom: string, amount: bigint): void {
    if (amount === 0n) this.#store.delete(balanceKey(address, denom))
    else this.#store.set(balanceKey(address, denom), amountToBytes(amount))
  }

  #subtract(address: Uint8Array, coins: CoinValue[]): void {
    for (const { denom, amount } of coins) {
      const have = this.balance(address, denom)
      if (have < amount) {
        throw bankError('INSUFFICIENT_FUNDS', `${encodeAddress(address)} has ${have}${denom}, needs ${amount}${denom}`, { denom, have: String(have), need: String(amount) })
      }
      this.#setBalance(address, denom, have - amount)
    }
  }

  #add(address: Uint8Array, coins: CoinValue[]): void {
    for (const { denom, amount } of coins) this.#setBalance(address, denom, this.balance(address, denom) + amount)
  }

  send(from: Uint8Array, to: Uint8Array, coins: CoinValue[]): void {
    this.#subtract(from, coins)
    this.#add(to, coins)
    this.#ctx.emit('transfer', { sender: encodeAddress(from), recipient: encodeAddress(to), amount: formatCoins(coins) })
  }

  payFee(payer: Uint8Array, amount: bigint): void {
    const coins = [{ denom: this.feeDenom, amount }]
    this.#subtract(payer, coins)
    this.#add(moduleAddress(FEE_COLLECTOR), coins)
    this.#ctx.emit('fee', { payer: encodeAddress(payer), amount: formatCoins(coins) })
  }

  creditOnlyKeys(): Uint8Array[] {
    return [this.#ctx.moduleKey(MODULE, balanceKey(moduleAddress(FEE_COLLECTOR), this.feeDenom))]
  }

  /** Creates coins in a module's account (rewards); the only way supply grows. */
  mint(module: string, coins: CoinValue[]): void {
    for (const { denom, amount } of coins) this.#store.set(supplyKey(denom), amountToBytes(this.supply(denom) + amount))
    this.#add(moduleAddress(module), coins)
    this.#ctx.emit('mint', { module, amount: formatCoins(coins) })
  }

  /** Destroys coins held by a module's account (slashing); the only way supply shrinks. */
  burn(module: string, coins: CoinValue[]): void {
    this.#subtract(moduleAddress(module), coins)
    for (const { denom, amount } of coins) this.#store.set(supplyKey(denom), amountToBytes(this.supply(denom) - amount))
    this.#ctx.emit('burn', { module, amount: formatCoins(coins) })
  }

  /** Genesis only: credit an account and count it into the supply. */
  credit(address: Uint8Array, coins: CoinValue[]): void {
    this.#add(address, coins)
    for (const { denom, amount } of coins) this.#store.set(supplyKey(denom), amountToBytes(this.supply(denom) + amount))
  }
}
