import { concatBytes, expectKey, readU64, u64Bytes } from '../../state/index.js'

// What this module's other files read keys with (src/state/bytes.ts).
export { u64Bytes }

/**
 * Rewards' store, under `rewards/` (0x00 is the framework's params key). Integers big-endian, so
 * subnets and rounds iterate in numeric order:
 *   0x01 + subnet(8)               → Amount: the subnet's reward pool (what the next settlement
 *                                    splits; absent = 0)
 *   0x02 + subnet(8)               → Amount: the subnet's data treasury (absent = 0)
 *   0x03 + subnet(8) + round(8)    → RoundPayouts: who got what when the round settled
 *   0x04                           → RewardsTotals: Σ emission minted, Σ trainers' bonds burned
 * Every coin of the `rewards` module account is in exactly one pool or treasury (invariants.ts).
 */
export const MODULE = 'rewards'

/** The module account holding every subnet's pool and treasury (permission: minter, for the per-round emission). */
export const REWARDS_ACCOUNT = MODULE

const POOL = 0x01
const TREASURY = 0x02
const PAYOUTS = 0x03
const TOTALS = 0x04
const U64 = 8

const expect = (key: Uint8Array, first: number, length: number | null, what: string): void => expectKey('rewards', key, first, length, what)

export const ALL_POOLS = Uint8Array.of(POOL)
export const ALL_TREASURIES = Uint8Array.of(TREASURY)
export const ALL_PAYOUTS = Uint8Array.of(PAYOUTS)
export const TOTALS_KEY = Uint8Array.of(TOTALS)

export const poolKey = (subnet: bigint): Uint8Array => concatBytes(ALL_POOLS, u64Bytes(subnet))
export const treasuryKey = (subnet: bigint): Uint8Array => concatBytes(ALL_TREASURIES, u64Bytes(subnet))
export const payoutsOf = (subnet: bigint): Uint8Array => concatBytes(ALL_PAYOUTS, u64Bytes(subnet))
export const payoutsKey = (subnet: bigint, round: bigint): Uint8Array => concatBytes(payoutsOf(subnet), u64Bytes(round))

/** The subnet of a pool or treasury key. */
export function parseSubnetKey(key: Uint8Array): bigint {
  if ((key[0] !== POOL && key[0] !== TREASURY) || key.length !== 1 + U64)
    throw new Error(`not a rewards pool or treasury key: ${Buffer.from(key).toString('hex')}`)
  return readU64(key, 1)
}

export function parsePayoutsKey(key: Uint8Array): { subnet: bigint; round: bigint } {
  expect(key, PAYOUTS, 1 + 2 * U64, 'payouts')
  return { subnet: readU64(key, 1), round: readU64(key, 1 + U64) }
}
