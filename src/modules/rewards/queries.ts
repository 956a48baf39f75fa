/**
 * Rewards' queries (plain JSON in and out; subnets, rounds, heights and amounts as decimal
 * strings, amounts in units of the bond denomination; `subnet` and `round` params as decimal
 * strings or safe integers). The RPC layer maps `rewards_*` onto these.
 *
 *   params    {}                 → { emission_per_round, harmful_score_threshold, trainer_slash_fraction }
 *   pool      { subnet }         → { subnet, denom, pool }       (what the next settlement splits; UNKNOWN_SUBNET)
 *   treasury  { subnet }         → { subnet, denom, treasury }   (the data share accrued; UNKNOWN_SUBNET)
 *   payouts   { subnet, round }  → PayoutsJson                   (UNKNOWN_PAYOUTS before the round settled, or for a round without a version)
 *   totals    {}                 → { denom, emitted, burned }    (Σ emission minted, Σ trainers' bonds burned by harmful-update slashes)
 *
 *   PayoutsJson = { subnet, round, version, scored, emission, available,
 *                   shares: { trainers, aggregator, scorers, data },     (⌊available × split share⌋)
 *                   trainers: [{ trainer, reward, slashed, harmful }],    (the version's order)
 *                   aggregator: { address, amount } | null,
 *                   scorers: [{ operator, amount }],                      (address order)
 *                   treasury, carried, settled_height (the block that settled it) }
 */
import { encodeAddress } from '../../crypto/index.js'
import { type Context, type QueryHandler, readParams } from '../../state/index.js'
import { RewardsBooks } from './books.js'
import { rewardsError } from './errors.js'
import { STAKING, SUBNETS } from './expected-keepers.js'
import type { RoundPayoutsValue } from './messages.js'
import { rewardsParams } from './params.js'

export const payoutsJson = (p: RoundPayoutsValue) => ({
  subnet: String(p.subnet),
  round: String(p.round),
  version: String(p.version),
  scored: p.scored,
  emission: String(p.emission),
  available: String(p.available),
  shares: {
    trainers: String(p.trainersShare),
    aggregator: String(p.aggregatorShare),
    scorers: String(p.scorersShare),
    data: String(p.dataShare),
  },
  trainers: p.trainers.map((t) => ({
    trainer: encodeAddress(t.trainer),
    reward: String(t.reward),
    slashed: String(t.slashed),
    harmful: t.harmful,
  })),
  aggregator: p.aggregator === null ? null : { address: encodeAddress(p.aggregator), amount: String(p.aggregatorPaid) },
  scorers: p.scorers.map((s) => ({ operator: encodeAddress(s.operator), amount: String(s.amount) })),
  treasury: String(p.dataShare),
  carried: String(p.carried),
  settled_height: String(p.height),
})

/** A u64 from a query: a decimal string or a safe integer; else INVALID_QUERY. */
export function u64Param(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(value) && BigInt(value) < 2n ** 64n) return BigInt(value)
  throw rewardsError('INVALID_QUERY', `${field} must be a decimal integer string`, { [field]: String(value).slice(0, 40) })
}

const booksOf = (ctx: Context) => new RewardsBooks(ctx.moduleStore())

function knownSubnet(ctx: Context, value: unknown): bigint {
  const subnet = u64Param(value, 'subnet')
  if (ctx.keeper(SUBNETS).subnet(subnet) === undefined)
    throw rewardsError('UNKNOWN_SUBNET', `no subnet ${subnet}`, { subnet: String(subnet) })
  return subnet
}

export const rewardsQueries: Record<string, QueryHandler> = {
  params: (ctx) => rewardsParams.toJson(readParams(ctx.moduleStore(), rewardsParams)),
  pool(ctx, p) {
    const subnet = knownSubnet(ctx, p.subnet)
    return { subnet: String(subnet), denom: ctx.keeper(STAKING).bondDenom(), pool: String(booksOf(ctx).pool(subnet)) }
  },
  treasury(ctx, p) {
    const subnet = knownSubnet(ctx, p.subnet)
    return { subnet: String(subnet), denom: ctx.keeper(STAKING).bondDenom(), treasury: String(booksOf(ctx).treasury(subnet)) }
  },
  payouts(ctx, p) {
    const subnet = u64Param(p.subnet, 'subnet')
    const round = u64Param(p.round, 'round')
    const record = booksOf(ctx).payouts(subnet, round)
    const at = { subnet: String(subnet), round: String(round) }
    if (record === undefined) throw rewardsError('UNKNOWN_PAYOUTS', `round ${round} of subnet ${subnet} has not been settled`, at)
    return payoutsJson(record)
  },
  totals(ctx) {
    const totals = booksOf(ctx).totals()
    return { denom: ctx.keeper(STAKING).bondDenom(), emitted: String(totals.emitted), burned: String(totals.burned) }
  },
}
