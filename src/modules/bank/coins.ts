import { bankError } from './errors.js'
import { type CoinValue, DENOM } from './messages.js'

/** Coins are canonical when denoms are valid, strictly ascending (so unique), amounts positive. */
export function assertValidCoins(coins: CoinValue[]): void {
  let previous = ''
  for (const { denom, amount } of coins) {
    if (!DENOM.test(denom)) throw bankError('INVALID_COINS', `invalid denomination "${denom}"`)
    if (denom <= previous) throw bankError('INVALID_COINS', 'coins must be sorted by denomination without duplicates')
    if (amount <= 0n) throw bankError('INVALID_COINS', `amount of ${denom} must be positive`)
    previous = denom
  }
}

export const formatCoins = (coins: CoinValue[]): string => coins.map((c) => `${c.amount}${c.denom}`).join(',')

/** Amounts are stored as minimal big-endian bytes, as the codec's uint: one form per value. */
export function amountToBytes(amount: bigint): Uint8Array {
  if (amount === 0n) return new Uint8Array(0)
  let hex = amount.toString(16)
  if (hex.length % 2) hex = `0${hex}`
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}

export function bytesToAmount(bytes: Uint8Array | undefined): bigint {
  if (bytes === undefined || bytes.length === 0) return 0n
  return BigInt(`0x${Buffer.from(bytes).toString('hex')}`)
}
