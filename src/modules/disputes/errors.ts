import { ModuleError } from '../../state/index.js'

/** Codes of the `disputes` codespace (numeric, stable). Every one is a refusal: the tx (or query) fails and nothing changes. */
export const DISPUTES_ERRORS = {
  INVALID_PARAMS: 2,
  /** No subnet with that id. */
  UNKNOWN_SUBNET: 3,
  /** No round with that number in the subnet. */
  UNKNOWN_ROUND: 4,
  /** The target has no slash of the claimed kind on record in that round (nothing to dispute). */
  UNKNOWN_TARGET: 5,
  /** The slash is older than window_blocks. */
  OUT_OF_WINDOW: 6,
  /** A bond below min_bond. */
  BOND_TOO_SMALL: 7,
  /** A bond in another denomination than the bond denomination. */
  BAD_DENOM: 8,
  /** The signer cannot pay the bond. */
  INSUFFICIENT_FUNDS: 9,
  /** The slash (subnet, round, target) is already disputed. */
  DUPLICATE_DISPUTE: 10,
  /** A claim kind this chain does not resolve (see DISPUTE_CLAIMS). */
  CLAIM_NOT_ALLOWED: 11,
  /** The message does not declare a blob the recomputation reads (the round's base model, its updates, the rejected aggregate). */
  EVIDENCE_MISSING: 12,
  /** A query parameter that is malformed. */
  INVALID_QUERY: 13,
  /** No dispute with that id. */
  UNKNOWN_DISPUTE: 14,
} as const

export type DisputesErrorCode = keyof typeof DISPUTES_ERRORS

export function disputesError(code: DisputesErrorCode, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('disputes', DISPUTES_ERRORS[code], code, message, context)
}
