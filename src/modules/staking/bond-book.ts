import { type Context, Dec, type KVStore } from '../../state/index.js'
import { decodeStored, encode } from '../../codec/index.js'
import { stakingError } from './errors.js'
import { account, emitEvent } from './events.js'
import type { StakingBankKeeper } from './expected-keepers.js'
import * as K from './keys.js'
import type { StakingParamsValue } from './params.js'
import { BondRecord, type BondValue } from './records.js'

const MAX_PURPOSE = 128

export interface BondView {
  owner: Uint8Array
  purpose: string
  bond: BondValue
}

/** The keys of a time queue due at `now` (keys sort by time, so only the due prefix is read). */
export function dueKeys(store: KVStore, prefix: Uint8Array, now: bigint): Uint8Array[] {
  const keys: Uint8Array[] = []
  for (const [key] of store.iterate(prefix)) {
    if (K.queueTime(key) > now) break
    keys.push(key)
  }
  return keys
}

/**
 * The Bonds contract's books (bonds.ts): per (owner, "<caller>:<purpose>") a bonded amount and
 * its unbonding entries, the coins in `bonds_pool`, slashable like delegations. Built by the
 * staking keeper for the module that asks.
 */
export class BondBook {
  readonly #ctx: Context
  readonly #store: KVStore
  readonly #caller: string
  readonly #params: StakingParamsValue
  readonly #bank: StakingBankKeeper

  constructor(ctx: Context, store: KVStore, caller: string, params: StakingParamsValue, bank: StakingBankKeeper) {
    this.#ctx = ctx
    this.#store = store
    this.#caller = caller
    this.#params = params
    this.#bank = bank
  }

  #coins(amount: bigint) {
    return [{ denom: this.#params.bondDenom, amount }]
  }

  #purpose(purpose: string): string {
    if (typeof purpose !== 'string' || purpose.length === 0 || purpose.length > MAX_PURPOSE)
      throw stakingError('INVALID_PURPOSE', `a bond purpose is 1–${MAX_PURPOSE} characters`)
    return `${this.#caller}:${purpose}`
  }

  get(owner: Uint8Array, fullPurpose: string): BondValue | undefined {
    const raw = this.#store.get(K.bondKey(owner, fullPurpose))
    return raw === undefined ? undefined : decodeStored(BondRecord, raw)
  }

