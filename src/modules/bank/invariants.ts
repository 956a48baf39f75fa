import type { Context } from '../../state/index.js'
import { Books } from './books.js'

/** Supply of every denomination equals the sum of all balances in it (DESIGN §3.7). */
export function totalSupplyInvariant(ctx: Context): string | null {
  const books = new Books(ctx.moduleStore())
  const sums = new Map<string, bigint>()
  for (const { denom, amount } of books.allBalances()) {
    if (amount <= 0n) return `a stored balance of ${denom} is not positive`
    sums.set(denom, (sums.get(denom) ?? 0n) + amount)
  }
  for (const { denom, amount } of books.allSupply()) {
    if ((sums.get(denom) ?? 0n) !== amount) return `supply of ${denom} is ${amount}, balances sum to ${sums.get(denom) ?? 0n}`
    sums.delete(denom)
  }
  for (const [denom, sum] of sums) return `balances of ${denom} sum to ${sum} with no supply recorded`
  return null
}

export const bankInvariants = { 'total-supply': totalSupplyInvariant }
