import { Dec } from '../../state/index.js'
import type { CoinValue } from '../bank/messages.js'

/**
 * Coins with decimal amounts (Cosmos' DecCoins): rewards, ratios and the community pool hold
 * fractions of a unit. Always sorted by denomination, each denomination once, no zero amounts,
 * so one value has one form; every function here returns that form. Products and quotients
 * truncate (MulDecTruncate / QuoDecTruncate), so amounts only ever lose digits to the caller,
 * who sends what is lost to the community pool or leaves it as outstanding dust.
 */
export interface DecCoin {
  denom: string
  amount: Dec
}

export type DecCoins = readonly DecCoin[]

export const NO_COINS: DecCoins = []

function normal(byDenom: Map<string, Dec>): DecCoin[] {
  return [...byDenom.keys()]
    .sort()
    .map((denom) => ({ denom, amount: byDenom.get(denom)! }))
    .filter((c) => !c.amount.isZero())
}

export const fromCoins = (coins: readonly CoinValue[]): DecCoins => normal(new Map(coins.map((c) => [c.denom, Dec.fromInt(c.amount)])))

export function addDecCoins(a: DecCoins, b: DecCoins): DecCoins {
  const sum = new Map(a.map((c) => [c.denom, c.amount]))
  for (const c of b) sum.set(c.denom, (sum.get(c.denom) ?? Dec.ZERO).add(c.amount))
  return normal(sum)
}

/** a − b; throws when a denomination would go negative (a broken book, never a user error). */
export function subDecCoins(a: DecCoins, b: DecCoins): DecCoins {
  const difference = new Map(a.map((c) => [c.denom, c.amount]))
  for (const c of b) {
    const left = (difference.get(c.denom) ?? Dec.ZERO).sub(c.amount)
    if (left.isNegative()) throw new Error(`distribution books: ${c.denom} would go negative (${left.toString()})`)
    difference.set(c.denom, left)
  }
  return normal(difference)
}

export const mulDecTruncate = (coins: DecCoins, factor: Dec): DecCoins => normal(new Map(coins.map((c) => [c.denom, c.amount.mul(factor)])))

export const quoDecTruncate = (coins: DecCoins, divisor: Dec): DecCoins =>
  normal(new Map(coins.map((c) => [c.denom, c.amount.quo(divisor)])))

/** Per denomination, the smaller of the two (Cosmos' Intersect): denominations in only one side drop out. */
export function minDecCoins(a: DecCoins, b: DecCoins): DecCoins {
  const other = new Map(b.map((c) => [c.denom, c.amount]))
  return normal(new Map(a.filter((c) => other.has(c.denom)).map((c) => [c.denom, Dec.min(c.amount, other.get(c.denom)!)])))
}

/** The whole units (coins a bank can move) and the fractional rest. */
export function truncateDecCoins(coins: DecCoins): { coins: CoinValue[]; remainder: DecCoins } {
  const whole: CoinValue[] = []
  const remainder = new Map<string, Dec>()
  for (const c of coins) {
    const units = c.amount.truncate()
    if (units > 0n) whole.push({ denom: c.denom, amount: units })
    remainder.set(c.denom, c.amount.sub(Dec.fromInt(units)))
  }
  return { coins: whole, remainder: normal(remainder) }
}

export const amountOf = (coins: DecCoins, denom: string): Dec => coins.find((c) => c.denom === denom)?.amount ?? Dec.ZERO

export const decCoinsJson = (coins: DecCoins): { denom: string; amount: string }[] =>
  coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() }))

export const formatDecCoins = (coins: DecCoins): string => coins.map((c) => `${c.amount.toString()}${c.denom}`).join(',')
