import { FedraError } from '../../errors.js'

/**
 * Every failure of the secure-aggregation library, with the context each code carries (STYLE §2).
 * The chain maps them onto its own transaction codes (src/modules/training/secagg-*.ts).
 */
export interface SecAggErrorContexts {
  /** Graph parameters: fewer than 2 members, a seed that is not 32 bytes, a degree that does not fit. */
  SECAGG_PARAMS: { reason: string }
  /** A vector of the wrong length (masked update, correction, plain update). */
  SECAGG_LENGTH: { what: string; length: number; expected: number }
  /** A plain update value or weight outside what the ring holds exactly. */
  SECAGG_VALUE_RANGE: { index: number; value: number; maxAbs: number; update?: number }
  SECAGG_WEIGHT: { update: number; weight: number; maxWeight: number }
  /** A trainer named twice (peers, dropped trainers, survivors, shares of one holder). */
  SECAGG_DUPLICATE_TRAINER: { what: string; index: number }
  /** A trainer index outside the roster, or a peer that is not a graph neighbour. */
  SECAGG_UNKNOWN_TRAINER: { what: string; index: number }
  /** A key that is not 32 bytes, or a public key with a low-order (all-zero) agreement. */
  SECAGG_BAD_KEY: { what: string; reason: string }
  /** A share of the wrong size, outside the field, or not matching the dealer's commitment. */
  SECAGG_BAD_SHARE: { dealer: number; holder: number; reason: string }
  /** Fewer shares than the threshold. */
  SECAGG_TOO_FEW_SHARES: { dealer: number; count: number; threshold: number }
  /** Shares that interpolate to a secret whose public key (round key) or commitment (self-mask seed) is not the dealer's. */
  SECAGG_RECONSTRUCTION: { dealer: number; reason: string }
  /** A round's recovery (recovery.ts): a survivor with fewer than t self shares revealed, or a dropped member with fewer than t key shares. */
  SECAGG_RECOVERY_SHORT: { member: number; kind: 'key' | 'self'; revealed: number; threshold: number }
  /** A round's recovery: a member's revealed shares do not rebuild its secret; `code` and `reason` are the reconstruction's own error. */
  SECAGG_RECOVERY_FAILED: { member: number; kind: 'key' | 'self'; code: SecAggErrorCode; reason: string }
  /** A share ciphertext that does not decrypt (wrong holder key, altered bytes). */
  SECAGG_DECRYPT: { dealer: number; holder: number }
  /** A self-mask seed that is not 32 bytes, or survivors' seeds that are not exactly one per survivor (a self mask left in the sum). */
  SECAGG_SELF_SEED: { index: number; reason: string }
  /** The unmasked sum is outside ±(total weight × max |value|): a mask was not removed. */
  SECAGG_UNMASKED_RANGE: { index: number; sum: number; bound: number }
}

export type SecAggErrorCode = keyof SecAggErrorContexts

export class SecAggError<C extends SecAggErrorCode = SecAggErrorCode> extends FedraError<C, SecAggErrorContexts[C]> {
  constructor(code: C, message: string, context: SecAggErrorContexts[C], options?: { cause?: unknown }) {
    super(code, message, context, options)
  }
}

/** Whether `error` is a SecAggError of `code`, its context typed for that code. */
export const isSecAggError = <C extends SecAggErrorCode>(error: unknown, code: C): error is SecAggError<C> =>
  error instanceof SecAggError && error.code === code
