import { CID } from 'multiformats/cid'
import { decodeAddress, fromHex } from '../crypto/index.js'
import { type CoinValue, DENOM } from '../modules/bank/messages.js'
import { MAX_ALLOW_LIST_CHANGE, isRole } from '../modules/subnets/messages.js'
import { Dec } from '../state/dec.js'
import { ClientError } from './errors.js'

/**
 * The checks every message builder applies to what a user typed (bech32, amounts, ids, CIDs,
 * fractions): each answers the typed value or throws ClientError INVALID_INPUT naming the field.
 * Shared by src/client/tx.ts and the builders of later modules (datanet-tx.ts).
 */
const COIN = /^(0|[1-9][0-9]{0,77})([a-z][a-z0-9/]{2,63})$/

/**
 * "10ufdr,5uabc" → coins sorted by denomination, as the bank module requires.
 * @throws ClientError INVALID_INPUT for anything that is not a list of whole amounts with denominations.
 */
export function parseCoins(text: string): CoinValue[] {
  const coins = text.split(',').map((part) => {
    const match = COIN.exec(part.trim())
    if (match === null || !DENOM.test(match[2]!))
      throw new ClientError('INVALID_INPUT', `"${part}" is not an amount like 1000ufdr`, { reason: 'amount' })
    return { denom: match[2]!, amount: BigInt(match[1]!) }
  })
  coins.sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0))
  return coins
}

export const invalid = (reason: string, message: string): never => {
  throw new ClientError('INVALID_INPUT', message, { reason })
}

/** One coin ("1000ufdr" or { denom, amount }), positive. */
export function oneCoin(value: string | CoinValue, field: string): CoinValue {
  const coin = typeof value === 'string' ? parseCoins(value) : [value]
  if (coin.length !== 1) return invalid(field, `${field}: expected one amount like 1000ufdr, got ${coin.length}`)
  const [c] = coin as [CoinValue]
  if (typeof c !== 'object' || c === null || typeof c.denom !== 'string' || !DENOM.test(c.denom) || typeof c.amount !== 'bigint')
    return invalid(field, `${field}: expected an amount like 1000ufdr`)
  if (c.amount <= 0n) return invalid(field, `${field}: the amount must be positive, got ${c.amount}${c.denom}`)
  return { denom: c.denom, amount: c.amount }
}

/** A fedra1… account address. */
export function accountBytes(text: string, field: string): Uint8Array {
  try {
    return decodeAddress(text)
  } catch (error) {
    return invalid(
      field,
      `${field}: "${String(text).slice(0, 100)}" is not a fedra1… address: ${(error as Error).message.replace(/^[A-Z_]+: /, '')}`,
    )
  }
}

/** A validator: its operator address fedravaloper1…, or the operator's fedra1…. */
export function validatorBytes(text: string, field: string): Uint8Array {
  for (const prefix of ['fedravaloper', 'fedra']) {
    try {
      return decodeAddress(text, prefix)
    } catch {
      // the next form
    }
  }
  return invalid(field, `${field}: "${String(text).slice(0, 100)}" is not a fedravaloper1… (or fedra1…) validator address`)
}

/** Non-negative decimal text: "0.5", "12". */
export function decimal(text: string, field: string): Dec {
  try {
    return Dec.parse(text)
  } catch {
    return invalid(field, `${field}: "${String(text).slice(0, 80)}" is not a decimal like 0.5 (at most 18 digits after the point)`)
  }
}

/** A rate or fraction as decimal text in [0, 1]: "0.1", "1". */
export function rate(text: string, field: string): Dec {
  let value: Dec
  try {
    value = Dec.parse(text)
  } catch {
    return invalid(field, `${field}: "${String(text).slice(0, 80)}" is not a decimal like 0.1 (at most 18 digits after the point)`)
  }
  if (value.gt(Dec.ONE)) invalid(field, `${field}: ${text} is above 1`)
  return value
}

/** A positive whole number: a bigint, or its decimal text. */
export function positiveInt(value: bigint | string, field: string): bigint {
  const n =
    typeof value === 'bigint'
      ? value
      : /^(0|[1-9][0-9]{0,77})$/.test(String(value))
        ? BigInt(value)
        : invalid(field, `${field}: "${String(value).slice(0, 80)}" is not a whole number`)
  if (n <= 0n) invalid(field, `${field}: must be positive`)
  if (n >= 2n ** 256n) invalid(field, `${field}: too large`)
  return n
}

/** A u64 id, round or version: a bigint, a safe integer, or its decimal text. */
export function u64(value: bigint | number | string, field: string): bigint {
  const n =
    typeof value === 'bigint'
      ? value
      : (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(value))
        ? BigInt(value)
        : invalid(field, `${field}: "${String(value).slice(0, 40)}" is not a whole number`)
  if (n < 0n || n >= 2n ** 64n) invalid(field, `${field}: must lie in 0..2^64-1`)
  return n
}

/** A whole number that fits a u32 (sample counts). */
export function u32(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff_ffff)
    return invalid(field, `${field}: expected a whole number 0..4294967295`)
  return value
}

/** A blob's CID as the chain stores it: CIDv1 text, base32 (what the parameter store prints). */
export function cidText(text: string, field: string): string {
  let cid: CID
  try {
    cid = CID.parse(text)
  } catch {
    return invalid(field, `${field}: "${String(text).slice(0, 80)}" is not a CID`)
  }
  if (cid.version !== 1) invalid(field, `${field}: must be a CIDv1 (as \`fedra blob put\` prints it), not v${cid.version}`)
  return cid.toString()
}

/** A role of a subnet. */
export function role(text: string): 'trainer' | 'aggregator' {
  if (typeof text !== 'string' || !isRole(text)) return invalid('role', `role: trainer or aggregator, not "${String(text).slice(0, 20)}"`)
  return text
}

/** A list of fedra1… addresses, each once. */
export function addressList(list: readonly string[], field: string): Uint8Array[] {
  if (!Array.isArray(list)) return invalid(field, `${field}: expected a list of fedra1… addresses`)
  if (list.length > MAX_ALLOW_LIST_CHANGE) invalid(field, `${field}: at most ${MAX_ALLOW_LIST_CHANGE} addresses, got ${list.length}`)
  const seen = new Set<string>()
  return list.map((text) => {
    const bytes = accountBytes(text, field)
    const key = bytes.join(',')
    if (seen.has(key)) invalid(field, `${field}: ${text} is listed twice`)
    seen.add(key)
    return bytes
  })
}

/** 32 bytes: a Uint8Array or 64 hex digits. */
export function bytes32(value: Uint8Array | string, field: string): Uint8Array {
  if (value instanceof Uint8Array) return value.length === 32 ? value : invalid(field, `${field}: expected 32 bytes, got ${value.length}`)
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) return invalid(field, `${field}: expected 32 bytes as 64 hex digits`)
  return fromHex(value.toLowerCase())
}

export const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return 0
}

export function moniker(text: string, field = 'moniker'): string {
  if (typeof text !== 'string' || text.trim() === '') return invalid(field, `${field}: must not be empty`)
  if (text.length > 70) return invalid(field, `${field}: at most 70 characters, got ${text.length}`)
  return text
}
