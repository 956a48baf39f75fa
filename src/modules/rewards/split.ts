import { Dec } from '../../state/index.js'

/** A claim on a part of a pool: its weight (any non-negative integer) and the key that breaks ties (an address). */
export interface Claim {
  key: Uint8Array
  weight: bigint
}

/**
 * How a part is divided among claims: returns one amount per claim, in the claims' order. The
 * settlement trusts an allocator to pay out exactly `total` whenever some weight is positive
 * (the invariants catch one that does not: planted-bug test).
 */
export type Allocator = (total: bigint, claims: readonly Claim[]) => bigint[]

/**
 * Largest-remainder (Hamilton) apportionment of `total` units in proportion to the weights,
 * exactly, in integers: each claim first gets ⌊total·w_i / W⌋; the r = total − Σ of those units
 * left (r < number of positive claims) go one each to the claims with the largest remainders
 * total·w_i mod W, ties to the lower key (address bytes). A claim of weight 0 gets nothing.
 * When W = 0 nobody is owed anything: every amount is 0 (the caller keeps `total`).
 * Throws on a negative total or weight.
 */
export function largestRemainder(total: bigint, claims: readonly Claim[]): bigint[] {
  if (total < 0n) throw new Error(`largestRemainder: negative total ${total}`)
  let sum = 0n
  for (const c of claims) {
    if (c.weight < 0n) throw new Error(`largestRemainder: negative weight ${c.weight}`)
    sum += c.weight
  }
  if (sum === 0n || total === 0n) return claims.map(() => 0n)
  const amounts = claims.map((c) => (total * c.weight) / sum)
  let left = total - amounts.reduce((a, b) => a + b, 0n)
  const order = claims
    .map((c, i) => ({ i, remainder: (total * c.weight) % sum, key: c.key, weight: c.weight }))
    .filter((c) => c.weight > 0n)
    .sort((a, b) => (a.remainder === b.remainder ? Buffer.compare(a.key, b.key) : a.remainder > b.remainder ? -1 : 1))
  for (const { i } of order) {
    if (left === 0n) break
    amounts[i]! += 1n
    left -= 1n
  }
  return amounts
}

/** The subnet's reward split, as subnets stores it: four shares in [0, 1] summing to 1. */
export interface Split {
  trainers: Dec
  aggregator: Dec
  scorers: Dec
  data: Dec
}

/** A pool's four parts, each ⌊available × share⌋; the < 4 units the truncations leave stay in the pool. */
export function splitPool(available: bigint, split: Split): { trainers: bigint; aggregator: bigint; scorers: bigint; data: bigint } {
  const part = (share: Dec) => (available * share.raw) / Dec.ONE.raw
  return { trainers: part(split.trainers), aggregator: part(split.aggregator), scorers: part(split.scorers), data: part(split.data) }
}
