import { encodeAddress } from '../../crypto/index.js'
import { type Context, FRAMEWORK, type FeeKeeper, type ModulePermission, moduleAddress, readParams } from '../../state/index.js'
import { Books } from './books.js'
import { assertValidCoins } from './coins.js'
import { bankError } from './errors.js'
import { emitFee, emitSupplyChange, emitTransfer } from './events.js'
import { FEE_COLLECTOR, MODULE, balanceKey } from './keys.js'
import type { CoinValue } from './messages.js'
import { type BankParamsValue, bankParams } from './params.js'

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0

/**
 * Balances and supply, as one caller (a module, or the framework) may use them. Only `mint`
 * and `burn` change the supply, and only for a module account the caller owns whose
 * composition entry grants `minter` / `burner`; coins leave a module account only through
 * `sendFromModule` by its owner. Everything else moves coins between accounts, which is what
 * keeps the supply invariant true. Genesis credits through the books, not through this keeper.
 */
export class BankKeeper implements FeeKeeper {
  readonly #ctx: Context
  readonly #books: Books
  readonly #caller: string
  #moduleAddresses: Uint8Array[] | undefined

  /** `ctx` is scoped to bank; `caller` is the module the keeper acts for. */
  constructor(ctx: Context, caller: string) {
    this.#ctx = ctx
    this.#books = new Books(ctx.moduleStore(MODULE))
    this.#caller = caller
  }

  params(): BankParamsValue {
    return readParams(this.#ctx.moduleStore(MODULE), bankParams)
  }

  get feeDenom(): string {
    return this.params().feeDenom
  }

  balance(address: Uint8Array, denom: string): bigint {
    return this.#books.balance(address, denom)
  }

  balances(address: Uint8Array): CoinValue[] {
    return this.#books.balances(address)
  }

  supply(denom: string): bigint {
    return this.#books.supply(denom)
  }

  allSupply(): CoinValue[] {
    return this.#books.allSupply()
  }

  #isModuleAccount(address: Uint8Array): boolean {
    this.#moduleAddresses ??= [...this.#ctx.moduleAccounts.keys()].map(moduleAddress)
    return this.#moduleAddresses.some((a) => sameBytes(a, address))
  }

  /** The account `name`, checked to belong to the caller and to carry `permission` when one is needed. */
  #ownedAccount(name: string, permission?: ModulePermission): Uint8Array {
    const account = this.#ctx.moduleAccount(name)
    if (account === undefined) throw bankError('UNKNOWN_MODULE_ACCOUNT', `no module account ${name}`, { account: name })
    if (account.owner !== this.#caller)
      throw bankError('UNAUTHORIZED', `module ${this.#caller || '(framework)'} does not own module account ${name}`, {
        account: name,
        caller: this.#caller,
      })
    if (permission !== undefined && !account.permissions.includes(permission)) {
      throw bankError('UNAUTHORIZED', `module account ${name} lacks the ${permission} permission`, { account: name, permission })
    }
    return moduleAddress(name)
  }

  /** Between two accounts held by keys; module accounts take sendToModule / sendFromModule. */
  send(from: Uint8Array, to: Uint8Array, coins: CoinValue[]): void {
    if (this.#isModuleAccount(from))
      throw bankError('UNAUTHORIZED', `${encodeAddress(from)} is a module account: coins leave it through sendFromModule`)
    if (this.#isModuleAccount(to))
      throw bankError('INVALID_RECIPIENT', `${encodeAddress(to)} is a module account: coins reach it through sendToModule`)
    this.#move(from, to, coins)
  }

  /** From an account held by a key into module account `name` (any module may; staking bonds this way). */
  sendToModule(from: Uint8Array, name: string, coins: CoinValue[]): void {
    if (this.#ctx.moduleAccount(name) === undefined)
      throw bankError('UNKNOWN_MODULE_ACCOUNT', `no module account ${name}`, { account: name })
    if (this.#isModuleAccount(from))
      throw bankError('UNAUTHORIZED', `${encodeAddress(from)} is a module account: coins leave it through sendFromModule`)
    this.#move(from, moduleAddress(name), coins)
  }

  /** Out of module account `name`, which the caller must own, to an account held by a key. */
  sendFromModule(name: string, to: Uint8Array, coins: CoinValue[]): void {
    const from = this.#ownedAccount(name)
    if (this.#isModuleAccount(to)) throw bankError('INVALID_RECIPIENT', `${encodeAddress(to)} is a module account: use sendModuleToModule`)
    this.#move(from, to, coins)
  }

  /** Between module accounts; the caller must own `from`. */
  sendModuleToModule(from: string, to: string, coins: CoinValue[]): void {
    const source = this.#ownedAccount(from)
    if (this.#ctx.moduleAccount(to) === undefined) throw bankError('UNKNOWN_MODULE_ACCOUNT', `no module account ${to}`, { account: to })
    this.#move(source, moduleAddress(to), coins)
  }

  #move(from: Uint8Array, to: Uint8Array, coins: CoinValue[]): void {
    assertValidCoins(coins)
    this.#books.subtract(from, coins)
    this.#books.add(to, coins)
    emitTransfer(this.#ctx, from, to, coins)
  }

  /** The ante handler's fee payment into the fee collector; only the framework pays fees. */
  payFee(payer: Uint8Array, amount: bigint): void {
    if (this.#caller !== FRAMEWORK) throw bankError('UNAUTHORIZED', `module ${this.#caller} cannot charge fees`, { caller: this.#caller })
    const coins = [{ denom: this.feeDenom, amount }]
    this.#books.subtract(payer, coins)
    this.#books.add(moduleAddress(FEE_COLLECTOR), coins)
    emitFee(this.#ctx, payer, coins)
  }

  creditOnlyKeys(): Uint8Array[] {
    return [this.#ctx.moduleKey(MODULE, balanceKey(moduleAddress(FEE_COLLECTOR), this.feeDenom))]
  }

  /** Creates coins in module account `name` (rewards): the caller must own it and it must be a minter. */
  mint(name: string, coins: CoinValue[]): void {
    const address = this.#ownedAccount(name, 'minter')
    assertValidCoins(coins)
    this.#books.changeSupply(coins, 1n)
    this.#books.add(address, coins)
    emitSupplyChange(this.#ctx, 'mint', name, coins)
  }

  /** Destroys coins held by module account `name` (slashing): the caller must own it and it must be a burner. */
  burn(name: string, coins: CoinValue[]): void {
    const address = this.#ownedAccount(name, 'burner')
    assertValidCoins(coins)
    this.#books.subtract(address, coins)
    this.#books.changeSupply(coins, -1n)
    emitSupplyChange(this.#ctx, 'burn', name, coins)
  }
}