  #setBond(owner: Uint8Array, fullPurpose: string, bond: BondValue): void {
    if (bond.amount === 0n && bond.entries.length === 0) this.#store.delete(K.bondKey(owner, fullPurpose))
    else this.#store.set(K.bondKey(owner, fullPurpose), encode(BondRecord, bond))
  }

  *all(): Generator<BondView> {
    for (const [key, raw] of this.#store.iterate(K.BONDS)) yield { ...K.parseBondKey(key), bond: decodeStored(BondRecord, raw) }
  }

  bond(owner: Uint8Array, purpose: string, amount: bigint): void {
    const full = this.#purpose(purpose)
    if (typeof amount !== 'bigint' || amount <= 0n) throw stakingError('INVALID_AMOUNT', 'a bond amount must be positive')
    const have = this.#bank.balance(owner, this.#params.bondDenom)
    if (have < amount) throw stakingError('INSUFFICIENT_FUNDS', `${account(owner)} has ${have}${this.#params.bondDenom}, needs ${amount}`)
    this.#bank.sendToModule(owner, K.BONDS_POOL, this.#coins(amount))
    const bond = this.get(owner, full) ?? { amount: 0n, entries: [] }
    bond.amount += amount
    this.#setBond(owner, full, bond)
    emitEvent(this.#ctx, 'bond', { owner: account(owner), purpose: full, amount: String(amount) })
  }

  beginUnbond(owner: Uint8Array, purpose: string, amount: bigint): bigint {
    const full = this.#purpose(purpose)
    if (typeof amount !== 'bigint' || amount <= 0n) throw stakingError('INVALID_AMOUNT', 'an unbond amount must be positive')
    const bond = this.get(owner, full)
    if (bond === undefined || bond.amount < amount)
      throw stakingError('INSUFFICIENT_BOND', `bond ${full} of ${account(owner)} holds ${bond?.amount ?? 0n}, not ${amount}`)
    if (bond.entries.length >= this.#params.maxEntries)
      throw stakingError(
        'TOO_MANY_UNBONDING_ENTRIES',
        `bond ${full} already has ${bond.entries.length} unbonding entries (max_entries ${this.#params.maxEntries})`,
      )
    const completion = this.#ctx.block.time + this.#params.unbondingTime
    const height = BigInt(this.#ctx.block.height)
    bond.amount -= amount
    const merged = bond.entries.find((e) => e.creationHeight === height && e.completionTime === completion)
    if (merged !== undefined) {
      merged.balance += amount
      merged.initialBalance += amount
    } else bond.entries.push({ creationHeight: height, completionTime: completion, initialBalance: amount, balance: amount })
    this.#setBond(owner, full, bond)
    this.#store.set(K.bondQueueKey(completion, owner, full), K.PRESENT)
    emitEvent(this.#ctx, 'beginUnbond', {
      owner: account(owner),
      purpose: full,
      amount: String(amount),
      completion_time: String(completion),
    })
    return completion
  }

  slash(owner: Uint8Array, purpose: string, fraction: Dec, infractionHeight: number): bigint {
    const full = this.#purpose(purpose)
    if (fraction.lt(Dec.ZERO) || fraction.gt(Dec.ONE)) throw stakingError('INVALID_SLASH', `slash fraction ${fraction} outside 0..1`)
    const bond = this.get(owner, full)
    if (bond === undefined) return 0n
    const now = this.#ctx.block.time
    let burned = Dec.fromInt(bond.amount).mul(fraction).truncate()
    bond.amount -= burned
    for (const e of bond.entries) {
      if (e.creationHeight < BigInt(infractionHeight) || e.completionTime <= now) continue
      const amount = Dec.fromInt(e.initialBalance).mul(fraction).truncate()
      const taken = amount < e.balance ? amount : e.balance
      e.balance -= taken
      burned += taken
    }
    if (burned === 0n) return 0n
    this.#setBond(owner, full, bond)
    this.#bank.burn(K.BONDS_POOL, this.#coins(burned))
    emitEvent(this.#ctx, 'slashBond', { owner: account(owner), purpose: full, fraction: fraction.toString(), burned: String(burned) })
    return burned
  }

  bondedAmount(owner: Uint8Array, purpose: string): bigint {
    return this.get(owner, this.#purpose(purpose))?.amount ?? 0n
  }

  unbondingAmount(owner: Uint8Array, purpose: string): bigint {
    return (this.get(owner, this.#purpose(purpose))?.entries ?? []).reduce((sum, e) => sum + e.balance, 0n)
  }

  /** Pays out the bond-unbonding entries due now, reading only the due prefix of the queue. */
  completeMatured(): void {
    const now = this.#ctx.block.time
    for (const key of dueKeys(this.#store, K.BOND_QUEUE, this.#ctx.block.time)) {
      this.#store.delete(key)
      const { owner, purpose: full } = K.parseBondQueueKey(key)
      const bond = this.get(owner, full)
      if (bond === undefined) continue
      let paid = 0n
      const before = bond.entries.length
      bond.entries = bond.entries.filter((e) => {
        if (e.completionTime > now) return true
        paid += e.balance
        return false
      })
      if (bond.entries.length === before) continue
      if (paid > 0n) this.#bank.sendFromModule(K.BONDS_POOL, owner, this.#coins(paid))
      this.#setBond(owner, full, bond)
      emitEvent(this.#ctx, 'completeBondUnbonding', { owner: account(owner), purpose: full, amount: String(paid) })
    }
  }
}
