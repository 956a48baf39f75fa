import { encodeAddress } from '../../crypto/index.js'
import type { Context, Dec } from '../../state/index.js'
import type { Role } from './messages.js'

/** Subnets' event types; every attribute is a string, subnet ids and amounts in decimal. */
export const SUBNETS_EVENTS = {
  created: 'subnet_created',
  allowListUpdated: 'subnet_allow_list_updated',
  paramsUpdated: 'subnet_params_updated',
  paramsApplied: 'subnet_params_applied',
  joined: 'subnet_joined',
  toppedUp: 'subnet_bond_topped_up',
  left: 'subnet_left',
  memberSlashed: 'subnet_member_slashed',
  aggregatorBarred: 'subnet_aggregator_barred',
  aggregatorUnbarred: 'subnet_aggregator_unbarred',
} as const

const account = (address: Uint8Array): string => encodeAddress(address)

export const emitCreated = (ctx: Context, id: bigint, admin: Uint8Array, name: string, deposit: bigint): void =>
  ctx.emit(SUBNETS_EVENTS.created, { subnet: String(id), admin: account(admin), name, deposit: String(deposit) })

export const emitAllowListUpdated = (ctx: Context, id: bigint, added: number, removed: number): void =>
  ctx.emit(SUBNETS_EVENTS.allowListUpdated, { subnet: String(id), added: String(added), removed: String(removed) })

export const emitParamsUpdated = (ctx: Context, id: bigint): void =>
  ctx.emit(SUBNETS_EVENTS.paramsUpdated, { subnet: String(id), effective: 'next_round' })

export const emitParamsApplied = (ctx: Context, id: bigint, round: bigint): void =>
  ctx.emit(SUBNETS_EVENTS.paramsApplied, { subnet: String(id), round: String(round) })

export const emitJoined = (ctx: Context, id: bigint, role: Role, member: Uint8Array, bond: bigint): void =>
  ctx.emit(SUBNETS_EVENTS.joined, { subnet: String(id), role, member: account(member), bond: String(bond) })

export const emitToppedUp = (ctx: Context, id: bigint, role: Role, member: Uint8Array, amount: bigint): void =>
  ctx.emit(SUBNETS_EVENTS.toppedUp, { subnet: String(id), role, member: account(member), amount: String(amount) })

export const emitLeft = (ctx: Context, id: bigint, role: Role, member: Uint8Array, amount: bigint, completion: bigint): void =>
  ctx.emit(SUBNETS_EVENTS.left, {
    subnet: String(id),
    role,
    member: account(member),
    unbonding: String(amount),
    completion_time: String(completion),
  })

export const emitMemberSlashed = (
  ctx: Context,
  id: bigint,
  role: Role,
  member: Uint8Array,
  fraction: Dec,
  infractionHeight: number,
  burned: bigint,
): void =>
  ctx.emit(SUBNETS_EVENTS.memberSlashed, {
    subnet: String(id),
    role,
    member: account(member),
    fraction: fraction.toString(),
    infraction_height: String(infractionHeight),
    burned: String(burned),
  })

export const emitAggregatorBarred = (ctx: Context, id: bigint, round: bigint, aggregator: Uint8Array, barred: boolean): void =>
  ctx.emit(barred ? SUBNETS_EVENTS.aggregatorBarred : SUBNETS_EVENTS.aggregatorUnbarred, {
    subnet: String(id),
    round: String(round),
    aggregator: account(aggregator),
  })
