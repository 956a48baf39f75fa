// Message and stored types only (codec, nothing else): the browser client builds transactions from this file.
import { t, type StructValue } from '../../codec/index.js'
import { decType } from '../../state/dec.js'
import { Coin } from '../bank/messages.js'

const address = t.fixedBytes(20)

/** Most addresses one allow-list message (or a creation) lists. */
export const MAX_ALLOW_LIST_CHANGE = 1000
/** Most subnets a `subnets` sharing mode names. */
export const MAX_SHARED_SUBNETS = 64
/** Longest model spec text (canonical JSON), in characters. */
export const MAX_MODEL_SPEC = 16_384

/**
 * The round's fixed-point format (src/fl/update/quantize.ts QuantizationConfig, plus the blob
 * dtype of src/fl/update/blob.ts): `dtype` is `int8`, `int16` or `int32`; an update coordinate is
 * q ≈ δ·scale with |q| ≤ maxAbs; trainers clip their float delta to L2 ≤ clipNorm first (a Dec:
 * no floats in state).
 */
export const Quantization = t.struct('subnets/Quantization', 2400, 1, {
  dtype: t.string({ max: 8 }),
  scale: t.u32,
  maxAbs: t.u32,
  clipNorm: decType,
})

/** A round's phases in blocks: submit window, then aggregate window, then a gap before the next round opens. */
export const RoundTiming = t.struct('subnets/RoundTiming', 2401, 1, {
  submitWindow: t.u32,
  aggregateWindow: t.u32,
  gap: t.u32,
})

/**
 * How a round's reward is shared out (consumed by the proof-of-contribution issue's rewards
 * module): trainers (by contribution), the aggregator whose aggregate was accepted, the scorers
 * (validators posting scores), and the data (Datanet contributors). Sums to exactly 1.
 */
export const RewardSplit = t.struct('subnets/RewardSplit', 2402, 1, {
  trainers: decType,
  aggregator: decType,
  scorers: decType,
  data: decType,
})

/** Who may build on this subnet's models (the lineage issue): `private`, `subnets` (only `subnets`, ascending ids) or `public`. */
export const Sharing = t.struct('subnets/Sharing', 2403, 1, {
  mode: t.string({ max: 16 }),
  subnets: t.array(t.u64, { max: MAX_SHARED_SUBNETS }),
})

/**
 * What a subnet's admin may change (MsgUpdateSubnetParams; in force from the next round):
 * `validationSet` is a CIDv1 of a committed blob or a `scheme:id` reference (`datanet:3@2`);
 * `aggregationRule` a canonical name of src/fl/rules/registry.ts; `sampleCap` caps each
 * update's sample count (its weight); `maxTrainers` caps the updates of one round; the minimum
 * bonds are in the bond denomination; `membership` is `open` or `allow-list`;
 * `aggregatorSlashFraction` is what a wrong aggregate costs its aggregator's bond.
 */
export const SubnetParams = t.struct('subnets/SubnetParams', 2404, 1, {
  validationSet: t.string({ max: 128 }),
  aggregationRule: t.string({ max: 64 }),
  timing: RoundTiming,
  quantization: Quantization,
  sampleCap: t.u32,
  maxTrainers: t.u32,
  minTrainerBond: t.uint(),
  minAggregatorBond: t.uint(),
  membership: t.string({ max: 16 }),
  sharing: Sharing,
  rewardSplit: RewardSplit,
  aggregatorSlashFraction: decType,
})

/**
 * Creates a subnet administered by the signer, who pays the module's creation deposit.
 * `modelSpec` is the canonical JSON of a src/fl/model/spec.ts ModelSpec (keys sorted, no
 * spaces); `initialModelCid` a CIDv1 of the initial global model blob; `allowList` the
 * addresses admitted when membership is `allow-list`.
 */
export const MsgCreateSubnet = t.struct('subnets/MsgCreateSubnet', 2410, 1, {
  name: t.string({ max: 256 }),
  domain: t.string({ max: 64 }),
  description: t.string({ max: 8192 }),
  modelSpec: t.string({ max: MAX_MODEL_SPEC }),
  initialModelCid: t.string({ max: 128 }),
  allowList: t.array(address, { max: MAX_ALLOW_LIST_CHANGE }),
  params: SubnetParams,
})

