import { concatBytes, expectKey, readU64, u64Bytes } from '../../state/index.js'

/**
 * Distribution's store, under `distribution/` (0x00 is the framework's params key). Addresses
 * are 20 bytes, periods and heights 8-byte big-endian (so iteration is in numeric order):
 *   0x01                                         → FeePool: the community pool (DecCoins)
 *   0x02                                         → the previous block's proposer (consensus address)
 *   0x03 + operator                              → ValidatorOutstandingRewards (DecCoins)
 *   0x04 + delegator                             → withdraw address (absent: the delegator itself)
 *   0x05 + operator + period                     → ValidatorHistoricalRewards
 *   0x06 + operator                              → ValidatorCurrentRewards
 *   0x07 + operator                              → ValidatorAccumulatedCommission (DecCoins)
 *   0x08 + operator + delegator                  → DelegatorStartingInfo
 *   0x09 + operator + height + period            → ValidatorSlashEvent
 */
export const MODULE = 'distribution'

/** The module account holding outstanding rewards and the community pool (permission: minter, for the emission). */
export const DISTRIBUTION_ACCOUNT = MODULE

/**
 * The fee collector (bank's FEE_COLLECTOR, where the ante handler pays fees): by composition
 * owned by distribution, which empties it at every begin-block. Named here, not imported, since
 * a module sees of another only its published contract.
 */
export const FEE_COLLECTOR = 'fee_collector'

const ADDRESS = 20
const FEE_POOL = 0x01
const PREVIOUS_PROPOSER = 0x02
const OUTSTANDING = 0x03
const WITHDRAW_ADDRESS = 0x04
const HISTORICAL = 0x05
const CURRENT = 0x06
const COMMISSION = 0x07
const STARTING_INFO = 0x08
const SLASH_EVENT = 0x09

const expect = (key: Uint8Array, first: number, length: number | null, what: string): void =>
  expectKey('distribution', key, first, length, what)

export const FEE_POOL_KEY = Uint8Array.of(FEE_POOL)
export const PREVIOUS_PROPOSER_KEY = Uint8Array.of(PREVIOUS_PROPOSER)

export const ALL_OUTSTANDING = Uint8Array.of(OUTSTANDING)
export const outstandingKey = (operator: Uint8Array): Uint8Array => concatBytes(ALL_OUTSTANDING, operator)
export function parseOutstandingKey(key: Uint8Array): Uint8Array {
  expect(key, OUTSTANDING, 1 + ADDRESS, 'outstanding')
  return key.slice(1)
}

export const ALL_WITHDRAW_ADDRESSES = Uint8Array.of(WITHDRAW_ADDRESS)
export const withdrawAddressKey = (delegator: Uint8Array): Uint8Array => concatBytes(ALL_WITHDRAW_ADDRESSES, delegator)
export function parseWithdrawAddressKey(key: Uint8Array): Uint8Array {
  expect(key, WITHDRAW_ADDRESS, 1 + ADDRESS, 'withdraw address')
  return key.slice(1)
}

export const ALL_HISTORICAL = Uint8Array.of(HISTORICAL)
export const historicalOf = (operator: Uint8Array): Uint8Array => concatBytes(ALL_HISTORICAL, operator)
export const historicalKey = (operator: Uint8Array, period: bigint): Uint8Array => concatBytes(ALL_HISTORICAL, operator, u64Bytes(period))
export function parseHistoricalKey(key: Uint8Array): { operator: Uint8Array; period: bigint } {
  expect(key, HISTORICAL, 1 + ADDRESS + 8, 'historical rewards')
  return { operator: key.slice(1, 1 + ADDRESS), period: readU64(key, 1 + ADDRESS) }
}

export const ALL_CURRENT = Uint8Array.of(CURRENT)
export const currentKey = (operator: Uint8Array): Uint8Array => concatBytes(ALL_CURRENT, operator)
export function parseCurrentKey(key: Uint8Array): Uint8Array {
  expect(key, CURRENT, 1 + ADDRESS, 'current rewards')
  return key.slice(1)
}

export const ALL_COMMISSION = Uint8Array.of(COMMISSION)
export const commissionKey = (operator: Uint8Array): Uint8Array => concatBytes(ALL_COMMISSION, operator)
export function parseCommissionKey(key: Uint8Array): Uint8Array {
  expect(key, COMMISSION, 1 + ADDRESS, 'commission')
  return key.slice(1)
}

export const ALL_STARTING_INFOS = Uint8Array.of(STARTING_INFO)
export const startingInfosOf = (operator: Uint8Array): Uint8Array => concatBytes(ALL_STARTING_INFOS, operator)
export const startingInfoKey = (operator: Uint8Array, delegator: Uint8Array): Uint8Array =>
  concatBytes(ALL_STARTING_INFOS, operator, delegator)
export function parseStartingInfoKey(key: Uint8Array): { operator: Uint8Array; delegator: Uint8Array } {
  expect(key, STARTING_INFO, 1 + 2 * ADDRESS, 'starting info')
  return { operator: key.slice(1, 1 + ADDRESS), delegator: key.slice(1 + ADDRESS) }
}

export const ALL_SLASH_EVENTS = Uint8Array.of(SLASH_EVENT)
export const slashEventsOf = (operator: Uint8Array): Uint8Array => concatBytes(ALL_SLASH_EVENTS, operator)
export const slashEventKey = (operator: Uint8Array, height: bigint, period: bigint): Uint8Array =>
  concatBytes(ALL_SLASH_EVENTS, operator, u64Bytes(height), u64Bytes(period))
export function parseSlashEventKey(key: Uint8Array): { operator: Uint8Array; height: bigint; period: bigint } {
  expect(key, SLASH_EVENT, 1 + ADDRESS + 16, 'slash event')
  return { operator: key.slice(1, 1 + ADDRESS), height: readU64(key, 1 + ADDRESS), period: readU64(key, 1 + ADDRESS + 8) }
}
