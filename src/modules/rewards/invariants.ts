import { encodeAddress } from '../../crypto/index.js'
import { type Context, moduleAddress } from '../../state/index.js'
import { RewardsBooks } from './books.js'
import { BANK, STAKING, SUBNETS } from './expected-keepers.js'
import { REWARDS_ACCOUNT } from './keys.js'
import type { RoundPayoutsValue } from './messages.js'

const sum = (values: Iterable<bigint>): bigint => {
  let total = 0n
  for (const v of values) total += v
  return total
}

/**
 * Every coin of the rewards account belongs to a pool or a treasury, and nothing more is owed:
 * its bond-denomination balance equals Σ pools + Σ treasuries exactly (no dust: every amount is
 * an integer and every part of a settlement is either paid out or kept in the pool).
 */
export function accountInvariant(ctx: Context): string | null {
  const books = new RewardsBooks(ctx.moduleStore())
  const denom = ctx.keeper(STAKING).bondDenom()
  const held = ctx.keeper(BANK).balance(moduleAddress(REWARDS_ACCOUNT), denom)
  const pools = sum([...books.pools()].map((p) => p.amount))
  const treasuries = sum([...books.treasuries()].map((t) => t.amount))
  if (held !== pools + treasuries)
    return `the rewards account holds ${held}${denom}; its pools (${pools}) and treasuries (${treasuries}) sum to ${pools + treasuries}`
  return null
}

/** What one settlement paid, against its parts: null when it balances. */
export function settlementBroken(p: RoundPayoutsValue): string | null {
  const at = `round ${p.subnet}/${p.round}`
  const trainers = sum(p.trainers.map((t) => t.reward))
  const scorers = sum(p.scorers.map((s) => s.amount))
  const out = trainers + p.aggregatorPaid + scorers + p.dataShare + p.carried
  if (out !== p.available)
    return `${at}: paid ${trainers} + ${p.aggregatorPaid} + ${scorers} + ${p.dataShare}, carried ${p.carried}: ${out} of ${p.available}`
  if (p.trainersShare + p.aggregatorShare + p.scorersShare + p.dataShare > p.available) return `${at}: its parts exceed the pool`
  if (trainers !== 0n && trainers !== p.trainersShare) return `${at}: trainers were paid ${trainers} of a part of ${p.trainersShare}`
  if (scorers !== 0n && scorers !== p.scorersShare) return `${at}: scorers were paid ${scorers} of a part of ${p.scorersShare}`
  if (p.aggregatorPaid !== 0n && p.aggregatorPaid !== p.aggregatorShare)
    return `${at}: the aggregator was paid ${p.aggregatorPaid} of a part of ${p.aggregatorShare}`
  const paidHarmful = p.trainers.find((t) => t.harmful && t.reward > 0n)
  if (paidHarmful !== undefined) return `${at}: harmful trainer ${encodeAddress(paidHarmful.trainer)} was paid`
  const slashedHonest = p.trainers.find((t) => !t.harmful && t.slashed > 0n)
  if (slashedHonest !== undefined) return `${at}: trainer ${encodeAddress(slashedHonest.trainer)} was slashed without a harmful verdict`
  return null
}

/**
 * Every settlement balances (available = paid + treasury + carried, each part paid in full or not
 * at all), and the totals are the settlements' sums: Σ emission = emitted, Σ slashed = burned —
 * so supply moves by this module only by its declared emission minus its burns.
 */
export function payoutsInvariant(ctx: Context): string | null {
  const books = new RewardsBooks(ctx.moduleStore())
  let emitted = 0n
  let burned = 0n
  for (const p of books.allPayouts()) {
    const broken = settlementBroken(p)
    if (broken !== null) return broken
    emitted += p.emission
    burned += sum(p.trainers.map((t) => t.slashed))
  }
  const totals = books.totals()
  if (totals.emitted !== emitted || totals.burned !== burned) {
    return `totals record ${totals.emitted} emitted and ${totals.burned} burned; the settlements sum to ${emitted} and ${burned}`
  }
  return null
}

/** Pools and treasuries belong to subnets that exist. */
export function subnetsInvariant(ctx: Context): string | null {
  const books = new RewardsBooks(ctx.moduleStore())
  const subnets = ctx.keeper(SUBNETS)
  for (const p of [...books.pools(), ...books.treasuries()]) {
    if (subnets.subnet(p.subnet) === undefined) return `rewards hold ${p.amount} for subnet ${p.subnet}, which does not exist`
  }
  return null
}

export const rewardsInvariants = { account: accountInvariant, payouts: payoutsInvariant, subnets: subnetsInvariant }
