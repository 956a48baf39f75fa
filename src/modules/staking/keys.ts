import { concatBytes, utf8 } from '../../state/index.js'

/**
 * Staking's store, under `staking/` (0x00 is the framework's params key). Addresses are 20
 * bytes, times and heights 8-byte big-endian so keys sort by them:
 *   0x21 operator                          → Validator
 *   0x22 consensusAddress                  → operator
 *   0x23 (2^64−1−power) operator           → ()   power index, non-jailed validators only
 *   0x24 operator                          → last power (the bonded set as end-block left it)
 *   0x31 delegator operator                → Delegation
 *   0x32 operator delegator                → ()   delegations by validator
 *   0x41 delegator operator                → UnbondingDelegation (its entries)
 *   0x42 operator delegator                → ()   unbondings by validator (slash)
 *   0x51 delegator src dst                 → Redelegation (its entries)
 *   0x52 src delegator dst                 → ()   redelegations by source (slash)
 *   0x53 delegator dst src                 → ()   incoming redelegations (transitive check)
 *   0x61 time delegator operator           → ()   unbonding queue
 *   0x62 time delegator src dst            → ()   redelegation queue
 *   0x63 time operator                     → ()   unbonding-validator queue
 *   0x64 time owner purpose                → ()   bond-unbonding queue
 *   0x71 owner purpose                     → Bond
 */
export const MODULE = 'staking'
export const BONDED_POOL = 'bonded_pool'
export const NOT_BONDED_POOL = 'not_bonded_pool'
export const BONDS_POOL = 'bonds_pool'

export const VALIDATORS = Uint8Array.of(0x21)
export const BY_CONSENSUS = Uint8Array.of(0x22)
export const POWER_INDEX = Uint8Array.of(0x23)
export const LAST_POWER = Uint8Array.of(0x24)
export const DELEGATIONS = Uint8Array.of(0x31)
export const DELEGATIONS_BY_VALIDATOR = Uint8Array.of(0x32)
export const UNBONDINGS = Uint8Array.of(0x41)
export const UNBONDINGS_BY_VALIDATOR = Uint8Array.of(0x42)
export const REDELEGATIONS = Uint8Array.of(0x51)
export const REDELEGATIONS_BY_SOURCE = Uint8Array.of(0x52)
export const REDELEGATIONS_BY_DESTINATION = Uint8Array.of(0x53)
export const UNBONDING_QUEUE = Uint8Array.of(0x61)
export const REDELEGATION_QUEUE = Uint8Array.of(0x62)
export const VALIDATOR_QUEUE = Uint8Array.of(0x63)
export const BOND_QUEUE = Uint8Array.of(0x64)
export const BONDS = Uint8Array.of(0x71)

export const PRESENT = Uint8Array.of(1)
const U64_MAX = 2n ** 64n - 1n

export function u64Bytes(value: bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, value < 0n ? 0n : value > U64_MAX ? U64_MAX : value)
  return out
}
export const readU64 = (bytes: Uint8Array, at: number): bigint => new DataView(bytes.buffer, bytes.byteOffset + at, 8).getBigUint64(0)

export const validatorKey = (operator: Uint8Array) => concatBytes(VALIDATORS, operator)
export const consensusKey = (consensusAddress: Uint8Array) => concatBytes(BY_CONSENSUS, consensusAddress)
/** Descending power, then ascending operator (x/staking's ValidatorsByPowerIndex order). */
export const powerIndexKey = (power: bigint, operator: Uint8Array) => concatBytes(POWER_INDEX, u64Bytes(U64_MAX - power), operator)
export const lastPowerKey = (operator: Uint8Array) => concatBytes(LAST_POWER, operator)
export const delegationKey = (delegator: Uint8Array, operator: Uint8Array) => concatBytes(DELEGATIONS, delegator, operator)
export const delegationByValidatorKey = (operator: Uint8Array, delegator: Uint8Array) =>
  concatBytes(DELEGATIONS_BY_VALIDATOR, operator, delegator)
export const unbondingKey = (delegator: Uint8Array, operator: Uint8Array) => concatBytes(UNBONDINGS, delegator, operator)
export const unbondingByValidatorKey = (operator: Uint8Array, delegator: Uint8Array) =>
  concatBytes(UNBONDINGS_BY_VALIDATOR, operator, delegator)
