import { ModuleError } from '../../state/index.js'

/**
 * Codes of the `gov` codespace (numeric, stable). Every code is a refusal: the tx (or query)
 * fails and nothing changes. A proposal whose execution fails is not a refusal: it ends
 * `failed`, with the reason in its record and in the proposal_failed event.
 */
export const GOV_ERRORS = {
  INVALID_PARAMS: 2,
  /** No proposal with that id. */
  UNKNOWN_PROPOSAL: 3,
  /** A content message of a type a chain proposal may not carry. */
  MESSAGE_NOT_ALLOWED: 4,
  /** A content message that does not decode, or breaks its own stateless rules (an empty upgrade name, params that are not a JSON object). */
  INVALID_PROPOSAL_MESSAGE: 5,
  /** An empty title or summary. */
  INVALID_PROPOSAL: 6,
  /** A coin of another denomination than the bond denomination. */
  BAD_DENOM: 7,
  /** A deposit of zero units. */
  INVALID_AMOUNT: 8,
  /** An initial deposit below min_deposit (or expedited_min_deposit) × min_initial_deposit_ratio. */
  MIN_INITIAL_DEPOSIT: 9,
  /** The signer cannot pay the deposit. */
  INSUFFICIENT_FUNDS: 10,
  /** A deposit to a proposal past its deposit period (voting, or finished). */
  DEPOSIT_CLOSED: 11,
  /** A vote on a proposal not in its voting period (still gathering deposits, or finished). */
  VOTING_CLOSED: 12,
  /** A vote option that is none of yes, abstain, no, no_with_veto. */
  INVALID_VOTE_OPTION: 13,
  /** An option listed twice in a weighted vote. */
  DUPLICATE_OPTION: 14,
  /** A weight outside (0, 1]. */
  INVALID_WEIGHT: 15,
  /** Weights of a weighted vote that do not sum to exactly 1. */
  WEIGHTS_NOT_ONE: 16,
  /** A MsgUpdateParams naming a module that has no params on this chain. */
  UNKNOWN_MODULE: 17,
  /** A MsgUpdateParams whose params leave out or add a field of the module's params form. */
  INVALID_PARAMS_CHANGE: 18,
  /** A MsgSoftwareUpgrade whose height is not above the current one. */
  INVALID_UPGRADE_HEIGHT: 19,
  /** A query parameter that is malformed. */
  INVALID_QUERY: 20,
  /** No vote of that voter on that proposal. */
  UNKNOWN_VOTE: 21,
  /** A MsgSoftwareUpgrade naming an upgrade this chain already applied (x/upgrade: names are used once). */
  UPGRADE_ALREADY_APPLIED: 22,
  /** A scoped proposal naming a scope that is none of: subnet, datanet. */
  INVALID_SCOPE: 23,
  /** An opt-in naming a subnet or Datanet that does not exist. */
  UNKNOWN_SCOPE: 24,
  /** A scoped proposal about a subnet that has not opted into governance. */
  SCOPE_NOT_GOVERNED: 25,
  /** An opt-in of a subnet already governed. */
  SCOPE_ALREADY_GOVERNED: 26,
  /** Scope rules out of range (quorum, thresholds, voting period, deposit). */
  INVALID_RULES: 27,
  /** A scoped vote by an address with no bond in the subnet. */
  NOT_A_VOTER: 28,
  /** A second vote of one voter on one scoped proposal. */
  ALREADY_VOTED: 29,
  /** A content message about another subnet than the proposal's. */
  SCOPE_MISMATCH: 30,
  /** A Datanet's opt-in signed by another than its owner. */
  NOT_SCOPE_OWNER: 31,
} as const

export type GovErrorCode = keyof typeof GOV_ERRORS

export function govError(code: GovErrorCode, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('gov', GOV_ERRORS[code], code, message, context)
}
