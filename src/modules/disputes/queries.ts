/**
 * Disputes' queries (plain JSON in and out; ids, subnets, rounds, heights and amounts as decimal
 * strings, amounts in units of the bond denomination, addresses fedra1…). The RPC layer maps
 * `dispute_get` and `dispute_list` onto `dispute` and `list`.
 *
 *   params   {}          → the params (params.ts)
 *   dispute  { id }      → DisputeJson                               (UNKNOWN_DISPUTE)
 *   list     { subnet }  → { disputes: DisputeJson[] } (id order)
 *   totals   {}          → { denom, disputes, refunded, burned, escrowed }
 *
 *   DisputeJson = { id, subnet, round, target, claim, disputer, bond, status, slashed, refunded, burned,
 *                   opened_height, resolved_height, proposal (the scoped proposal judging it, or null) }
 */
import { encodeAddress } from '../../crypto/index.js'
import { type Context, type QueryHandler, moduleAddress, readParams } from '../../state/index.js'
import { DisputesBooks } from './books.js'
import { disputesError } from './errors.js'
import { BANK, STAKING } from './expected-keepers.js'
import { DISPUTES_ACCOUNT } from './keys.js'
import type { DisputeValue } from './messages.js'
import { disputesParams } from './params.js'

export const disputeJson = (d: DisputeValue) => ({
  id: String(d.id),
  subnet: String(d.subnet),
  round: String(d.round),
  target: encodeAddress(d.target),
  claim: d.claim,
  disputer: encodeAddress(d.disputer),
  bond: String(d.bond),
  status: d.status,
  slashed: String(d.slashed),
  refunded: String(d.refunded),
  burned: String(d.burned),
  opened_height: String(d.openedHeight),
  resolved_height: String(d.resolvedHeight),
  proposal: d.proposal === null ? null : String(d.proposal),
})

/** A u64 from a query: a decimal string or a safe integer; else INVALID_QUERY. */
export function u64Param(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(value) && BigInt(value) < 2n ** 64n) return BigInt(value)
  throw disputesError('INVALID_QUERY', `${field} must be a decimal integer string`, { [field]: String(value).slice(0, 40) })
}

const booksOf = (ctx: Context) => new DisputesBooks(ctx.moduleStore())

export const disputesQueries: Record<string, QueryHandler> = {
  params: (ctx) => disputesParams.toJson(readParams(ctx.moduleStore(), disputesParams)),
  dispute(ctx, p) {
    const id = u64Param(p.id, 'id')
    const d = booksOf(ctx).dispute(id)
    if (d === undefined) throw disputesError('UNKNOWN_DISPUTE', `no dispute ${id}`, { id: String(id) })
    return disputeJson(d)
  },
  list(ctx, p) {
    const subnet = u64Param(p.subnet, 'subnet')
    return { disputes: [...booksOf(ctx).disputes()].filter((d) => d.subnet === subnet).map(disputeJson) }
  },
  totals(ctx) {
    const books = booksOf(ctx)
    const t = books.totals()
    const denom = ctx.keeper(STAKING).bondDenom()
    return {
      denom,
      disputes: String(t.nextId),
      refunded: String(t.refunded),
      burned: String(t.burned),
      escrowed: String(ctx.keeper(BANK).balance(moduleAddress(DISPUTES_ACCOUNT), denom)),
    }
  },
}
