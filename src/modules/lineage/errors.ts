import { ModuleError } from '../../state/index.js'

/** Codes of the `lineage` codespace (numeric, stable). Every one is a refusal: the tx (or query) fails and nothing changes. */
export const LINEAGE_ERRORS = {
  INVALID_PARAMS: 2,
  /** No model version (subnet, version) on record (nor training's version 0 of an existing subnet). */
  UNKNOWN_VERSION: 3,
  /** No subnet with that id. */
  UNKNOWN_SUBNET: 4,
  /** A use fee below the module's min_use_fee. */
  FEE_BELOW_MINIMUM: 5,
  /** A use fee in another denomination than the bond denomination. */
  BAD_DENOM: 6,
  /** The signer cannot pay the fee. */
  INSUFFICIENT_FUNDS: 7,
  /** A purpose longer than 256 bytes (the codec refuses it first; kept for clients). */
  INVALID_PURPOSE: 8,
  /** The signer is not the subnet's admin (fork, treasury withdrawal). */
  NOT_SUBNET_ADMIN: 9,
  /** The source subnet's sharing does not admit the target (private, or a `subnets` list without it). */
  FORK_NOT_SHARED: 10,
  /** The target's initial model is not the source version's global model. */
  FORK_MODEL_MISMATCH: 11,
  /** The target's model spec is not the source subnet's. */
  FORK_SPEC_MISMATCH: 12,
  /** The target already has an accepted version (version ≥ 1): its version 0 can no longer change. */
  FORK_TOO_LATE: 13,
  /** The target's version 0 already has a parent. */
  ALREADY_FORKED: 14,
  /** A fork of a subnet into itself. */
  INVALID_FORK: 15,
  /** The signer is owed nothing (nothing credited, or everything already withdrawn). */
  NOTHING_TO_WITHDRAW: 16,
  /** A query parameter that is malformed (not a decimal integer, not an address, a depth past the bound). */
  INVALID_QUERY: 17,
  /** No use receipt with that id. */
  UNKNOWN_RECEIPT: 18,
} as const

export type LineageErrorCode = keyof typeof LINEAGE_ERRORS

export function lineageError(code: LineageErrorCode, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('lineage', LINEAGE_ERRORS[code], code, message, context)
}