/** Adds and removes allow-listed addresses of a subnet at once (admin only). */
export const MsgUpdateAllowList = t.struct('subnets/MsgUpdateAllowList', 2411, 1, {
  subnet: t.u64,
  add: t.array(address, { max: MAX_ALLOW_LIST_CHANGE }),
  remove: t.array(address, { max: MAX_ALLOW_LIST_CHANGE }),
})

/** Replaces the subnet's params from its next round on (admin only); a second one before that round replaces the first. */
export const MsgUpdateSubnetParams = t.struct('subnets/MsgUpdateSubnetParams', 2412, 1, {
  subnet: t.u64,
  params: SubnetParams,
})

/** Joins a subnet as `trainer` or `aggregator`, bonding `bond` (in the bond denomination) through staking's Bonds. */
export const MsgJoinSubnet = t.struct('subnets/MsgJoinSubnet', 2413, 1, {
  subnet: t.u64,
  role: t.string({ max: 16 }),
  bond: Coin,
})

/** Leaves a role of a subnet: membership ends at once, the whole bond starts unbonding. */
export const MsgLeaveSubnet = t.struct('subnets/MsgLeaveSubnet', 2414, 1, {
  subnet: t.u64,
  role: t.string({ max: 16 }),
})

/** Adds `amount` to the signer's bond in a role it already holds (after a slash, or to stake more); the role's minimum does not apply. */
export const MsgTopUpSubnetBond = t.struct('subnets/MsgTopUpSubnetBond', 2415, 1, {
  subnet: t.u64,
  role: t.string({ max: 16 }),
  amount: Coin,
})

/** A subnet as stored (its params live apart, see keys.ts): what never changes after creation, plus its admin and member counts. */
export const SubnetRecord = t.struct('subnets/Subnet', 2420, 1, {
  id: t.u64,
  name: t.string({ max: 256 }),
  domain: t.string({ max: 64 }),
  description: t.string({ max: 8192 }),
  admin: address,
  modelSpec: t.string({ max: MAX_MODEL_SPEC }),
  /** Length of the flat parameter vector the spec defines (src/fl/model/spec.ts parameterLayout). */
  parameterCount: t.u64,
  initialModelCid: t.string({ max: 128 }),
  /** Creation deposit held in the `subnets` module account. */
  deposit: t.uint(),
  createdHeight: t.u64,
  trainers: t.u32,
  aggregators: t.u32,
})

/** The params in force, and the first round they governed (null until a round applied them). */
export const ParamsInForce = t.struct('subnets/ParamsInForce', 2421, 1, {
  params: SubnetParams,
  fromRound: t.optional(t.u64),
})

/** Params waiting for the subnet's next round, and the height they were set at. */
export const PendingParams = t.struct('subnets/PendingParams', 2422, 1, {
  params: SubnetParams,
  height: t.u64,
})

/** One membership: the bond it holds in staking's Bonds (purpose `subnet/<id>/<role>`) and when it began. */
export const MemberRecord = t.struct('subnets/Member', 2423, 1, {
  bond: t.uint(),
  joinedHeight: t.u64,
})

export type QuantizationValue = StructValue<typeof Quantization.fields>
export type RoundTimingValue = StructValue<typeof RoundTiming.fields>
export type RewardSplitValue = StructValue<typeof RewardSplit.fields>
export type SharingValue = StructValue<typeof Sharing.fields>
export type SubnetParamsValue = StructValue<typeof SubnetParams.fields>
export type MsgCreateSubnetValue = StructValue<typeof MsgCreateSubnet.fields>
export type MsgUpdateAllowListValue = StructValue<typeof MsgUpdateAllowList.fields>
export type MsgUpdateSubnetParamsValue = StructValue<typeof MsgUpdateSubnetParams.fields>
export type MsgJoinSubnetValue = StructValue<typeof MsgJoinSubnet.fields>
export type MsgLeaveSubnetValue = StructValue<typeof MsgLeaveSubnet.fields>
export type MsgTopUpSubnetBondValue = StructValue<typeof MsgTopUpSubnetBond.fields>
export type SubnetValue = StructValue<typeof SubnetRecord.fields>
export type ParamsInForceValue = StructValue<typeof ParamsInForce.fields>
export type PendingParamsValue = StructValue<typeof PendingParams.fields>
export type MemberValue = StructValue<typeof MemberRecord.fields>

export type Role = 'trainer' | 'aggregator'
export const ROLES: readonly Role[] = ['trainer', 'aggregator']
export const isRole = (value: string): value is Role => value === 'trainer' || value === 'aggregator'
