import { ModuleError } from '../../state/index.js'

/**
 * Codes of the `rewards` codespace (numeric, stable). Every code but HARMFUL_UPDATE is a refusal:
 * the tx (or query) fails and nothing changes. HARMFUL_UPDATE is a verdict, carried by the
 * trainer_slashed event of the begin-block that settles a round.
 */
export const REWARDS_ERRORS = {
  INVALID_PARAMS: 2,
  /** A pool funding of zero units. */
  INVALID_AMOUNT: 3,
  /** A pool funding in another denomination than the bond denomination. */
  BAD_DENOM: 4,
  /** No subnet with that id. */
  UNKNOWN_SUBNET: 5,
  /** The signer cannot pay the funding. */
  INSUFFICIENT_FUNDS: 6,
  /** No settlement of that round (not closed yet, no version, or no such round). */
  UNKNOWN_PAYOUTS: 7,
  /** A query parameter that is not a decimal integer. */
  INVALID_QUERY: 8,
  /** The trainer's consensus score × K fell below harmful_score_threshold: its bond was slashed (event only). */
  HARMFUL_UPDATE: 9,
} as const

export type RewardsErrorCode = keyof typeof REWARDS_ERRORS

export function rewardsError(code: RewardsErrorCode, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('rewards', REWARDS_ERRORS[code], code, message, context)
}
