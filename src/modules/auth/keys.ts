import { concatBytes } from '../../state/index.js'

/**
 * Auth's store, under `auth/` (0x00 is the framework's params key):
 *   0x61 'a' + address(20) → Account
 */
export const MODULE = 'auth'
const ACCOUNT = 0x61
const ADDRESS_BYTES = 20

export const ACCOUNT_PREFIX = Uint8Array.of(ACCOUNT)
export const accountKey = (address: Uint8Array): Uint8Array => concatBytes(ACCOUNT_PREFIX, address)

/** The address an account key (from `iterate(ACCOUNT_PREFIX)`) names. */
export function parseAccountKey(key: Uint8Array): Uint8Array {
  if (key[0] !== ACCOUNT || key.length !== 1 + ADDRESS_BYTES)
    throw new Error(`not an auth account key: ${Buffer.from(key).toString('hex')}`)
  return key.slice(1)
}
