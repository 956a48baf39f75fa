import { ModuleError } from '../../state/index.js'

/**
 * Codes of the `reputation` codespace (numeric, stable). Every code but SCORES_MISMATCH is a
 * refusal: the tx fails and nothing changes. A reveal that does not match its commitment is a
 * verdict instead (see handler.ts): the tx succeeds, the scores_mismatched event carries
 * SCORES_MISMATCH, and the validator is recorded as a no-show of the round.
 */
export const REPUTATION_ERRORS = {
  INVALID_PARAMS: 2,
  /** Training has no such round of that subnet (or no such subnet). */
  UNKNOWN_ROUND: 3,
  /** The round has closed: its scores are settled. */
  ROUND_CLOSED: 4,
  /** The round has no accepted aggregate (no version): there is nothing to score. */
  NO_VERSION: 5,
  /** The signer is not the operator of a bonded, unjailed validator. */
  NOT_VALIDATOR: 6,
  /** A commit before the round's score window (its aggregate window still runs). */
  COMMIT_TOO_EARLY: 7,
  /** A commit after the commit half of the score window (reveals have begun, or the window is too short to have a commit half). */
  COMMIT_TOO_LATE: 8,
  /** The validator already committed to this round. */
  ALREADY_COMMITTED: 9,
  /** A reveal before the reveal half of the score window. */
  REVEAL_TOO_EARLY: 10,
  /** A reveal by a validator that did not commit to the round. */
  NOT_COMMITTED: 11,
  /** The validator already revealed (matching or not): a verdict is final. */
  ALREADY_REVEALED: 12,
  /** A reveal naming one trainer twice. */
  DUPLICATE_TRAINER: 13,
  /** A reveal whose trainers are not in ascending address order. */
  UNSORTED_TRAINERS: 14,
  /** A reveal scoring a trainer the round's version does not include. */
  UNKNOWN_TRAINER: 15,
  /** A reveal leaving out a trainer the round's version includes. */
  MISSING_TRAINER: 16,
  /** The reveal does not hash to the commitment: reported in the scores_mismatched event, never as a tx failure. */
  SCORES_MISMATCH: 17,
  /** A query for a receipt that does not exist. */
  UNKNOWN_RECEIPT: 18,
  /** A query parameter that is not a decimal integer or a fedra1… address. */
  INVALID_QUERY: 19,
  /**
   * A reveal in a secure-aggregation round (rule secagg-fedavg) whose scores are not all equal:
   * no validator can see a single masked update, so it judges the round's aggregate as a group.
   */
  SECAGG_UNEQUAL_SCORES: 20,
} as const

export type ReputationErrorCode = keyof typeof REPUTATION_ERRORS

export function reputationError(code: ReputationErrorCode, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('reputation', REPUTATION_ERRORS[code], code, message, context)
}
