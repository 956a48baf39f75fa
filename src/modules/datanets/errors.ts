import { ModuleError } from '../../state/index.js'

/**
 * Codes of the `datanets` codespace (numeric, stable; never reused). Each is a refusal: the tx
 * (or query) fails and nothing changes. Codes 2–13, 40 and 41 are stateless (`validate`, Cosmos'
 * ValidateBasic); the others need state.
 */
export const DATANETS_ERRORS = {
  INVALID_PARAMS: 2,
  /** A query parameter of the wrong form (not a decimal integer, address or status). */
  INVALID_QUERY: 3,
  /** An empty name or domain, a domain outside [a-z0-9._/-], or a text over its bound. */
  INVALID_TEXT: 4,
  /** A licence that is empty (at creation), over 128 bytes, or not printable ASCII with single inner spaces. */
  INVALID_LICENCE: 5,
  /** No curators, more than 32, or one listed twice. */
  BAD_CURATORS: 6,
  /** A curation threshold k outside 1..n. */
  BAD_APPROVALS: 7,
  /** A reject slash fraction outside [0, 1]. */
  INVALID_FRACTION: 8,
  /** A privacy other than `public` or `private`. */
  INVALID_PRIVACY: 9,
  /** A content kind other than `cid` or `hash`, a CID that is not canonical CIDv1, a hash that is not 64 lower-case hex digits. */
  INVALID_CONTENT: 10,
  /** A record of size 0. */
  INVALID_SIZE: 11,
  /** A zero contribution bond (at creation or contribution). */
  INVALID_AMOUNT: 12,
  /** An approval with a reason, or a rejection without one. */
  INVALID_REASON: 13,
  UNKNOWN_DATANET: 14,
  UNKNOWN_RECORD: 15,
  UNKNOWN_VERSION: 16,
  /** A curation by an address that is no curator of the Datanet. */
  NOT_CURATOR: 17,
  /** A second vote of one curator on one record. */
  ALREADY_CURATED: 18,
  /** A vote on a record already accepted or rejected. */
  RECORD_DECIDED: 19,
  /** A version with no record accepted since the last one. */
  NOTHING_NEW: 20,
  /** A declared record that exists but is not accepted within the named version. */
  NOT_ACCEPTED: 21,
  /** Content already recorded in the Datanet (whatever its status). */
  DUPLICATE_RECORD: 22,
  /** A bond below the Datanet's contribution bond. */
  BOND_BELOW_MINIMUM: 23,
  /** A `hash` record for a public Datanet or a `cid` one for a private Datanet. */
  WRONG_CONTENT_KIND: 24,
  /** A public record whose declared size is not its blob's byte length. */
  SIZE_MISMATCH: 25,
  /** A licence other than the Datanet's. */
  WRONG_LICENCE: 26,
  /** A version published by someone who is neither the owner nor a curator. */
  NOT_OWNER_OR_CURATOR: 27,
  /** A declaration by an address that is no trainer of the subnet. */
  NOT_TRAINER: 28,
  /** A declaration for a round that does not exist or is not in its submit phase. */
  ROUND_NOT_OPEN: 29,
  /** A declaration whose root is not the root of its records' leaves. */
  ROOT_MISMATCH: 30,
  /** A second declaration of one trainer for one Datanet in one round. */
  ALREADY_DECLARED: 31,
  /** A deposit or bond in another denomination than the bond denomination. */
  BAD_DENOM: 32,
  /** The signer cannot pay the deposit or the bond. */
  INSUFFICIENT_FUNDS: 33,
  UNKNOWN_SUBNET: 34,
  /** A contribution to a Datanet holding max_records_per_datanet records. */
  DATANET_FULL: 35,
  /** A declaration whose records are not strictly ascending, or one with a count of 0. */
  INVALID_DECLARATION: 40,
  /** A declaration of no records. */
  EMPTY_DECLARATION: 41,
  /** A curator change (a Datanet-scope proposal) while a pending record has votes: they were cast under the old rule. */
  CURATION_IN_PROGRESS: 42,
} as const

export type DatanetsErrorCode = keyof typeof DATANETS_ERRORS

export function datanetsError(code: DatanetsErrorCode, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('datanets', DATANETS_ERRORS[code], code, message, context)
}
