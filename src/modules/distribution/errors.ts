import { ModuleError } from '../../state/index.js'

/** Codes of the `distribution` codespace (x/distribution's errors, numbered here). */
export const DISTRIBUTION_ERRORS = {
  /** The delegator has no delegation (or no starting info) with the validator. */
  NO_DELEGATION: 2,
  /** No validator with that operator address (or operated by the signer). */
  UNKNOWN_VALIDATOR: 3,
  /** The validator's accumulated commission is less than one unit of every denomination. */
  NO_COMMISSION: 4,
  /** `withdraw_addr_enabled` is false. */
  WITHDRAW_ADDRESS_DISABLED: 5,
  /** The withdraw address is a module account, which may not receive rewards. */
  WITHDRAW_ADDRESS_BLOCKED: 6,
  INVALID_COINS: 7,
  INVALID_PARAMS: 8,
  /** A query parameter is missing or malformed. */
  INVALID_QUERY: 9,
} as const

export type DistributionErrorCode = keyof typeof DISTRIBUTION_ERRORS

export function distributionError(code: DistributionErrorCode, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('distribution', DISTRIBUTION_ERRORS[code], code, message, context)
}
