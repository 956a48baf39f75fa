import { concatBytes, expectKey, readU64, u64Bytes } from '../../state/index.js'

/**
 * Disputes' store, under `disputes/` (0x00 is the framework's params key). Integers big-endian,
 * so ids and subnets iterate in numeric order:
 *   0x01 + id(8)                                   → Dispute
 *   0x02 + subnet(8) + round(8) + target(20)       → id(8): the one dispute a slash may have
 *   0x03                                           → DisputeTotals (next id, bonds burned, slashes refunded)
 *   0x04 + id(8)                                   → 0x01: the open index (disputes awaiting their proposal)
 */
export const MODULE = 'disputes'

/** The module account that escrows bonds while a dispute is open: it burns a lost bond and mints a refunded slash. */
export const DISPUTES_ACCOUNT = MODULE

const DISPUTE = 0x01
const TARGET = 0x02
const TOTALS = 0x03
const OPEN = 0x04
const U64 = 8

export const ALL_DISPUTES = Uint8Array.of(DISPUTE)
export const TOTALS_KEY = Uint8Array.of(TOTALS)
export const ALL_OPEN = Uint8Array.of(OPEN)
export const openKey = (id: bigint): Uint8Array => concatBytes(ALL_OPEN, u64Bytes(id))

export function parseOpenKey(key: Uint8Array): bigint {
  expectKey('disputes', key, OPEN, 1 + U64, 'open dispute')
  return readU64(key, 1)
}

export const disputeKey = (id: bigint): Uint8Array => concatBytes(ALL_DISPUTES, u64Bytes(id))
export const targetKey = (subnet: bigint, round: bigint, target: Uint8Array): Uint8Array =>
  concatBytes(Uint8Array.of(TARGET), u64Bytes(subnet), u64Bytes(round), target)

export function parseDisputeKey(key: Uint8Array): bigint {
  expectKey('disputes', key, DISPUTE, 1 + U64, 'dispute')
  return readU64(key, 1)
}
