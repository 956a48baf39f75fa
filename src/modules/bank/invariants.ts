import type { Context } from '../../state/index.js'
import { bytesToAmount } from './coins.js'
import { ALL_BALANCES, MODULE } from './keys.js'
import { BankKeeper } from './keeper.js'

/** Supply of every denomination equals the sum of all balances in it (DESIGN §3.7). */
export function totalSupplyInvariant(ctx: Context): string | null {
  const sums = new Map<string, bigint>()
  for (const [key, value] of ctx.moduleStore(MODULE).iterate(ALL_BALANCES)) {
    const denom = Buffer.from(key.subarray(21)).toString('utf8')
    const amount = bytesToAmount(value)
    if (amount <= 0n) return `a stored balance of ${denom} is not positive`
    sums.set(denom, (sums.get(denom) ?? 0n) + amount)
  }
  const supply = new BankKeeper(ctx).allSupply()
  for (const { denom, amount } of supply) {
    if ((sums.get(denom) ?? 0n) !== amount) return `supply of ${denom} is ${amount}, balances sum to ${sums.get(denom) ?? 0n}`
    sums.delete(denom)
  }
  for (const [denom, sum] of sums) return `balances of ${denom} sum to ${sum} with no supply recorded`
  return null
}
