import { type Context, Dec, moduleAddress } from '../../state/index.js'
import { type DecCoins, NO_COINS, addDecCoins, amountOf } from './dec-coins.js'
import { DistributionKeeper } from './keeper.js'
import {
  ALL_CURRENT,
  ALL_HISTORICAL,
  ALL_OUTSTANDING,
  ALL_SLASH_EVENTS,
  ALL_STARTING_INFOS,
  DISTRIBUTION_ACCOUNT,
  MODULE,
  parseCurrentKey,
  parseHistoricalKey,
  parseOutstandingKey,
  parseSlashEventKey,
  parseStartingInfoKey,
} from './keys.js'
import { decodeCurrent, decodeDecCoins, decodeHistorical, decodeSlashEvent, decodeStartingInfo } from './records.js'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** Σ outstanding rewards + community pool, exactly and record by record truncated, and how many records it sums. */
export function owedByModule(ctx: Context): { owed: DecCoins; truncated: Map<string, bigint>; records: number } {
  const keeper = new DistributionKeeper(ctx)
  const truncated = new Map<string, bigint>()
  const count = (coins: DecCoins) => {
    for (const c of coins) truncated.set(c.denom, (truncated.get(c.denom) ?? 0n) + c.amount.truncate())
  }
  let owed = keeper.communityPool()
  count(owed)
  let records = 1
  for (const [, value] of ctx.moduleStore(MODULE).iterate(ALL_OUTSTANDING)) {
    const coins = decodeDecCoins(value)
    owed = addDecCoins(owed, coins)
    count(coins)
    records++
  }
  return { owed, truncated, records }
}

/**
 * Nobody is owed more than the module holds, and the module holds nothing it does not owe but
 * dust (x/distribution's ModuleAccountInvariant): per denomination, Σ outstanding rewards +
 * community pool ≤ the distribution account's balance, and the balance exceeds the sum of the
 * records' whole units by less than the number of records (each record's fraction is below one
 * unit). By construction the exact sum equals the balance: every amount that enters is allocated
 * in full and every payment leaves the books as it leaves the account. Coins reach the account
 * only through distribution (the fee collector, the emission, MsgFundCommunityPool); a module
 * that sent some there directly would break the second half.
 */
export function solvencyInvariant(ctx: Context): string | null {
  const keeper = new DistributionKeeper(ctx)
  const account = moduleAddress(DISTRIBUTION_ACCOUNT)
  const { owed, truncated, records } = owedByModule(ctx)
  for (const { denom, amount } of owed) {
    const held = Dec.fromInt(keeper.bank.balance(account, denom))
    if (amount.gt(held))
      return `outstanding rewards and community pool owe ${amount.toString()}${denom}, the module holds ${held.toString()}${denom}`
  }
  for (const { denom, amount } of keeper.bank.balances(account)) {
    const whole = truncated.get(denom) ?? 0n
    if (amount - whole >= BigInt(records))
      return `the module holds ${amount}${denom}, its ${records} records owe ${whole} in whole units: more than dust is owed to nobody`
  }
  return null
}

/** Outstanding rewards are non-negative and include the validator's commission. */
export function outstandingInvariant(ctx: Context): string | null {
  const keeper = new DistributionKeeper(ctx)
  for (const [key, value] of ctx.moduleStore(MODULE).iterate(ALL_OUTSTANDING)) {
    const operator = parseOutstandingKey(key)
    const outstanding = decodeDecCoins(value)
    for (const c of outstanding) if (c.amount.isNegative()) return `outstanding ${c.denom} of ${hex(operator)} is negative`
    for (const c of keeper.commission(operator)) {
      if (c.amount.isNegative()) return `commission ${c.denom} of ${hex(operator)} is negative`
      if (c.amount.gt(amountOf(outstanding, c.denom)))
        return `commission ${c.amount.toString()}${c.denom} of ${hex(operator)} exceeds its outstanding ${amountOf(outstanding, c.denom).toString()}`
    }
  }
  return null
}

/**
 * Each historical record's reference count is the number of things pointing at its period: the
 * delegations that started after it, the slash events that ended it, and the current period
 * when it is the one just before; and everything pointed at exists.
 */
export function referenceCountInvariant(ctx: Context): string | null {
  const store = ctx.moduleStore(MODULE)
  const expected = new Map<string, number>()
  const point = (operator: Uint8Array, period: bigint) => {
    const id = `${hex(operator)}/${period}`
    expected.set(id, (expected.get(id) ?? 0) + 1)
  }
  for (const [key, value] of store.iterate(ALL_CURRENT)) point(parseCurrentKey(key), decodeCurrent(value).period - 1n)
  for (const [key, value] of store.iterate(ALL_STARTING_INFOS))
    point(parseStartingInfoKey(key).operator, decodeStartingInfo(value).previousPeriod)
  for (const [key, value] of store.iterate(ALL_SLASH_EVENTS)) {
    const event = decodeSlashEvent(value)
    if (event.period !== parseSlashEventKey(key).period)
      return `slash event stored under period ${parseSlashEventKey(key).period} records period ${event.period}`
    point(parseSlashEventKey(key).operator, event.period)
  }
  for (const [key, value] of store.iterate(ALL_HISTORICAL)) {
    const { operator, period } = parseHistoricalKey(key)
    const id = `${hex(operator)}/${period}`
    const count = decodeHistorical(value).referenceCount
    if (count !== (expected.get(id) ?? 0)) return `historical rewards ${id} count ${count} references, ${expected.get(id) ?? 0} point at it`
    expected.delete(id)
  }
  for (const [id] of expected) return `historical rewards ${id} are referenced and missing`
  return null
}

/**
 * Every delegation could withdraw now (x/distribution's CanWithdrawInvariant, without writing):
 * per validator, its commission plus what all its delegations have earned is at most its
 * outstanding rewards.
 */
export function canWithdrawInvariant(ctx: Context): string | null {
  const keeper = new DistributionKeeper(ctx)
  const store = ctx.moduleStore(MODULE)
  const owed = new Map<string, DecCoins>()
  for (const [key] of store.iterate(ALL_STARTING_INFOS)) {
    const { operator, delegator } = parseStartingInfoKey(key)
    const validator = keeper.staking.validator(operator)
    const delegation = keeper.staking.delegation(delegator, operator)
    if (validator === undefined || delegation === undefined)
      return `starting info of ${hex(delegator)} with ${hex(operator)} has no delegation in staking`
    owed.set(hex(operator), addDecCoins(owed.get(hex(operator)) ?? NO_COINS, keeper.pendingRewards(validator, delegation)))
  }
  for (const [key, value] of store.iterate(ALL_OUTSTANDING)) {
    const operator = parseOutstandingKey(key)
    const outstanding = decodeDecCoins(value)
    const total = addDecCoins(owed.get(hex(operator)) ?? NO_COINS, keeper.commission(operator))
    for (const c of total)
      if (c.amount.gt(amountOf(outstanding, c.denom)))
        return `${hex(operator)} owes ${c.amount.toString()}${c.denom} and has ${amountOf(outstanding, c.denom).toString()} outstanding`
  }
  return null
}

export const distributionInvariants = {
  solvency: solvencyInvariant,
  outstanding: outstandingInvariant,
  'reference-counts': referenceCountInvariant,
  'can-withdraw': canWithdrawInvariant,
}
