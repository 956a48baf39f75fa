import { ModuleError } from '../../state/index.js'

/** Codes of the `bank` codespace. */
export const BANK_ERRORS = {
  INSUFFICIENT_FUNDS: 2,
  INVALID_COINS: 3,
  INVALID_RECIPIENT: 4,
} as const

export function bankError(code: keyof typeof BANK_ERRORS, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('bank', BANK_ERRORS[code], code, message, context)
}
