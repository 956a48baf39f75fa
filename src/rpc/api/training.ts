/**
 * subnet_*, round_*, model_*: the subnets and training modules' queries
 * (src/modules/subnets/queries.ts, src/modules/training/queries.ts) on the latest committed
 * state, each answer with the `height` it was read at. Ids, rounds, versions, heights and
 * amounts are decimal strings; block counts, scales and caps are numbers; Decs exact texts.
 * A trainer or aggregator daemon follows its subnet with these and `subscribe` (events
 * round_opened, round_closed, update_submitted, aggregate_accepted, aggregate_rejected).
 */
import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { height } from '../shapes.js'
import { Account, DecText } from './module-shapes.js'

const QF = ['QUERY_FAILED'] as const
const Id = (what: string) => s.decimal(what)
const Cid = s.string({ minLength: 1, maxLength: 128, description: 'CIDv1 text (base32), the UnixFS kubo-v1 CID of the blob' })

const subnetParamsShape = {
  validation_set: s.string(),
  aggregation_rule: s.string({ description: 'canonical rule name (fedavg, median, trimmed:0.2, krum:…, …+nnm)' }),
  timing: s.object({ submit_window: s.integer({ min: 0 }), aggregate_window: s.integer({ min: 0 }), gap: s.integer({ min: 0 }) }),
  quantization: s.object({
    dtype: s.enum(['int8', 'int16', 'int32'] as const),
    scale: s.integer({ min: 0 }),
    max_abs: s.integer({ min: 0 }),
    clip_norm: DecText,
  }),
  sample_cap: s.integer({ min: 0 }),
  max_trainers: s.integer({ min: 0 }),
  min_trainer_bond: s.decimal(),
  min_aggregator_bond: s.decimal(),
  membership: s.enum(['open', 'allow-list'] as const),
  sharing: s.object({ mode: s.enum(['private', 'subnets', 'public'] as const), subnets: s.array(s.decimal()) }),
  reward_split: s.object({ trainers: DecText, aggregator: DecText, scorers: DecText, data: DecText }),
  aggregator_slash_fraction: DecText,
}
export const SubnetParamsJson = s.named('SubnetParams', s.object(subnetParamsShape))

const subnetShape = {
  id: s.decimal(),
  name: s.string(),
  domain: s.string(),
  description: s.string(),
  admin: Account,
  model_spec: s.string({ description: 'the model spec, canonical JSON text (src/fl/model/spec.ts)' }),
  parameter_count: s.decimal(),
  initial_model_cid: Cid,
  deposit: s.decimal(),
  created_height: s.decimal(),
  trainers: s.integer({ min: 0, description: 'members of the role' }),
  aggregators: s.integer({ min: 0 }),
  params: SubnetParamsJson,
  params_from_round: s.nullable(s.decimal()),
  pending_params: s.nullable(SubnetParamsJson),
  pending_since_height: s.nullable(s.decimal()),
}
export const SubnetJson = s.named('Subnet', s.object(subnetShape))

const Role = s.enum(['trainer', 'aggregator'] as const)
export const MemberJson = s.named('SubnetMember', s.object({ address: Account, role: Role, bond: s.decimal(), joined_height: s.decimal() }))

export const subnetGet = defineMethod({
  name: 'subnet_get',
  summary: 'One subnet: its model spec, initial model, params in force and pending, member counts.',
  description: 'QUERY_FAILED { codespace: subnets, code: UNKNOWN_SUBNET } when there is none.',
  params: { id: Id('subnet id') },
  result: s.object({ height, ...subnetShape }),
  errors: QF,
})

export const subnetList = defineMethod({
  name: 'subnet_list',
  summary: 'Every subnet, by id.',
  params: {},
  result: s.object({ height, subnets: s.array(SubnetJson) }),
  errors: QF,
})

