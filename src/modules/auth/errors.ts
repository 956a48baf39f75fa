import { ModuleError } from '../../state/index.js'

/** Codes of the `auth` codespace. */
export const AUTH_ERRORS = {
  /** A query or message named something that is not a fedra1… address. */
  INVALID_ADDRESS: 2,
} as const

export type AuthErrorCode = keyof typeof AUTH_ERRORS

export function authError(code: AuthErrorCode, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('auth', AUTH_ERRORS[code], code, message, context)
}
