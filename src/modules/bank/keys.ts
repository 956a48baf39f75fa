import { concatBytes, utf8 } from '../../state/index.js'

/**
 * Bank's store, under `bank/` (0x00 is the framework's params key):
 *   0x62 'b' + address(20) + denom → amount (minimal big-endian bytes; absent when zero)
 *   0x73 's' + denom              → total supply of denom
 */
export const MODULE = 'bank'
const BALANCE = 0x62
const SUPPLY = 0x73
const ADDRESS_BYTES = 20

export const ALL_BALANCES = Uint8Array.of(BALANCE)
export const ALL_SUPPLY = Uint8Array.of(SUPPLY)

export const balanceKey = (address: Uint8Array, denom: string): Uint8Array => concatBytes(ALL_BALANCES, address, utf8(denom))
/** The prefix of every balance of one address. */
export const balancesOf = (address: Uint8Array): Uint8Array => concatBytes(ALL_BALANCES, address)
export const supplyKey = (denom: string): Uint8Array => concatBytes(ALL_SUPPLY, utf8(denom))

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8')

/** The address and denomination a balance key (from `iterate(ALL_BALANCES)`) names. */
export function parseBalanceKey(key: Uint8Array): { address: Uint8Array; denom: string } {
  if (key[0] !== BALANCE || key.length <= 1 + ADDRESS_BYTES) throw new Error(`not a bank balance key: ${Buffer.from(key).toString('hex')}`)
  return { address: key.slice(1, 1 + ADDRESS_BYTES), denom: text(key.subarray(1 + ADDRESS_BYTES)) }
}

/** The denomination a supply key names. */
export function parseSupplyKey(key: Uint8Array): string {
  if (key[0] !== SUPPLY || key.length < 2) throw new Error(`not a bank supply key: ${Buffer.from(key).toString('hex')}`)
  return text(key.subarray(1))
}

/** The fee collector: the module account transaction fees are paid into. */
export const FEE_COLLECTOR = 'fee_collector'
