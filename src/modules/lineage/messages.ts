// Message and stored types only (codec, nothing else): the browser client builds transactions from this file.
import { t, type StructValue } from '../../codec/index.js'
import { decType } from '../../state/dec.js'
import { Coin } from '../bank/messages.js'

const address = t.fixedBytes(20)
const cid = t.string({ max: 128 })

/** Most parents one version lists (a training version has one; merges are the model-factory issue's). */
export const MAX_PARENTS = 8
/** Most trainers one version records: training's MAX_INCLUDED. */
export const MAX_TRAINERS = 1024
/** Most Datanet versions one version records. */
export const MAX_DATANET_VERSIONS = 256
/** Longest purpose a MsgUseModel carries, in UTF-8 bytes. */
export const MAX_PURPOSE = 256

/** The kinds of model version: `full` (a training version); `delta` and `adapter` are reserved for the model factory. */
export const VERSION_KINDS = ['full', 'delta', 'adapter'] as const
export type VersionKind = (typeof VERSION_KINDS)[number]
/** A version is `pending` until its round is scored, then `attributed` (its weights fixed for good). */
export const VERSION_STATUSES = ['pending', 'attributed'] as const
export type VersionStatus = (typeof VERSION_STATUSES)[number]

/** A model version anywhere on the chain: (subnet, version). */
export const VersionRef = t.struct('lineage/VersionRef', 2900, 1, {
  subnet: t.u64,
  version: t.u64,
})

/** A Datanet version a model version used (trainers' declarations, the subnet's validation set). */
export const DatanetVersionRef = t.struct('lineage/DatanetVersionRef', 2901, 1, {
  datanet: t.u64,
  version: t.u64,
})

/**
 * One trainer of a version: its capped sample count (training's VersionContribution), and once
 * the round is scored the validators' agreed verdict, Yuma's consensus score (a share in [0, 1])
 * and the weight reputation counted.
 */
export const TrainerMetric = t.struct('lineage/TrainerMetric', 2902, 1, {
  trainer: address,
  sampleCount: t.u32,
  consensusScore: t.optional(decType),
  weight: t.u32,
})

/** The training params a version was made under, as training recorded its round ('' and 0 for a version 0). */
export const TrainingParams = t.struct('lineage/TrainingParams', 2903, 1, {
  rule: t.string({ max: 64 }),
  dtype: t.string({ max: 8 }),
  scale: t.u32,
  maxAbs: t.u32,
  sampleCap: t.u32,
})

/**
 * A model version's lineage record (keys.ts 0x01). `parents` in order (the first takes the
 * remainder of a parents' part); `round` null for a version 0; `status` 'pending' until the
 * round is scored, then 'attributed' with `totalWeight` = W_V = Σ of its credits' weights
 * (weights.ts), fixed from then on. `height`: the block that recorded it; `attributedHeight`
 * the one that attributed it.
 */
export const VersionRecord = t.struct('lineage/Version', 2904, 1, {
  subnet: t.u64,
  version: t.u64,
  kind: t.string({ max: 16 }),
  parents: t.array(VersionRef, { max: MAX_PARENTS }),
  round: t.optional(t.u64),
  globalCid: cid,
  aggregateCid: t.optional(cid),
  datanetVersions: t.array(DatanetVersionRef, { max: MAX_DATANET_VERSIONS }),
  training: TrainingParams,
  aggregator: t.optional(address),
  trainers: t.array(TrainerMetric, { max: MAX_TRAINERS }),
  status: t.string({ max: 16 }),
  totalWeight: t.uint(),
  height: t.u64,
  attributedHeight: t.optional(t.u64),
})

/**
 * One contributor's credit in one version (keys.ts 0x03): its weight by kind (their sum is w_c)
 * and `paid`, what it has withdrawn from the version's pool so far.
 */
export const Credit = t.struct('lineage/Credit', 2905, 1, {
  trainer: t.uint(),
  data: t.uint(),
  aggregator: t.uint(),
  treasury: t.uint(),
  paid: t.uint(),
})

/** A version's pool (keys.ts 0x05): F_V, every unit ever accrued to its contributors, and Σ paid out of it. */
export const Pool = t.struct('lineage/Pool', 2906, 1, {
  accrued: t.uint(),
  paid: t.uint(),
})

/**
 * The receipt of one use (keys.ts 0x06), provable through the state tree (keys.ts
 * receiptStateKey). Always fee = parentsPart + validatorsPart + pooled, and parentsPart =
 * ancestorsValidators + ancestorsPooled (what the ancestors' splits made of it).
 */
export const UseReceipt = t.struct('lineage/UseReceipt', 2907, 1, {
  id: t.u64,
  user: address,
  subnet: t.u64,
  version: t.u64,
  fee: Coin,
  purpose: t.string({ max: MAX_PURPOSE }),
  height: t.u64,
  parentsPart: t.uint(),
  validatorsPart: t.uint(),
  pooled: t.uint(),
  ancestorsValidators: t.uint(),
  ancestorsPooled: t.uint(),
  /** Versions whose pools grew (this one and its ancestors). */
  credited: t.u32,
})

/** Running totals (keys.ts 0x07): Σ fees received, Σ sent to the fee collector, Σ withdrawn, and the next receipt id. */
export const LineageTotals = t.struct('lineage/Totals', 2908, 1, {
  received: t.uint(),
  toValidators: t.uint(),
  withdrawn: t.uint(),
  nextReceipt: t.u64,
})

/**
 * Forks version `source` into subnet `target`, signed by the target's admin: the target's version
 * 0 gets the source as parent. The source subnet's sharing must allow the target; the target's
 * initial model and model spec must be the source's; the target must not have trained yet.
 */
export const MsgForkModel = t.struct('lineage/MsgForkModel', 2910, 1, {
  source: VersionRef,
  target: t.u64,
})

/** Uses version (subnet, version), paying `fee` (the bond denomination, ≥ min_use_fee) along its lineage. */
export const MsgUseModel = t.struct('lineage/MsgUseModel', 2911, 1, {
  subnet: t.u64,
  version: t.u64,
  fee: Coin,
  purpose: t.string({ max: MAX_PURPOSE }),
})

/** Pays the signer everything it is owed, across every version it is credited in. */
export const MsgWithdrawAttribution = t.struct('lineage/MsgWithdrawAttribution', 2912, 1, {})

/** Pays subnet `subnet`'s treasury entitlement (across its versions) to the subnet's admin, the signer. */
export const MsgWithdrawTreasury = t.struct('lineage/MsgWithdrawTreasury', 2913, 1, {
  subnet: t.u64,
})

export type VersionRefValue = StructValue<typeof VersionRef.fields>
export type DatanetVersionRefValue = StructValue<typeof DatanetVersionRef.fields>
export type TrainerMetricValue = StructValue<typeof TrainerMetric.fields>
export type TrainingParamsValue = StructValue<typeof TrainingParams.fields>
export type VersionRecordValue = StructValue<typeof VersionRecord.fields>
export type CreditValue = StructValue<typeof Credit.fields>
export type PoolValue = StructValue<typeof Pool.fields>
export type UseReceiptValue = StructValue<typeof UseReceipt.fields>
export type LineageTotalsValue = StructValue<typeof LineageTotals.fields>
export type MsgForkModelValue = StructValue<typeof MsgForkModel.fields>
export type MsgUseModelValue = StructValue<typeof MsgUseModel.fields>
export type MsgWithdrawAttributionValue = StructValue<typeof MsgWithdrawAttribution.fields>
export type MsgWithdrawTreasuryValue = StructValue<typeof MsgWithdrawTreasury.fields>
