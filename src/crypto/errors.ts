import { FedraError } from '../errors.js'

export type CryptoErrorCode =
  | 'BAD_KEY_LENGTH'
  | 'BAD_SIGNATURE_LENGTH'
  | 'BAD_ADDRESS'
  | 'BAD_MNEMONIC'
  | 'KEYSTORE_MALFORMED'
  | 'KEYSTORE_BAD_PASSPHRASE'
  | 'KEYSTORE_UNSUPPORTED'
  | 'KEYSTORE_WEAK'
  | 'BAD_KEY_NAME' // keyring: a name outside 1–64 of A–Z a–z 0–9 _ -
  | 'KEY_EXISTS'
  | 'KEY_NOT_FOUND'
  | 'BAD_FILE' // keyring: a key file that is not JSON

export interface CryptoErrorContext {
  expected?: number | string
  actual?: number | string
  field?: string
}

export class CryptoError extends FedraError<CryptoErrorCode, CryptoErrorContext> {}
