import { ModuleError } from '../../state/index.js'

/** Codes of the `subnets` codespace (numeric, stable). */
export const SUBNETS_ERRORS = {
  INVALID_PARAMS: 2,
  UNKNOWN_SUBNET: 3,
  /** The signer is not the subnet's admin. */
  NOT_ADMIN: 4,
  /** Name, domain or description empty, too long or with characters outside their pattern. */
  INVALID_METADATA: 5,
  /** The model spec does not parse (src/fl/model/spec.ts parseModelSpec). */
  INVALID_MODEL_SPEC: 6,
  /** The model spec parses but is not its canonical JSON (keys sorted, no spaces); the context holds the canonical text. */
  MODEL_SPEC_NOT_CANONICAL: 7,
  /** The model has more parameters than the aggregation rule (or the blob format) is exact for. */
  MODEL_TOO_LARGE: 8,
  /** Not a CIDv1 of a raw or dag-pb sha2-256 block. */
  INVALID_CID: 9,
  INVALID_VALIDATION_SET: 10,
  /** No rule of that name in src/fl/rules/registry.ts. */
  UNKNOWN_RULE: 11,
  /** A known rule with bad parameters, or a name that is not the rule's canonical one. */
  INVALID_RULE: 12,
  INVALID_TIMING: 13,
  INVALID_QUANTIZATION: 14,
  INVALID_SAMPLE_CAP: 15,
  INVALID_MAX_TRAINERS: 16,
  INVALID_MIN_BOND: 17,
  INVALID_MEMBERSHIP: 18,
  INVALID_SHARING: 19,
  /** A share outside [0, 1], or shares not summing to exactly 1. */
  INVALID_REWARD_SPLIT: 20,
  /** A slash fraction outside [0, 1]. */
  INVALID_SLASH_FRACTION: 21,
  /** An allow-list change naming an address twice, in both lists, or nothing at all. */
  INVALID_ALLOW_LIST: 22,
  /** The signer cannot pay the creation deposit. */
  INSUFFICIENT_DEPOSIT: 23,
  /** The module's max_subnets are already created. */
  TOO_MANY_SUBNETS: 24,
  INVALID_ROLE: 25,
  /** A bond in another denomination than staking's bond denomination. */
  BAD_DENOM: 26,
  /** A bond below the subnet's minimum for the role (or a non-positive amount). */
  BOND_TOO_LOW: 27,
  /** The signer cannot pay the bond. */
  INSUFFICIENT_FUNDS: 28,
  /** An allow-list subnet refuses an address that is not on its list. */
  NOT_ALLOWED: 29,
  /** Already a member in that role: a second join is refused (MsgTopUpSubnetBond adds to the bond). */
  ALREADY_MEMBER: 30,
  NOT_MEMBER: 31,
  /** A round before the one the params in force were first applied to (no history is kept). */
  ROUND_BEFORE_PARAMS: 32,
} as const

export type SubnetsErrorCode = keyof typeof SUBNETS_ERRORS

export function subnetsError(code: SubnetsErrorCode, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('subnets', SUBNETS_ERRORS[code], code, message, context)
}