export const redelegationKey = (delegator: Uint8Array, src: Uint8Array, dst: Uint8Array) => concatBytes(REDELEGATIONS, delegator, src, dst)
export const redelegationBySourceKey = (src: Uint8Array, delegator: Uint8Array, dst: Uint8Array) =>
  concatBytes(REDELEGATIONS_BY_SOURCE, src, delegator, dst)
export const redelegationByDestinationKey = (delegator: Uint8Array, dst: Uint8Array, src: Uint8Array) =>
  concatBytes(REDELEGATIONS_BY_DESTINATION, delegator, dst, src)
export const unbondingQueueKey = (time: bigint, delegator: Uint8Array, operator: Uint8Array) =>
  concatBytes(UNBONDING_QUEUE, u64Bytes(time), delegator, operator)
export const redelegationQueueKey = (time: bigint, delegator: Uint8Array, src: Uint8Array, dst: Uint8Array) =>
  concatBytes(REDELEGATION_QUEUE, u64Bytes(time), delegator, src, dst)
export const validatorQueueKey = (time: bigint, operator: Uint8Array) => concatBytes(VALIDATOR_QUEUE, u64Bytes(time), operator)
export const bondKey = (owner: Uint8Array, purpose: string) => concatBytes(BONDS, owner, utf8(purpose))
export const bondQueueKey = (time: bigint, owner: Uint8Array, purpose: string) =>
  concatBytes(BOND_QUEUE, u64Bytes(time), owner, utf8(purpose))

export const concatKey = (...parts: Uint8Array[]): Uint8Array => concatBytes(...parts)

// Parsers, one per layout above (a key as `iterate` yields it, prefix byte included).
const A = 20
const T = 8
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8')
export const parsePowerIndexKey = (key: Uint8Array) => ({ power: U64_MAX - readU64(key, 1), operator: key.slice(1 + T, 1 + T + A) })
export const parseLastPowerKey = (key: Uint8Array) => ({ operator: key.slice(1, 1 + A) })
/** delegation, unbonding: prefix delegator operator. */
export const parseDelegationKey = (key: Uint8Array) => ({ delegator: key.slice(1, 1 + A), operator: key.slice(1 + A, 1 + 2 * A) })
export const parseUnbondingKey = parseDelegationKey
/** by-validator indexes: prefix operator delegator. */
export const parseByValidatorKey = (key: Uint8Array) => ({ operator: key.slice(1, 1 + A), delegator: key.slice(1 + A, 1 + 2 * A) })
export const parseRedelegationKey = (key: Uint8Array) => ({
  delegator: key.slice(1, 1 + A),
  src: key.slice(1 + A, 1 + 2 * A),
  dst: key.slice(1 + 2 * A, 1 + 3 * A),
})
export const parseRedelegationBySourceKey = (key: Uint8Array) => ({
  src: key.slice(1, 1 + A),
  delegator: key.slice(1 + A, 1 + 2 * A),
  dst: key.slice(1 + 2 * A, 1 + 3 * A),
})
/** The completion time of any queue key. */
export const queueTime = (key: Uint8Array): bigint => readU64(key, 1)
export const parseUnbondingQueueKey = (key: Uint8Array) => ({
  time: queueTime(key),
  delegator: key.slice(1 + T, 1 + T + A),
  operator: key.slice(1 + T + A, 1 + T + 2 * A),
})
export const parseRedelegationQueueKey = (key: Uint8Array) => ({
  time: queueTime(key),
  delegator: key.slice(1 + T, 1 + T + A),
  src: key.slice(1 + T + A, 1 + T + 2 * A),
  dst: key.slice(1 + T + 2 * A, 1 + T + 3 * A),
})
export const parseValidatorQueueKey = (key: Uint8Array) => ({ time: queueTime(key), operator: key.slice(1 + T, 1 + T + A) })
export const parseBondQueueKey = (key: Uint8Array) => ({
  time: queueTime(key),
  owner: key.slice(1 + T, 1 + T + A),
  purpose: text(key.subarray(1 + T + A)),
})
export const parseBondKey = (key: Uint8Array) => ({ owner: key.slice(1, 1 + A), purpose: text(key.subarray(1 + A)) })
