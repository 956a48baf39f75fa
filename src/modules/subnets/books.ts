import { decodeStored, encode } from '../../codec/index.js'
import type { KVStore } from '../../state/index.js'
import * as K from './keys.js'
import {
  MemberRecord,
  type MemberValue,
  ParamsInForce,
  type ParamsInForceValue,
  PendingParams,
  type PendingParamsValue,
  type Role,
  SubnetRecord,
  type SubnetValue,
} from './messages.js'

export interface MemberView {
  address: Uint8Array
  role: Role
  bond: bigint
  joinedHeight: bigint
}

/**
 * Subnets' raw books, as stored (keys.ts): subnets, their params in force and pending, members,
 * allow-lists, barred aggregators and the id counter. Internal to the module; the keeper and
 * the message server put the rules on top.
 */
export class SubnetBooks {
  readonly #store: KVStore

  constructor(store: KVStore) {
    this.#store = store
  }

  nextId(): bigint {
    const raw = this.#store.get(K.NEXT_ID_KEY)
    return raw === undefined ? 0n : new DataView(raw.buffer, raw.byteOffset, 8).getBigUint64(0)
  }

  setNextId(id: bigint): void {
    this.#store.set(K.NEXT_ID_KEY, K.u64Bytes(id))
  }

  subnet(id: bigint): SubnetValue | undefined {
    const raw = this.#store.get(K.subnetKey(id))
    return raw === undefined ? undefined : decodeStored(SubnetRecord, raw)
  }

  setSubnet(subnet: SubnetValue): void {
    this.#store.set(K.subnetKey(subnet.id), encode(SubnetRecord, subnet))
  }

  *subnets(): Generator<SubnetValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_SUBNETS)) yield decodeStored(SubnetRecord, raw)
  }

  paramsInForce(id: bigint): ParamsInForceValue | undefined {
    const raw = this.#store.get(K.paramsKey(id))
    return raw === undefined ? undefined : decodeStored(ParamsInForce, raw)
  }

  setParamsInForce(id: bigint, value: ParamsInForceValue): void {
    this.#store.set(K.paramsKey(id), encode(ParamsInForce, value))
  }

  *allParamsInForce(): Generator<bigint> {
    for (const [key] of this.#store.iterate(K.ALL_PARAMS)) yield K.parseSubnetKey(key)
  }

  pending(id: bigint): PendingParamsValue | undefined {
    const raw = this.#store.get(K.pendingKey(id))
    return raw === undefined ? undefined : decodeStored(PendingParams, raw)
  }

  setPending(id: bigint, value: PendingParamsValue | undefined): void {
    if (value === undefined) this.#store.delete(K.pendingKey(id))
    else this.#store.set(K.pendingKey(id), encode(PendingParams, value))
  }

  *allPending(): Generator<bigint> {
    for (const [key] of this.#store.iterate(K.ALL_PENDING)) yield K.parseSubnetKey(key)
  }

  member(id: bigint, role: Role, address: Uint8Array): MemberValue | undefined {
    const raw = this.#store.get(K.memberKey(id, role, address))
    return raw === undefined ? undefined : decodeStored(MemberRecord, raw)
  }

  setMember(id: bigint, role: Role, address: Uint8Array, member: MemberValue | undefined): void {
    if (member === undefined) this.#store.delete(K.memberKey(id, role, address))
    else this.#store.set(K.memberKey(id, role, address), encode(MemberRecord, member))
  }

  /** One role's members of a subnet, in address order. */
  *members(id: bigint, role: Role): Generator<MemberView> {
    for (const [key, raw] of this.#store.iterate(K.membersOf(id, role))) yield this.#memberView(key, raw)
  }

  /** Every member of every subnet, by subnet, then role (trainers first), then address. */
  *allMembers(): Generator<MemberView & { subnet: bigint }> {
    for (const [key, raw] of this.#store.iterate(K.ALL_MEMBERS))
      yield { ...this.#memberView(key, raw), subnet: K.parseMemberKey(key).subnet }
  }

  #memberView(key: Uint8Array, raw: Uint8Array): MemberView {
    const { role, address } = K.parseMemberKey(key)
    const { bond, joinedHeight } = decodeStored(MemberRecord, raw)
    return { address, role, bond, joinedHeight }
  }

  isAllowed(id: bigint, address: Uint8Array): boolean {
    return this.#store.get(K.allowedKey(id, address)) !== undefined
  }

  setAllowed(id: bigint, address: Uint8Array, allowed: boolean): void {
    if (allowed) this.#store.set(K.allowedKey(id, address), K.PRESENT)
    else this.#store.delete(K.allowedKey(id, address))
  }

  /** A subnet's allow-list, in address order. */
  allowList(id: bigint): Uint8Array[] {
    return [...this.#store.iterate(K.allowListOf(id))].map(([key]) => K.parseAllowedKey(key).address)
  }

  *allAllowed(): Generator<{ subnet: bigint; address: Uint8Array }> {
    for (const [key] of this.#store.iterate(K.ALL_ALLOWED)) yield K.parseAllowedKey(key)
  }

  isBarred(id: bigint, round: bigint, address: Uint8Array): boolean {
    return this.#store.get(K.barredKey(id, round, address)) !== undefined
  }

  setBarred(id: bigint, round: bigint, address: Uint8Array, barred: boolean): void {
    if (barred) this.#store.set(K.barredKey(id, round, address), K.PRESENT)
    else this.#store.delete(K.barredKey(id, round, address))
  }

  /** The aggregators barred from one round, in address order. */
  barredIn(id: bigint, round: bigint): Uint8Array[] {
    return [...this.#store.iterate(K.barredInRound(id, round))].map(([key]) => K.parseBarredKey(key).address)
  }

  /** Every barred mark of one subnet, by round then address. */
  barredOfSubnet(id: bigint): { round: bigint; address: Uint8Array }[] {
    return [...this.#store.iterate(K.barredOf(id))].map(([key]) => K.parseBarredKey(key))
  }

  *allBarred(): Generator<{ subnet: bigint; round: bigint; address: Uint8Array }> {
    for (const [key] of this.#store.iterate(K.ALL_BARRED)) yield K.parseBarredKey(key)
  }
}