export const subnetMembers = defineMethod({
  name: 'subnet_members',
  summary: "A subnet's members with their bonds: trainers, then aggregators, each in address order.",
  params: { subnet: Id('subnet id'), role: s.optional(s.describe(Role, 'default: both roles')) },
  result: s.object({ height, members: s.array(MemberJson) }),
  errors: QF,
})

export const subnetAllowList = defineMethod({
  name: 'subnet_allowList',
  summary: "A subnet's allow-list (address order).",
  params: { subnet: Id('subnet id') },
  result: s.object({ height, allow_list: s.array(Account) }),
  errors: QF,
})

export const subnetParams = defineMethod({
  name: 'subnet_params',
  summary: "The subnets module's parameters (creation deposit, limits).",
  params: {},
  result: s.object({
    height,
    creation_deposit: s.decimal(),
    max_subnets: s.decimal(),
    max_name_length: s.integer({ min: 0 }),
    max_description_length: s.integer({ min: 0 }),
  }),
  errors: QF,
})

export const ROUND_PHASES = ['submit', 'aggregate', 'score', 'closed'] as const

const RejectionJson = s.named(
  'AggregateRejection',
  s.object({
    aggregator: Account,
    result_cid: Cid,
    new_global_cid: Cid,
    expected_result_cid: Cid,
    expected_global_cid: Cid,
    slashed: s.decimal('bond taken from the aggregator'),
    height: s.decimal(),
  }),
  'a wrong aggregate the chain refused: what was submitted, what the chain computed',
)

const roundShape = {
  subnet: s.decimal(),
  round: s.decimal(),
  phase: s.describe(s.enum(ROUND_PHASES), 'the phase at the next block (height + 1), where a transaction sent now lands'),
  at_height: s.decimal('the height this answer was computed at'),
  open_height: s.decimal(),
  submit_end_height: s.decimal('first height after the submit window'),
  aggregate_end_height: s.decimal('first height after the aggregate window'),
  close_height: s.decimal(),
  next_open_height: s.nullable(s.decimal()),
  base_version: s.decimal(),
  base_global_cid: Cid,
  rule: s.string(),
  quantization: s.object({
    dtype: s.enum(['int8', 'int16', 'int32'] as const),
    scale: s.integer({ min: 0 }),
    max_abs: s.integer({ min: 0 }),
  }),
  sample_cap: s.integer({ min: 0 }),
  max_updates: s.integer({ min: 0 }),
  gap: s.integer({ min: 0 }),
  slash_fraction: DecText,
  updates: s.integer({ min: 0, description: 'updates received' }),
  closed: s.boolean(),
  version: s.nullable(s.decimal('the model version the round made, once its aggregate was accepted')),
  rejections: s.array(RejectionJson),
}
export const RoundJson = s.named('Round', s.object(roundShape))

export const UpdateJson = s.named(
  'Update',
  s.object({
    trainer: Account,
    update_cid: Cid,
    sample_count: s.integer({ min: 0 }),
    weight: s.integer({ min: 0, description: 'min(sample_count, sample_cap): the weight the rule uses' }),
    epoch_id: s.decimal(),
    device_id_hash: s.hex({ bytes: 32 }),
    byte_size: s.decimal(),
    claimed_metrics: s.array(
      s.object({ name: s.string(), value: s.decimal("millionths (0.912 → 912000); the trainer's claim, unchecked") }),
    ),
    height: s.decimal(),
    time: s.decimal('unix ms of block time'),
  }),
)

const versionShape = {
  subnet: s.decimal(),
  version: s.decimal(),
  round: s.nullable(s.decimal()),
  parent: s.nullable(s.decimal()),
  global_cid: Cid,
  aggregate_cid: s.nullable(Cid),
  included: s.array(s.object({ trainer: Account, update_cid: Cid, sample_count: s.integer({ min: 0 }) })),
  rule: s.string(),
  aggregator: s.nullable(Account),
  recorded_height: s.decimal('the block that recorded the version'),
}
export const ModelVersionJson = s.named(
  'ModelVersion',
  s.object(versionShape),
  "a global model version; version 0 is the subnet's initial model",
)

