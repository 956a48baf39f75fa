import { bech32 } from '@scure/base'
import { latin1 } from '../bytes.js'
import { BoundedMemo } from '../memo.js'
import { CryptoError } from './errors.js'
import { sha256 } from './hash.js'

export const ADDRESS_LENGTH = 20
export const ACCOUNT_PREFIX = 'fedra'

/** An account address: the first 20 bytes of SHA-256 of the ed25519 public key (as Cosmos). */
export function addressBytesOf(publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey).subarray(0, ADDRESS_LENGTH)
}

export function encodeAddress(bytes: Uint8Array, prefix = ACCOUNT_PREFIX): string {
  if (bytes.length !== ADDRESS_LENGTH) {
    throw new CryptoError('BAD_ADDRESS', `an address is ${ADDRESS_LENGTH} bytes`, { expected: ADDRESS_LENGTH, actual: bytes.length })
  }
  const id = prefix + latin1(bytes)
  return encodedMemo.get(id, () => bech32.encode(prefix, bech32.toWords(bytes)))
}

// Bech32 costs ~10 µs each way and block execution names the same few hundred senders in
// every event; both directions are pure functions of their input, so a bounded memo is exact.
const encodedMemo = new BoundedMemo<string, string>(16_384)
const decodedMemo = new BoundedMemo<string, Uint8Array>(16_384)

export function decodeAddress(text: string, prefix = ACCOUNT_PREFIX): Uint8Array {
  return decodedMemo.get(`${prefix} ${text}`, () => decodeAddressUncached(text, prefix)).slice()
}

function decodeAddressUncached(text: string, prefix: string): Uint8Array {
  let decoded: { prefix: string; words: number[] }
  try {
    decoded = bech32.decode(text as `${string}1${string}`)
  } catch (error) {
    throw new CryptoError('BAD_ADDRESS', `"${text}" is not a bech32 address: ${(error as Error).message}`, { actual: text })
  }
  if (decoded.prefix !== prefix) {
    throw new CryptoError('BAD_ADDRESS', `"${text}" has prefix ${decoded.prefix}, expected ${prefix}`, {
      expected: prefix,
      actual: decoded.prefix,
    })
  }
  if (text !== text.toLowerCase()) throw new CryptoError('BAD_ADDRESS', `"${text}" is not lower case`, { actual: text })
  let bytes: Uint8Array
  try {
    bytes = Uint8Array.from(bech32.fromWords(decoded.words))
  } catch (error) {
    throw new CryptoError('BAD_ADDRESS', `"${text}" has invalid padding`, { actual: text }, { cause: error })
  }
  if (bytes.length !== ADDRESS_LENGTH) {
    throw new CryptoError('BAD_ADDRESS', `"${text}" holds ${bytes.length} bytes, expected ${ADDRESS_LENGTH}`, {
      expected: ADDRESS_LENGTH,
      actual: bytes.length,
    })
  }
  return bytes
}
