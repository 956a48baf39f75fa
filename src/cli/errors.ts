import { FedraError } from '../errors.js'

export type CliErrorCode = 'USAGE' | 'KEY_EXISTS' | 'KEY_NOT_FOUND' | 'BAD_KEY_NAME' | 'NO_PASSPHRASE' | 'BAD_FILE' | 'VERIFICATION_FAILED'

/** A CLI failure: printed as one line on stderr; USAGE exits 2, everything else 1. */
export class CliError extends FedraError<CliErrorCode, { path?: string; name?: string }> {}
