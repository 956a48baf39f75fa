import { encodeAddress } from '../../crypto/index.js'
import { type Context, moduleAddress } from '../../state/index.js'
import { SubnetBooks } from './books.js'
import { BANK, STAKING } from './expected-keepers.js'
import { DEPOSITS_ACCOUNT, bondPurpose } from './keys.js'

/** The `subnets` module account holds exactly the subnets' creation deposits, in the bond denomination. */
export function depositsInvariant(ctx: Context): string | null {
  let held = 0n
  for (const subnet of new SubnetBooks(ctx.moduleStore()).subnets()) held += subnet.deposit
  const denom = ctx.keeper(STAKING).bondDenom()
  const balance = ctx.keeper(BANK).balance(moduleAddress(DEPOSITS_ACCOUNT), denom)
  return balance === held ? null : `the ${DEPOSITS_ACCOUNT} account holds ${balance}${denom}, the subnets' deposits sum to ${held}${denom}`
}

/** Every member's recorded bond is what staking's Bonds holds bonded for it. */
export function bondsInvariant(ctx: Context): string | null {
  const staking = ctx.keeper(STAKING)
  for (const m of new SubnetBooks(ctx.moduleStore()).allMembers()) {
    const bonded = staking.bondedAmount(m.address, bondPurpose(m.subnet, m.role))
    if (bonded !== m.bond)
      return `${m.role} ${encodeAddress(m.address)} of subnet ${m.subnet} records a bond of ${m.bond}, Bonds holds ${bonded}`
  }
  return null
}

/**
 * The books agree: each subnet's trainer and aggregator counts equal its member records; every
 * member, allow-list entry, barred mark, params record and pending record belongs to a subnet;
 * every subnet has params in force and an id below the next id.
 */
export function membersInvariant(ctx: Context): string | null {
  const books = new SubnetBooks(ctx.moduleStore())
  const counts = new Map<bigint, { trainer: number; aggregator: number }>()
  const next = books.nextId()
  for (const subnet of books.subnets()) {
    if (subnet.id >= next) return `subnet ${subnet.id} is not below the next id ${next}`
    if (books.paramsInForce(subnet.id) === undefined) return `subnet ${subnet.id} has no params in force`
    counts.set(subnet.id, { trainer: 0, aggregator: 0 })
  }
  for (const m of books.allMembers()) {
    const count = counts.get(m.subnet)
    if (count === undefined) return `${m.role} ${encodeAddress(m.address)} belongs to subnet ${m.subnet}, which does not exist`
    count[m.role]++
  }
  for (const subnet of books.subnets()) {
    const count = counts.get(subnet.id)!
    if (count.trainer !== subnet.trainers) return `subnet ${subnet.id} counts ${subnet.trainers} trainers, ${count.trainer} are recorded`
    if (count.aggregator !== subnet.aggregators)
      return `subnet ${subnet.id} counts ${subnet.aggregators} aggregators, ${count.aggregator} are recorded`
  }
  for (const { subnet } of books.allAllowed())
    if (!counts.has(subnet)) return `an allow-list entry belongs to subnet ${subnet}, which does not exist`
  for (const { subnet } of books.allBarred())
    if (!counts.has(subnet)) return `a barred aggregator belongs to subnet ${subnet}, which does not exist`
  for (const id of books.allParamsInForce()) if (!counts.has(id)) return `params are stored for subnet ${id}, which does not exist`
  for (const id of books.allPending()) if (!counts.has(id)) return `pending params are stored for subnet ${id}, which does not exist`
  return null
}

export const subnetsInvariants = { deposits: depositsInvariant, bonds: bondsInvariant, members: membersInvariant }
