import { ModuleError } from '../../state/index.js'

/** Codes of the `slashing` codespace (x/slashing's registered errors, renumbered). */
export const SLASHING_ERRORS = {
  INVALID_PARAMS: 2,
  /** MsgUnjail signed by an account that operates no validator. */
  NO_VALIDATOR: 3,
  /** The validator has no self-delegation at all. */
  MISSING_SELF_DELEGATION: 4,
  /** Its self-delegation is worth less than its min_self_delegation. */
  SELF_DELEGATION_TOO_LOW: 5,
  VALIDATOR_NOT_JAILED: 6,
  /** Tombstoned for double-signing: never unjailable. */
  VALIDATOR_TOMBSTONED: 7,
  /** Still inside its jail period (jailed_until is after the block time). */
  VALIDATOR_STILL_JAILED: 8,
  /** A query named a validator that has no signing info. */
  NO_SIGNING_INFO: 9,
  /** A query's address is neither fedravalcons1…, 40 hex digits, fedravaloper1… nor fedra1…. */
  INVALID_ADDRESS: 10,
} as const

export type SlashingErrorCode = keyof typeof SLASHING_ERRORS

export function slashingError(code: SlashingErrorCode, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('slashing', SLASHING_ERRORS[code], code, message, context)
}
