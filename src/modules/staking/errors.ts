import { ModuleError } from '../../state/index.js'

/** Codes of the `staking` codespace (every rejection a user or a calling module can meet). */
export const STAKING_ERRORS = {
  UNKNOWN_VALIDATOR: 2,
  /** The operator already runs a validator, or the consensus key is already used by one. */
  VALIDATOR_EXISTS: 3,
  /** The account cannot pay the amount (delegate, create, bond). */
  INSUFFICIENT_FUNDS: 4,
  /** The delegation (or bond) holds too few shares / tokens for the amount. */
  INSUFFICIENT_BOND: 5,
  UNKNOWN_DELEGATION: 6,
  TOO_MANY_UNBONDING_ENTRIES: 7,
  TOO_MANY_REDELEGATION_ENTRIES: 8,
  VALIDATOR_JAILED: 9,
  VALIDATOR_NOT_JAILED: 10,
  /** A self-bond below the validator's own min_self_delegation, or a minimum above its tokens. */
  SELF_DELEGATION_BELOW_MINIMUM: 11,
  /** A validator's min_self_delegation below the chain's floor, or lowered by an edit. */
  INVALID_MIN_SELF_DELEGATION: 12,
  /** Rate above max_rate, max_rate above 1, max_change_rate above max_rate. */
  INVALID_COMMISSION: 13,
  COMMISSION_CHANGE_TOO_FAST: 14,
  COMMISSION_CHANGE_TOO_SOON: 15,
  INVALID_AMOUNT: 16,
  BAD_DENOM: 17,
  TRANSITIVE_REDELEGATION: 18,
  SAME_VALIDATOR: 19,
  UNKNOWN_UNBONDING_ENTRY: 20,
  /** The unbonding entry matured already (cancel too late). */
  UNBONDING_ENTRY_MATURED: 21,
  INVALID_PARAMS: 22,
  INVALID_MONIKER: 23,
  INVALID_PUBKEY: 24,
  /** The validator's tokens are all slashed away while shares remain: no exchange rate. */
  VALIDATOR_HAS_NO_TOKENS: 25,
  /** Unjail refused: the operator's self-delegation is below min_self_delegation. */
  SELF_DELEGATION_TOO_LOW_TO_UNJAIL: 26,
  INVALID_PURPOSE: 27,
  UNKNOWN_BOND: 28,
  /** A query parameter missing or malformed. */
  INVALID_QUERY: 29,
  /** A slash for an infraction in the future, or a negative / above-one fraction. */
  INVALID_SLASH: 30,
  /** Too few tokens for a single share: the amount would buy no shares. */
  ZERO_SHARES: 31,
} as const

export type StakingErrorCode = keyof typeof STAKING_ERRORS

export function stakingError(code: StakingErrorCode, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('staking', STAKING_ERRORS[code], code, message, context)
}
