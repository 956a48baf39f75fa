import { ModuleError } from '../../state/index.js'

/**
 * Codes of the `training` codespace (numeric, stable). None of the refusals of an update changes
 * the global model or the trainer's standing (the tx fails and its writes are dropped); a wrong
 * aggregate is not a refusal but a verdict (see handler.ts: the tx succeeds, the aggregate is
 * rejected and its aggregator slashed and barred), and so is a free-rider's update
 * (DUPLICATE_CONTENT, ZERO_UPDATE, NEAR_COPY: the tx succeeds, the update is not recorded, the
 * trainer is slashed and barred from the round).
 */
export const TRAINING_ERRORS = {
  INVALID_PARAMS: 2,
  /** No such subnet, or one training has not seen yet (its first round opens in the next block). */
  UNKNOWN_SUBNET: 3,
  /** A round after the subnet's current one (not open yet), or none recorded. */
  WRONG_ROUND: 4,
  /** A round that has closed (an earlier round, or the current one in its gap). */
  ROUND_CLOSED: 5,
  /** The round is open, but not in the window this message belongs to (an update after the submit window, an aggregate outside the aggregate window). */
  OUTSIDE_WINDOW: 6,
  /** The signer is not a trainer of the subnet. */
  NOT_TRAINER: 7,
  /** The signer is not an aggregator of the subnet. */
  NOT_AGGREGATOR: 8,
  /** The member's bond is below the subnet's minimum for its role (after a slash; MsgTopUpSubnetBond restores it). */
  BOND_BELOW_MINIMUM: 9,
  /** The trainer already submitted an update this round. */
  DUPLICATE_UPDATE: 10,
  /** The round already holds as many updates as it takes (the subnet's maxTrainers, at most MAX_INCLUDED). */
  ROUND_FULL: 11,
  /** Not a canonical CIDv1 text (base32) of a raw or dag-pb sha2-256 block. */
  INVALID_CID: 12,
  /** A sample count of 0. */
  INVALID_SAMPLE_COUNT: 13,
  /** Claimed metrics with an empty, malformed or repeated name. */
  INVALID_METRICS: 14,
  /** The loaded bytes of an update's CID do not hash to it (UnixFS kubo-v1): the blob named is not available. Checked at submission. */
  BLOB_MISMATCH: 15,
  /** The message's byte size is not the blob's length. */
  WRONG_BYTE_SIZE: 16,
  /** The blob is not an update blob (src/fl/update/blob.ts decoding fails). */
  MALFORMED_UPDATE: 17,
  /** The update's dtype or scale is not the round's quantization. */
  WRONG_QUANTIZATION: 18,
  /** The update's shape is not [parameterCount] of the subnet's model. */
  WRONG_SHAPE: 19,
  /** An update value outside ±maxAbs of the round's quantization. */
  OUT_OF_RANGE: 20,
  /** The aggregator is barred from this round (it submitted a wrong aggregate). */
  AGGREGATOR_BARRED: 21,
  /** The round already has an accepted aggregate. */
  ALREADY_AGGREGATED: 22,
  /** The message's base model is not the round's (the latest version's global CID when it opened). */
  WRONG_BASE_MODEL: 23,
  /** Included updates not in strictly ascending trainer order. */
  INCLUDED_NOT_CANONICAL: 24,
  /** Included updates that are not exactly the round's updates (a missing or extra trainer, a CID that differs). */
  INCLUDED_MISMATCH: 25,
  /** Fewer updates than the round's rule is defined for (none at all, or below its minUpdates). */
  TOO_FEW_UPDATES: 26,
  /** The base model blob is not a model of the subnet (no update-blob format, or not [parameterCount]): the round cannot aggregate. */
  BAD_BASE_MODEL: 27,
  /** The subnet's rule refused the round's updates (an input outside its declared ranges). */
  AGGREGATION_FAILED: 28,
  /** The aggregate's CIDs differ from the chain's recomputation: reported in the aggregate_rejected event, never as a tx failure (see handler.ts). */
  WRONG_AGGREGATE: 29,
  /** A query for a round the subnet never opened. */
  UNKNOWN_ROUND: 30,
  /** A query for a version the subnet does not have. */
  UNKNOWN_VERSION: 31,
  /**
   * Free-rider verdicts (handler.ts, free-riders.ts): reported in the update_rejected event and
   * the stored UpdateRejection, never as a tx failure; the update is not recorded, the trainer's
   * bond is slashed by free_rider_slash_fraction and it is barred from the round.
   * An update whose bytes (its CID) equal an update recorded in this round or one of the last
   * free_rider_memory_rounds rounds of the subnet.
   */
  DUPLICATE_CONTENT: 32,
  /** Verdict: an update whose L2 norm (quantized units) is below min_update_norm: all-zero by default. */
  ZERO_UPDATE: 33,
  /** Verdict: an update whose cosine to an earlier update of the round is ≥ near_copy_cosine (exact, in integers); the later submitter is the copier. */
  NEAR_COPY: 34,
  /** The trainer's update to this round was rejected as a free-rider's (32–34): it may not submit again in the round. */
  TRAINER_BARRED: 35,
  /**
   * Secure aggregation (secagg-handler.ts), from 80 on: the round's rule is not secagg-fedavg.
   */
  SECAGG_NOT_SECAGG: 80,
  /** A setup after the setup phase (the first half of the submit window). */
  SECAGG_SETUP_CLOSED: 81,
  /** An update to a secagg round during its setup phase. */
  SECAGG_SETUP_PHASE: 82,
  /** The signer (or a named dealer) is not on the round's roster (the subnet's trainers at its first setup). */
  SECAGG_NOT_IN_ROSTER: 83,
  /** The trainer already set up for this round. */
  SECAGG_DUPLICATE_SETUP: 84,
  /** A setup whose shares are not one per graph neighbour in roster order, or whose round key is a low-order point; or a roster of fewer than 2 trainers. */
  SECAGG_BAD_SETUP: 85,
  /** An update to a secagg round from a trainer that did not set up. */
  SECAGG_NO_SETUP: 86,
  /** A key-share reveal for a dealer that did not drop (its update is recorded, or it never set up). */
  SECAGG_NOT_DROPPED: 87,
  /** A reveal by a member that holds no share of that dealer. */
  SECAGG_NOT_HOLDER: 88,
  /** A share (of one kind, of one dealer, by one holder) revealed twice. */
  SECAGG_DUPLICATE_REVEAL: 89,
  /** A revealed share that does not match the dealer's commitment of its kind, or of no known kind. */
  SECAGG_BAD_SHARE: 90,
  /** An aggregate while a dropped trainer has fewer revealed key shares, or a survivor fewer revealed self shares, than the threshold: wait for more reveals. */
  SECAGG_SHARES_MISSING: 91,
  /** A dropped trainer's shares interpolate to a key that is not its round key, or a survivor's to a seed that is not the one it committed to (the dealer dealt inconsistent shares). */
  SECAGG_RECONSTRUCTION: 92,
  /** A self-share reveal for a dealer with no update recorded (dropped, or never set up): its self-mask seed stays secret. */
  SECAGG_NOT_SURVIVOR: 93,
  /** DP budget ledger (dp-ledger.ts), from 100 on: a policy field out of range (stateless). */
  DP_INVALID_POLICY: 100,
  /** MsgSetDpPolicy from someone other than the subnet's admin. */
  DP_NOT_ADMIN: 101,
  /** The subnet already has a DP policy (it cannot be replaced: that would reset the budget). */
  DP_POLICY_EXISTS: 102,
  /** An update whose round would take the subnet past its (ε, δ) budget: the round is refused. */
  DP_BUDGET_EXHAUSTED: 103,
  /**
   * Encrypted envelopes (envelope-keys.ts, envelope-open.ts), from 110 on: MsgSetEnvelopeKeys from
   * someone other than the subnet's admin.
   */
  ENVELOPE_NOT_ADMIN: 110,
  /** A key set whose epoch is not the subnet's latest + 1 (the first is epoch 0). */
  ENVELOPE_WRONG_KEY_EPOCH: 111,
  /** A key set whose wraps are not exactly the current recipients (bonded validators, the subnet's aggregators, the listed readers). */
  ENVELOPE_BAD_RECIPIENTS: 112,
  /** The private subnet's recipients changed since its latest key set: updates and aggregates wait for the admin's rotation. */
  ENVELOPE_KEY_SET_STALE: 113,
  /** A plaintext update in a private subnet. */
  ENVELOPE_REQUIRED: 114,
  /** An envelope in a subnet that is not private. */
  ENVELOPE_NOT_PRIVATE: 115,
  /** Not an envelope of the known format (short, magic, version, reserved bytes). */
  ENVELOPE_MALFORMED: 116,
  /** An envelope sealed to another epoch or subnet than the one it must be (a new update: the latest epoch). */
  ENVELOPE_WRONG_EPOCH: 117,
  /** An envelope that does not authenticate under its epoch's key: altered bytes, or sealed to another key. */
  ENVELOPE_DECRYPT: 118,
  /** A key set with a low-order key, a recipient or reader twice, or a chain link where none belongs (stateless). */
  ENVELOPE_INVALID_KEY_SET: 119,
  /** A query for an epoch the subnet has not published. */
  ENVELOPE_UNKNOWN_EPOCH: 120,
  /** MsgSetEnvelopeKeys by an admin governance has not listed in training's envelope_admins (a wrong wrap can stop a validator's node). */
  ENVELOPE_ADMIN_NOT_ALLOWED: 121,
} as const

export type TrainingErrorCode = keyof typeof TRAINING_ERRORS

export function trainingError(code: TrainingErrorCode, message: string, context: Record<string, unknown> = {}): ModuleError {
  return new ModuleError('training', TRAINING_ERRORS[code], code, message, context)
}
