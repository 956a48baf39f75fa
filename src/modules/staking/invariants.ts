import { type Context, Dec, moduleAddress } from '../../state/index.js'
import { BANK } from './expected-keepers.js'
import { StakingKeeper } from './keeper.js'
import * as K from './keys.js'
import { BONDED } from './records.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const keeper = (ctx: Context) => new StakingKeeper(ctx, K.MODULE)

/** bonded_pool holds the tokens of bonded validators; not_bonded_pool those of the others plus every unbonding entry's balance. */
export function poolsInvariant(ctx: Context): string | null {
  const k = keeper(ctx)
  const denom = k.bondDenom()
  let bonded = 0n
  let notBonded = 0n
  for (const v of k.allValidators()) {
    if (v.tokens < 0n) return `validator ${hex(v.operator)} has negative tokens`
    if (v.status === BONDED) bonded += v.tokens
    else notBonded += v.tokens
  }
  for (const u of k.allUnbondings())
    for (const e of u.entries) {
      if (e.balance < 0n || e.balance > e.initialBalance)
        return `an unbonding entry of ${hex(u.delegator)} has balance ${e.balance} of ${e.initialBalance}`
      notBonded += e.balance
    }
  const bank = ctx.keeper(BANK)
  const bondedHeld = bank.balance(moduleAddress(K.BONDED_POOL), denom)
  const notBondedHeld = bank.balance(moduleAddress(K.NOT_BONDED_POOL), denom)
  if (bondedHeld !== bonded) return `bonded_pool holds ${bondedHeld}${denom}, bonded validators' tokens sum to ${bonded}`
  if (notBondedHeld !== notBonded)
    return `not_bonded_pool holds ${notBondedHeld}${denom}, unbonded validators' tokens and unbonding entries sum to ${notBonded}`
  return null
}

/** bonds_pool holds every bond plus every bond-unbonding entry. */
export function bondsInvariant(ctx: Context): string | null {
  const k = keeper(ctx)
  let sum = 0n
  for (const { bond, purpose } of k.allBonds()) {
    if (bond.amount < 0n) return `bond ${purpose} is negative`
    sum += bond.amount
    for (const e of bond.entries) {
      if (e.balance < 0n) return `an unbonding entry of bond ${purpose} is negative`
      sum += e.balance
    }
  }
  const held = ctx.keeper(BANK).balance(moduleAddress(K.BONDS_POOL), k.bondDenom())
  return held === sum ? null : `bonds_pool holds ${held}, bonds and their unbonding entries sum to ${sum}`
}

/** Σ shares of each validator's delegations equals its delegatorShares; no delegation is to a missing validator or non-positive. */
export function sharesInvariant(ctx: Context): string | null {
  const k = keeper(ctx)
  const sums = new Map<string, Dec>()
  for (const d of k.allDelegations()) {
    if (!d.shares.gt(Dec.ZERO)) return `delegation ${hex(d.delegator)} → ${hex(d.validator)} has shares ${d.shares}`
    const id = hex(d.validator)
    sums.set(id, (sums.get(id) ?? Dec.ZERO).add(d.shares))
  }
  for (const v of k.allValidators()) {
    const id = hex(v.operator)
    const sum = sums.get(id) ?? Dec.ZERO
    if (!sum.eq(v.delegatorShares)) return `validator ${id} has delegatorShares ${v.delegatorShares}, its delegations sum to ${sum}`
    if (v.delegatorShares.isZero() && v.tokens > 0n) return `validator ${id} has ${v.tokens} tokens and no shares`
    sums.delete(id)
  }
  for (const id of sums.keys()) return `delegations to ${id}, which is no validator`
  return null
}

/** The power index holds exactly the non-jailed validators, each at its current power; the last set is bonded. */
export function powerIndexInvariant(ctx: Context): string | null {
  const k = keeper(ctx)
  const store = ctx.moduleStore()
  const expected = new Set<string>()
  for (const v of k.allValidators()) if (!v.jailed) expected.add(hex(K.powerIndexKey(k.powerOf(v), v.operator)))
  let count = 0
  for (const [key] of store.iterate(K.POWER_INDEX)) {
    if (!expected.has(hex(key))) return `power index entry ${hex(key)} matches no validator's current power`
    count++
  }
  if (count !== expected.size) return `power index has ${count} entries for ${expected.size} non-jailed validators`
  const last = k.lastPowers()
  for (const { operator } of last.values()) {
    const v = k.getValidator(operator)
    if (v === undefined || v.status !== BONDED) return `validator ${hex(operator)} is in the last set but not bonded`
  }
  for (const v of k.allValidators())
    if (v.status === BONDED && !last.has(hex(v.operator))) return `validator ${hex(v.operator)} is bonded but not in the last set`
  return null
}

export const stakingInvariants = {
  pools: poolsInvariant,
  bonds: bondsInvariant,
  shares: sharesInvariant,
  'power-index': powerIndexInvariant,
}
