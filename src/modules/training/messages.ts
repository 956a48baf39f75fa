// Message and stored types only (codec, nothing else): the browser client builds transactions
// from this file, and the lineage, rewards and reputation modules read ModelVersion from it.
import { t, type StructValue } from '../../codec/index.js'
import { decType } from '../../state/dec.js'

const address = t.fixedBytes(20)
const cid = t.string({ max: 128 })

/** Most updates one round takes, whatever the subnet's maxTrainers (one aggregate message lists them all). */
export const MAX_INCLUDED = 1024
/** Most claimed metrics one update carries. */
export const MAX_METRICS = 8
/** Claimed metrics are fixed-point integers in millionths (accuracy 0.912 → 912000). */
export const METRIC_UNIT = 1_000_000n

/** A trainer's own measurement of its update (`accuracy`, `loss`), in METRIC_UNIT steps; non-negative. Not checked by the chain. */
export const ClaimedMetric = t.struct('training/ClaimedMetric', 2500, 1, {
  name: t.string({ max: 32 }),
  value: t.u64,
})

/**
 * A trainer's update for `round` of `subnet`: the blob `updateCid` (CIDv1 text, base32, the
 * UnixFS kubo-v1 CID of its bytes) holds the quantized delta in src/fl/update/blob.ts' format;
 * `sampleCount` is its weight (capped by the subnet's sampleCap); `epochId` the trainer's own
 * local-epoch label; `deviceIdHash` a hash of the trainer's device id; `byteSize` the blob's
 * length. The chain stamps the block height and time.
 */
export const MsgSubmitUpdate = t.struct('training/MsgSubmitUpdate', 2510, 1, {
  subnet: t.u64,
  round: t.u64,
  updateCid: cid,
  sampleCount: t.u32,
  epochId: t.u64,
  deviceIdHash: t.fixedBytes(32),
  byteSize: t.u64,
  claimedMetrics: t.array(ClaimedMetric, { max: MAX_METRICS }),
})

/** One update an aggregate includes: the trainer and the CID of the update it submitted. */
export const IncludedUpdate = t.struct('training/IncludedUpdate', 2501, 1, {
  trainer: address,
  updateCid: cid,
})

/**
 * An aggregator's aggregate of `round`: `included` lists every update of the round in ascending
 * trainer-address order; `baseGlobalCid` is the round's base model (the latest version's global
 * CID, which the message names so that its blob is declared: MessageHandler.blobs is a function of
 * the message alone); `resultCid` the CID of the aggregate blob and `newGlobalCid` that of the
 * model it makes. The chain recomputes both and accepts only on an exact match.
 */
export const MsgSubmitAggregate = t.struct('training/MsgSubmitAggregate', 2511, 1, {
  subnet: t.u64,
  round: t.u64,
  baseGlobalCid: cid,
  included: t.array(IncludedUpdate, { max: MAX_INCLUDED }),
  resultCid: cid,
  newGlobalCid: cid,
})

/** A trainer and its included update, as a model version records it: `sampleCount` is the capped weight the rule used. */
export const VersionContribution = t.struct('training/VersionContribution', 2502, 1, {
  trainer: address,
  updateCid: cid,
  sampleCount: t.u32,
})

/**
 * A global model version of a subnet: the one record of a model's history (the lineage issue
 * extends it here). Version 0 is the subnet's initial model (no round, parent, aggregate or
 * contributors); version v ≥ 1 came from the aggregate accepted in `round`, on top of version
 * `parent` = v − 1. `rule` is the aggregation rule that made it ('' for version 0);
 * `aggregator` who submitted it (null for version 0); `height` the block it was recorded in.
 */
export const ModelVersion = t.struct('training/ModelVersion', 2520, 1, {
  subnet: t.u64,
  version: t.u64,
  round: t.optional(t.u64),
  parent: t.optional(t.u64),
  globalCid: cid,
  aggregateCid: t.optional(cid),
  included: t.array(VersionContribution, { max: MAX_INCLUDED }),
  rule: t.string({ max: 64 }),
  aggregator: t.optional(address),
  height: t.u64,
})

/**
 * One round of a subnet, fixed when it opens (heights are block heights): submit window
 * [openHeight, submitEnd), aggregate window [submitEnd, aggregateEnd), score window
 * [aggregateEnd, closeHeight) (empty unless the module's score_window says otherwise: the
 * proof-of-contribution issue's step), closed from closeHeight on; the next round opens `gap`
 * blocks after closeHeight. With close_submit_when_full, the update that completes the round
 * moves submitEnd to the next block and aggregateEnd and closeHeight by the same amount
 * (rounds.ts endSubmitWindow); nothing else changes a round's heights. `baseVersion`/`baseGlobalCid`: the model it trains; `rule`,
 * `dtype`, `scale`, `maxAbs`, `sampleCap`, `maxUpdates`, `slashFraction`: the params
 * it runs under; `updates` received; `version` the one its accepted aggregate recorded;
 * `rejections` wrong aggregates refused.
 */