export const roundGet = defineMethod({
  name: 'round_get',
  summary: "A subnet's round (the current one without `round`): phase, windows, base model, updates received, rejections.",
  description: 'QUERY_FAILED { codespace: training, code: UNKNOWN_SUBNET | UNKNOWN_ROUND }.',
  params: { subnet: Id('subnet id'), round: s.optional(Id('round number (default: the current round)')) },
  result: s.object({ height, ...roundShape }),
  errors: QF,
})

export const roundUpdates = defineMethod({
  name: 'round_updates',
  summary: "A round's accepted updates, in trainer-address order (the order an aggregate lists them).",
  params: { subnet: Id('subnet id'), round: Id('round number') },
  result: s.object({ height, updates: s.array(UpdateJson) }),
  errors: QF,
})

export const modelVersion = defineMethod({
  name: 'model_version',
  summary: 'One model version of a subnet: its global model CID, parent, round, contributors.',
  description: 'QUERY_FAILED { codespace: training, code: UNKNOWN_VERSION }.',
  params: { subnet: Id('subnet id'), version: Id('version number') },
  result: s.object({ height, ...versionShape }),
  errors: QF,
})

export const modelVersions = defineMethod({
  name: 'model_versions',
  summary: 'Every model version of a subnet, in version order (0 = the initial model).',
  params: { subnet: Id('subnet id') },
  result: s.object({ height, versions: s.array(ModelVersionJson) }),
  errors: QF,
})

export const modelLatest = defineMethod({
  name: 'model_latest',
  summary: "A subnet's latest model version (what the next round trains).",
  params: { subnet: Id('subnet id') },
  result: s.object({ height, ...versionShape }),
  errors: QF,
})

export const trainingParams = defineMethod({
  name: 'training_params',
  summary: "The training module's parameters.",
  params: {},
  result: s.object({
    height,
    score_window: s.integer({ min: 0, description: 'blocks between the aggregate window and the close' }),
    gas_per_coordinate: s.decimal(),
    free_rider_memory_rounds: s.integer({ min: 0, description: 'earlier rounds an exact duplicate update is looked for in' }),
    min_update_norm: s.decimal('an update of smaller L2 norm (quantized units) is ZERO_UPDATE'),
    near_copy_cosine: s.describe(
      DecText,
      'an update at least this close (cosine) to an earlier one of the round is NEAR_COPY; 0 turns the check off',
    ),
    free_rider_slash_fraction: DecText,
    close_submit_when_full: s.boolean(
      "a round's submit window ends at the next block once every trainer member submitted, or the round is full",
    ),
    envelope_admins: s.describe(
      s.array(Account),
      'the accounts governance allows to publish envelope key sets (MsgSetEnvelopeKeys); [] keeps every subnet plain',
    ),
  }),
  errors: QF,
})

export const roundRejectedUpdates = defineMethod({
  name: 'round_rejectedUpdates',
  summary:
    "A round's free-riders: updates the chain refused as exact duplicates, zero updates or near-copies, and what each cost its trainer.",
  params: { subnet: Id('subnet id'), round: Id('round number') },
  result: s.object({
    height,
    rejected_updates: s.array(
      s.object({
        trainer: Account,
        update_cid: Cid,
        sample_count: s.integer({ min: 0 }),
        code: s.integer({ min: 0, description: 'training code: 32 DUPLICATE_CONTENT, 33 ZERO_UPDATE, 34 NEAR_COPY' }),
        reason: s.string(),
        matched_round: s.nullable(s.decimal()),
        matched_trainer: s.nullable(Account),
        norm_sq: s.decimal('squared L2 norm, in quantized units'),
        cosine: DecText,
        slashed: s.decimal(),
        height: s.decimal(),
      }),
    ),
  }),
  errors: QF,
})
