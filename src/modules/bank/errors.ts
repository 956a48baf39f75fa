import { ModuleError } from '../../state/index.js'

/** Codes of the `bank` codespace. */
export const BANK_ERRORS = {
  INSUFFICIENT_FUNDS: 2,
  INVALID_COINS: 3,
  /** Coins sent with `send` to a module account (use sendToModule), or to an address that is not 20 bytes. */
  INVALID_RECIPIENT: 4,
  /** A module moved, minted or burned coins of an account it does not own, or without the permission. */
  UNAUTHORIZED: 5,
  UNKNOWN_MODULE_ACCOUNT: 6,
  INVALID_PARAMS: 7,
} as const

export type BankErrorCode = keyof typeof BANK_ERRORS

export function bankError(code: BankErrorCode, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('bank', BANK_ERRORS[code], code, message, context)
}
