import { concatBytes, utf8 } from '../../state/index.js'
import { sha256 } from '../../crypto/index.js'

export const MODULE = 'bank'
const BALANCE = 0x62 // 'b' + address(20) + denom → amount
const SUPPLY = 0x73 // 's' + denom → amount
export const PARAMS_KEY = Uint8Array.of(0x70) // 'p' → params

export const balanceKey = (address: Uint8Array, denom: string) => concatBytes(Uint8Array.of(BALANCE), address, utf8(denom))
export const balancesOf = (address: Uint8Array) => concatBytes(Uint8Array.of(BALANCE), address)
export const ALL_BALANCES = Uint8Array.of(BALANCE)
export const supplyKey = (denom: string) => concatBytes(Uint8Array.of(SUPPLY), utf8(denom))
export const ALL_SUPPLY = Uint8Array.of(SUPPLY)

// Fee payment asks for the fee collector's address on every tx.
const moduleAddresses = new Map<string, Uint8Array>()

/** The address of a module's own account (fee collector, reward pools): nobody holds its key. */
export function moduleAddress(name: string): Uint8Array {
  let address = moduleAddresses.get(name)
  if (address === undefined) {
    address = sha256(utf8(`module/${name}`)).slice(0, 20)
    moduleAddresses.set(name, address)
  }
  return address.slice()
}

export const FEE_COLLECTOR = 'fee_collector'
