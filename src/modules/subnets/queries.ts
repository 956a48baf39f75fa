/**
 * Subnets' queries (plain JSON in and out; ids, amounts and heights as decimal strings):
 *
 *   subnet    { id }              → SubnetJson                      (UNKNOWN_SUBNET)
 *   subnets   {}                  → { subnets: SubnetJson[] }       (by id)
 *   members   { subnet, role? }   → { members: MemberJson[] }       (trainers then aggregators,
 *                                   each in address order; `role` keeps one; UNKNOWN_SUBNET, INVALID_ROLE)
 *   allowList { subnet }          → { allow_list: 'fedra1…'[] }     (address order)
 *   params    {}                  → { creation_deposit, max_subnets, max_name_length, max_description_length }
 *
 *   SubnetJson = { id, name, domain, description, admin: 'fedra1…', model_spec (canonical JSON text),
 *                  parameter_count, initial_model_cid, deposit, created_height, trainers, aggregators
 *                  (counts, numbers), params: SubnetParamsJson, params_from_round: string | null,
 *                  pending_params: SubnetParamsJson | null, pending_since_height: string | null }
 *   SubnetParamsJson = { validation_set, aggregation_rule, timing: { submit_window, aggregate_window, gap },
 *                  quantization: { dtype, scale, max_abs, clip_norm }, sample_cap, max_trainers,
 *                  min_trainer_bond, min_aggregator_bond, membership: 'open' | 'allow-list',
 *                  sharing: { mode: 'private' | 'subnets' | 'public', subnets: string[] },
 *                  reward_split: { trainers, aggregator, scorers, data }, aggregator_slash_fraction }
 *                  (block counts, scale, max_abs and caps are numbers; Decs and amounts strings)
 *   MemberJson = { address: 'fedra1…', role: 'trainer' | 'aggregator', bond, joined_height }
 */
import { encodeAddress } from '../../crypto/index.js'
import type { Context, QueryHandler } from '../../state/index.js'
import { SubnetBooks, type MemberView } from './books.js'
import { subnetsError } from './errors.js'
import { SubnetsKeeper, checkRole } from './keeper.js'
import { ROLES, type SubnetValue } from './messages.js'
import { subnetsParams } from './params.js'
import { subnetParamsToJson } from './subnet-params.js'

export function subnetJson(books: SubnetBooks, subnet: SubnetValue) {
  const inForce = books.paramsInForce(subnet.id)!
  const pending = books.pending(subnet.id)
  return {
    id: String(subnet.id),
    name: subnet.name,
    domain: subnet.domain,
    description: subnet.description,
    admin: encodeAddress(subnet.admin),
    model_spec: subnet.modelSpec,
    parameter_count: String(subnet.parameterCount),
    initial_model_cid: subnet.initialModelCid,
    deposit: String(subnet.deposit),
    created_height: String(subnet.createdHeight),
    trainers: subnet.trainers,
    aggregators: subnet.aggregators,
    params: subnetParamsToJson(inForce.params),
    params_from_round: inForce.fromRound === null ? null : String(inForce.fromRound),
    pending_params: pending === undefined ? null : subnetParamsToJson(pending.params),
    pending_since_height: pending === undefined ? null : String(pending.height),
  }
}

export const memberJson = (m: MemberView) => ({
  address: encodeAddress(m.address),
  role: m.role,
  bond: String(m.bond),
  joined_height: String(m.joinedHeight),
})

/** A subnet id from a query: a decimal string (or a safe integer). */
function idAt(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(value) && BigInt(value) < 2n ** 64n) return BigInt(value)
  throw subnetsError('UNKNOWN_SUBNET', `${field} must be a subnet id (a decimal string)`, { [field]: String(value).slice(0, 40) })
}

function existing(ctx: Context, value: unknown, field: string): SubnetValue {
  return new SubnetsKeeper(ctx).existing(idAt(value, field))
}

export const subnetsQueries: Record<string, QueryHandler> = {
  subnet: (ctx, params) => subnetJson(new SubnetBooks(ctx.moduleStore()), existing(ctx, params.id, 'id')),
  subnets(ctx) {
    const books = new SubnetBooks(ctx.moduleStore())
    return { subnets: [...books.subnets()].map((s) => subnetJson(books, s)) }
  },
  members(ctx, params) {
    const subnet = existing(ctx, params.subnet, 'subnet')
    const roles = params.role === undefined ? ROLES : [checkRole(String(params.role))]
    const books = new SubnetBooks(ctx.moduleStore())
    return { members: roles.flatMap((role) => [...books.members(subnet.id, role)].map(memberJson)) }
  },
  allowList(ctx, params) {
    const subnet = existing(ctx, params.subnet, 'subnet')
    return { allow_list: new SubnetBooks(ctx.moduleStore()).allowList(subnet.id).map((a) => encodeAddress(a)) }
  },
  params: (ctx) => subnetsParams.toJson(new SubnetsKeeper(ctx).moduleParams()),
}