export const RoundRecord = t.struct('training/Round', 2521, 1, {
  subnet: t.u64,
  round: t.u64,
  openHeight: t.u64,
  submitEnd: t.u64,
  aggregateEnd: t.u64,
  closeHeight: t.u64,
  gap: t.u32,
  baseVersion: t.u64,
  baseGlobalCid: cid,
  rule: t.string({ max: 64 }),
  dtype: t.string({ max: 8 }),
  scale: t.u32,
  maxAbs: t.u32,
  sampleCap: t.u32,
  maxUpdates: t.u32,
  slashFraction: decType,
  updates: t.u32,
  closed: t.bool,
  version: t.optional(t.u64),
  rejections: t.u32,
})

/** A trainer's accepted update: the message's fields, its capped weight, and the block that recorded it. */
export const UpdateRecord = t.struct('training/Update', 2522, 1, {
  updateCid: cid,
  sampleCount: t.u32,
  weight: t.u32,
  epochId: t.u64,
  deviceIdHash: t.fixedBytes(32),
  byteSize: t.u64,
  claimedMetrics: t.array(ClaimedMetric, { max: MAX_METRICS }),
  height: t.u64,
  time: t.u64,
})

/**
 * Where a subnet stands: its current (or last) round (null before the first opens), its latest
 * version, and the one scheduled change (open or close at a height) the begin-block will make.
 */
export const SubnetProgress = t.struct('training/SubnetProgress', 2523, 1, {
  round: t.optional(t.u64),
  latestVersion: t.u64,
  scheduledHeight: t.u64,
  scheduledPhase: t.string({ max: 8 }),
})

/** A wrong aggregate, on record: what it claimed, what the chain computed, and what its aggregator's bond lost. */
export const AggregateRejection = t.struct('training/AggregateRejection', 2524, 1, {
  resultCid: cid,
  newGlobalCid: cid,
  expectedResultCid: cid,
  expectedGlobalCid: cid,
  slashed: t.uint(),
  height: t.u64,
})

/** Where an update's exact bytes were first recorded in the subnet (the duplicate index, keys.ts 0x08). */
export const ContentSeen = t.struct('training/ContentSeen', 2525, 1, {
  round: t.u64,
  trainer: address,
})

/**
 * A free-rider's update, on record (handler.ts): its CID and sample count, the verdict (`code`,
 * one of DUPLICATE_CONTENT, ZERO_UPDATE, NEAR_COPY), what it matched (the earlier update's round
 * and trainer; none for a zero update), its squared norm in the round's quantized units, the
 * cosine to the match (a near copy; 0 otherwise, 1 for an exact duplicate), what the trainer's
 * bond lost, and the block. The update itself is not recorded.
 */
export const UpdateRejection = t.struct('training/UpdateRejection', 2526, 1, {
  updateCid: cid,
  sampleCount: t.u32,
  code: t.u32,
  matchedRound: t.optional(t.u64),
  matchedTrainer: t.optional(address),
  normSq: t.uint(),
  cosine: decType,
  slashed: t.uint(),
  height: t.u64,
})

export type ClaimedMetricValue = StructValue<typeof ClaimedMetric.fields>
export type MsgSubmitUpdateValue = StructValue<typeof MsgSubmitUpdate.fields>
export type IncludedUpdateValue = StructValue<typeof IncludedUpdate.fields>
export type MsgSubmitAggregateValue = StructValue<typeof MsgSubmitAggregate.fields>
export type VersionContributionValue = StructValue<typeof VersionContribution.fields>
export type ModelVersionValue = StructValue<typeof ModelVersion.fields>
export type RoundValue = StructValue<typeof RoundRecord.fields>

/** Secure aggregation's rule (secagg-handler.ts): its rounds carry masked updates, which other modules must not read one by one. */
export const SECAGG_RULE = 'secagg-fedavg'

export const isSecAggRound = (round: RoundValue): boolean => round.rule === SECAGG_RULE
export type UpdateValue = StructValue<typeof UpdateRecord.fields>
export type SubnetProgressValue = StructValue<typeof SubnetProgress.fields>
export type AggregateRejectionValue = StructValue<typeof AggregateRejection.fields>
export type ContentSeenValue = StructValue<typeof ContentSeen.fields>
export type UpdateRejectionValue = StructValue<typeof UpdateRejection.fields>

/** The phases of a round at a height; `closed` also covers the gap before the next round. */
export type RoundPhase = 'submit' | 'aggregate' | 'score' | 'closed'

/** A round's phase at `height` (a closed round is closed whatever the height). */
export function phaseAt(round: RoundValue, height: bigint): RoundPhase {
  if (round.closed || height >= round.closeHeight) return 'closed'
  if (height < round.submitEnd) return 'submit'
  if (height < round.aggregateEnd) return 'aggregate'
  return 'score'
}
