import { concatBytes, expectKey, readU64, u64Bytes, utf8 } from '../../state/index.js'

// What this module's other files read keys with (src/state/bytes.ts).
export { u64Bytes, readU64 }

/**
 * Reputation's store, under `reputation/` (0x00 is the framework's params key):
 *   0x01 + subnet(8) + round(8) + validator(20)   → ScoreCommit (one per validator per round: its
 *                                                   commitment, then its reveal and its verdict)
 *   0x02 + subnet(8) + round(8) + trainer(20)     → Receipt (one per trainer of a scored round: the
 *                                                   proof of contribution, see receiptStateKey)
 *   0x03 + subnet(8) + trainer(20)                → Reputation (absent until first scored)
 *   0x04 + subnet(8) + trainer(20) + round(8)     → 0x01: the trainer's history index (its receipts by round)
 *   0x05 + subnet(8) + validator(20)              → ValidatorStanding (absent until it first commits)
 *   0x06 + subnet(8) + trainer(20) + validator(20) → Bond (Yuma's bond of a validator on a trainer; absent = 0)
 * All integers big-endian, so rounds iterate in order and one round's records in address order
 * (the trainer order of a model version, the row order of Yuma).
 */
export const MODULE = 'reputation'

const COMMIT = 0x01
const RECEIPT = 0x02
const REPUTATION = 0x03
const HISTORY = 0x04
const STANDING = 0x05
const BOND = 0x06
const U64 = 8
const ADDRESS = 20

export const ALL_COMMITS = Uint8Array.of(COMMIT)
export const ALL_RECEIPTS = Uint8Array.of(RECEIPT)
export const ALL_REPUTATIONS = Uint8Array.of(REPUTATION)
export const ALL_HISTORY = Uint8Array.of(HISTORY)
export const ALL_STANDINGS = Uint8Array.of(STANDING)
export const ALL_BONDS = Uint8Array.of(BOND)
export const PRESENT = Uint8Array.of(1)

const under = (first: Uint8Array, subnet: bigint): Uint8Array => concatBytes(first, u64Bytes(subnet))

export const commitsOf = (subnet: bigint, round: bigint): Uint8Array => concatBytes(under(ALL_COMMITS, subnet), u64Bytes(round))
export const commitKey = (subnet: bigint, round: bigint, validator: Uint8Array): Uint8Array =>
  concatBytes(commitsOf(subnet, round), validator)
export const receiptsOf = (subnet: bigint, round: bigint): Uint8Array => concatBytes(under(ALL_RECEIPTS, subnet), u64Bytes(round))
export const receiptKey = (subnet: bigint, round: bigint, trainer: Uint8Array): Uint8Array =>
  concatBytes(receiptsOf(subnet, round), trainer)
export const reputationsOf = (subnet: bigint): Uint8Array => under(ALL_REPUTATIONS, subnet)
export const reputationKey = (subnet: bigint, trainer: Uint8Array): Uint8Array => concatBytes(reputationsOf(subnet), trainer)
export const historyOf = (subnet: bigint, trainer: Uint8Array): Uint8Array => concatBytes(under(ALL_HISTORY, subnet), trainer)
export const historyKey = (subnet: bigint, trainer: Uint8Array, round: bigint): Uint8Array =>
  concatBytes(historyOf(subnet, trainer), u64Bytes(round))
export const standingsOf = (subnet: bigint): Uint8Array => under(ALL_STANDINGS, subnet)
export const standingKey = (subnet: bigint, validator: Uint8Array): Uint8Array => concatBytes(standingsOf(subnet), validator)
export const bondsOn = (subnet: bigint, trainer: Uint8Array): Uint8Array => concatBytes(under(ALL_BONDS, subnet), trainer)
export const bondKey = (subnet: bigint, trainer: Uint8Array, validator: Uint8Array): Uint8Array =>
  concatBytes(bondsOn(subnet, trainer), validator)

/**
 * The full state key of a receipt (`reputation/` + receiptKey): what `contribution_getProof`
 * asks the state tree for, and what a client hashes into its path to check the proof against
 * a header's state root. The value under it is the canonical encoding of messages.ts Receipt.
 */
export const receiptStateKey = (subnet: bigint, round: bigint, trainer: Uint8Array): Uint8Array =>
  concatBytes(utf8(`${MODULE}/`), receiptKey(subnet, round, trainer))

const expect = (key: Uint8Array, first: number, length: number | null, what: string): void =>
  expectKey('reputation', key, first, length, what)

export function parseCommitKey(key: Uint8Array): { subnet: bigint; round: bigint; validator: Uint8Array } {
  expect(key, COMMIT, 1 + 2 * U64 + ADDRESS, 'commit')
  return { subnet: readU64(key, 1), round: readU64(key, 1 + U64), validator: key.slice(1 + 2 * U64) }
}

export function parseReceiptKey(key: Uint8Array): { subnet: bigint; round: bigint; trainer: Uint8Array } {
  expect(key, RECEIPT, 1 + 2 * U64 + ADDRESS, 'receipt')
  return { subnet: readU64(key, 1), round: readU64(key, 1 + U64), trainer: key.slice(1 + 2 * U64) }
}

export function parseReputationKey(key: Uint8Array): { subnet: bigint; trainer: Uint8Array } {
  expect(key, REPUTATION, 1 + U64 + ADDRESS, 'reputation')
  return { subnet: readU64(key, 1), trainer: key.slice(1 + U64) }
}

export function parseHistoryKey(key: Uint8Array): { subnet: bigint; trainer: Uint8Array; round: bigint } {
  expect(key, HISTORY, 1 + 2 * U64 + ADDRESS, 'history')
  return { subnet: readU64(key, 1), trainer: key.slice(1 + U64, 1 + U64 + ADDRESS), round: readU64(key, 1 + U64 + ADDRESS) }
}

export function parseStandingKey(key: Uint8Array): { subnet: bigint; validator: Uint8Array } {
  expect(key, STANDING, 1 + U64 + ADDRESS, 'standing')
  return { subnet: readU64(key, 1), validator: key.slice(1 + U64) }
}

export function parseBondKey(key: Uint8Array): { subnet: bigint; trainer: Uint8Array; validator: Uint8Array } {
  expect(key, BOND, 1 + U64 + 2 * ADDRESS, 'bond')
  return { subnet: readU64(key, 1), trainer: key.slice(1 + U64, 1 + U64 + ADDRESS), validator: key.slice(1 + U64 + ADDRESS) }
}
