import { concatBytes, readU64, u64Bytes } from '../../state/index.js'
import type { Role } from './messages.js'

// What this module's other files read keys with (src/state/bytes.ts).
export { u64Bytes }

/**
 * Subnets' store, under `subnets/` (0x00 is the framework's params key):
 *   0x01 + id(8)                               → Subnet
 *   0x02 + id(8)                               → ParamsInForce (the params of the running round)
 *   0x03 + id(8)                               → PendingParams (absent when none wait)
 *   0x04 + id(8) + role(1) + address(20)       → Member (role 1 = trainer, 2 = aggregator)
 *   0x05 + id(8) + address(20)                 → 0x01: the address is on the subnet's allow-list
 *   0x06                                       → the next subnet id (u64 big-endian)
 *   0x07 + id(8) + round(8) + address(20)      → 0x01: the aggregator is barred from the round
 * Ids and rounds are big-endian u64, so subnets iterate in id order and one role's members in
 * address order.
 */
export const MODULE = 'subnets'
/** The module account holding creation deposits (owned by subnets, no permissions). */
export const DEPOSITS_ACCOUNT = 'subnets'

const SUBNET = 0x01
const PARAMS = 0x02
const PENDING = 0x03
const MEMBER = 0x04
const ALLOWED = 0x05
const NEXT_ID = 0x06
const BARRED = 0x07
const ID_BYTES = 8
const ADDRESS_BYTES = 20
const ROLE_CODES: Record<Role, number> = { trainer: 1, aggregator: 2 }
const ROLE_BY_CODE: readonly (Role | undefined)[] = [undefined, 'trainer', 'aggregator']

export const ALL_SUBNETS = Uint8Array.of(SUBNET)
export const ALL_MEMBERS = Uint8Array.of(MEMBER)
export const ALL_ALLOWED = Uint8Array.of(ALLOWED)
export const ALL_BARRED = Uint8Array.of(BARRED)
export const ALL_PARAMS = Uint8Array.of(PARAMS)
export const ALL_PENDING = Uint8Array.of(PENDING)
export const NEXT_ID_KEY = Uint8Array.of(NEXT_ID)
export const PRESENT = Uint8Array.of(1)

export const subnetKey = (id: bigint): Uint8Array => concatBytes(ALL_SUBNETS, u64Bytes(id))
export const paramsKey = (id: bigint): Uint8Array => concatBytes(ALL_PARAMS, u64Bytes(id))
export const pendingKey = (id: bigint): Uint8Array => concatBytes(ALL_PENDING, u64Bytes(id))
/** The prefix of one role's members of one subnet. */
export const membersOf = (id: bigint, role: Role): Uint8Array => concatBytes(ALL_MEMBERS, u64Bytes(id), Uint8Array.of(ROLE_CODES[role]))
/** The prefix of every member of one subnet, trainers first. */
export const allMembersOf = (id: bigint): Uint8Array => concatBytes(ALL_MEMBERS, u64Bytes(id))
export const memberKey = (id: bigint, role: Role, address: Uint8Array): Uint8Array => concatBytes(membersOf(id, role), address)
export const allowListOf = (id: bigint): Uint8Array => concatBytes(ALL_ALLOWED, u64Bytes(id))
export const allowedKey = (id: bigint, address: Uint8Array): Uint8Array => concatBytes(allowListOf(id), address)
export const barredOf = (id: bigint): Uint8Array => concatBytes(ALL_BARRED, u64Bytes(id))
export const barredInRound = (id: bigint, round: bigint): Uint8Array => concatBytes(barredOf(id), u64Bytes(round))
export const barredKey = (id: bigint, round: bigint, address: Uint8Array): Uint8Array => concatBytes(barredInRound(id, round), address)

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** The subnet id a Subnet, ParamsInForce or PendingParams key names. */
export function parseSubnetKey(key: Uint8Array): bigint {
  if ((key[0] !== SUBNET && key[0] !== PARAMS && key[0] !== PENDING) || key.length !== 1 + ID_BYTES)
    throw new Error(`not a subnets record key: ${hex(key)}`)
  return readU64(key, 1)
}

export function parseMemberKey(key: Uint8Array): { subnet: bigint; role: Role; address: Uint8Array } {
  const role = ROLE_BY_CODE[key[1 + ID_BYTES] ?? 0]
  if (key[0] !== MEMBER || key.length !== 1 + ID_BYTES + 1 + ADDRESS_BYTES || role === undefined)
    throw new Error(`not a subnets member key: ${hex(key)}`)
  return { subnet: readU64(key, 1), role, address: key.slice(2 + ID_BYTES) }
}

export function parseAllowedKey(key: Uint8Array): { subnet: bigint; address: Uint8Array } {
  if (key[0] !== ALLOWED || key.length !== 1 + ID_BYTES + ADDRESS_BYTES) throw new Error(`not a subnets allow-list key: ${hex(key)}`)
  return { subnet: readU64(key, 1), address: key.slice(1 + ID_BYTES) }
}

export function parseBarredKey(key: Uint8Array): { subnet: bigint; round: bigint; address: Uint8Array } {
  if (key[0] !== BARRED || key.length !== 1 + 2 * ID_BYTES + ADDRESS_BYTES) throw new Error(`not a subnets barred key: ${hex(key)}`)
  return { subnet: readU64(key, 1), round: readU64(key, 1 + ID_BYTES), address: key.slice(1 + 2 * ID_BYTES) }
}

/** The Bonds purpose of a membership; staking stores it as `subnets:subnet/<id>/<role>`. */
export const bondPurpose = (id: bigint, role: Role): string => `subnet/${id}/${role}`
