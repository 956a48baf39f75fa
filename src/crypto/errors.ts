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

export interface CryptoErrorContext {
  expected?: number | string
  actual?: number | string
  field?: string
}

export class CryptoError extends FedraError<CryptoErrorCode, CryptoErrorContext> {}
