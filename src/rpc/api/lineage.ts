/**
 * lineage_* and usage_*: the lineage module's queries (src/modules/lineage/queries.ts) on the
 * latest committed state, each answer with the `height` it was read at: every model version's
 * record (parents across subnets, data, trainers and their agreed scores, attribution weights),
 * walks of the lineage DAG, the contributors credited for a version through its ancestors, and
 * model use — receipts, what each contributor is owed, the pools. Weights are integers of a
 * version's total (`scale` 10^12 for resolved contributors); a subnet's treasury is named
 * `treasury:ID` where an address would stand.
 */
import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { height } from '../shapes.js'
import { Account, DecText } from './module-shapes.js'

const QF = ['QUERY_FAILED'] as const
const Id = (what: string) => s.decimal(what)
const Cid = s.string({ minLength: 1, maxLength: 128, description: 'CIDv1 text' })
const Contributor = s.string({
  pattern: /^(fedra1[02-9ac-hj-np-z]+|treasury:(0|[1-9][0-9]*))$/,
  patternHint: 'expected fedra1… or treasury:ID',
  description: 'an account, or a subnet treasury as treasury:ID',
})
const Ref = s.named('VersionRef', s.object({ subnet: s.decimal(), version: s.decimal() }), 'a model version anywhere on the chain')
const RefParam = s.object({ subnet: Id('subnet id'), version: Id('version') })
const Depth = s.optional(s.describe(s.decimal(), 'generations to walk, ≤ 64 (default: the max_ancestry_depth param)'))

const versionShape = {
  subnet: s.decimal(),
  version: s.decimal(),
  kind: s.enum(['full', 'delta', 'adapter'] as const),
  parents: s.array(Ref),
  round: s.nullable(s.decimal()),
  global_cid: Cid,
  aggregate_cid: s.nullable(Cid),
  datanet_versions: s.array(s.object({ datanet: s.decimal(), version: s.decimal() })),
  training: s.object({
    rule: s.string(),
    dtype: s.string(),
    scale: s.integer({ min: 0 }),
    max_abs: s.integer({ min: 0 }),
    sample_cap: s.integer({ min: 0 }),
  }),
  aggregator: s.nullable(Account),
  trainers: s.array(
    s.object({
      trainer: Account,
      sample_count: s.integer({ min: 0 }),
      consensus_score: s.nullable(DecText),
      weight: s.integer({ min: 0 }),
    }),
  ),
  status: s.enum(['pending', 'attributed'] as const),
  total_weight: s.decimal("Σ of the credits' weights"),
  recorded_height: s.decimal(),
  attributed_height: s.nullable(s.decimal()),
}
const CreditJson = s.named(
  'LineageCredit',
  s.object({
    contributor: Contributor,
    trainer: s.decimal(),
    data: s.decimal(),
    aggregator: s.decimal(),
    treasury: s.decimal(),
    weight: s.decimal('the sum of its parts'),
    paid: s.decimal('withdrawn from this version so far'),
  }),
  "one contributor's weight in a version, by role",
)
const WalkJson = {
  nodes: s.array(
    s.object({
      subnet: s.decimal(),
      version: s.decimal(),
      depth: s.integer({ min: 0 }),
      kind: s.string(),
      round: s.nullable(s.decimal()),
      status: s.string(),
      global_cid: Cid,
    }),
  ),
  edges: s.array(s.object({ child: Ref, parent: Ref })),
  truncated: s.boolean('the depth bound cut the walk'),
}

export const lineageParams = defineMethod({
  name: 'lineage_params',
  summary:
    "The lineage module's parameters: how a use fee is split (trainers, data, aggregator, validators, treasury; the parents' decay), the depth bound and the least fee.",
  params: {},
  result: s.object({
    height,
    trainer_share: DecText,
    data_share: DecText,
    aggregator_share: DecText,
    validator_share: DecText,
    treasury_share: DecText,
    parent_share: DecText,
    max_ancestry_depth: s.integer({ min: 0 }),
    min_use_fee: s.decimal(),
  }),
  errors: QF,
})

export const lineageVersion = defineMethod({
  name: 'lineage_version',
  summary:
    "A model version's lineage record: parents, round, CIDs, Datanet versions, training params, trainers with their agreed scores, and its credits and pool.",
  description: 'QUERY_FAILED { codespace: lineage, code: UNKNOWN_VERSION } when there is none.',
  params: { subnet: Id('subnet id'), version: Id('version') },
  result: s.object({ height, ...versionShape, credits: s.array(CreditJson), pool: s.object({ accrued: s.decimal(), paid: s.decimal() }) }),
  errors: QF,
})

export const lineageGetAncestry = defineMethod({
  name: 'lineage_getAncestry',
  summary: "A version's ancestors to a depth: the DAG's nodes (with their depth) and parent edges, across subnets.",
  params: { subnet: Id('subnet id'), version: Id('version'), depth: Depth },
  result: s.object({ height, ...WalkJson }),
  errors: QF,
})

export const lineageGetDescendants = defineMethod({
  name: 'lineage_getDescendants',
  summary: "A version's descendants to a depth (forks into other subnets included).",
  params: { subnet: Id('subnet id'), version: Id('version'), depth: Depth },
  result: s.object({ height, ...WalkJson }),
  errors: QF,
})

export const lineageGetContributors = defineMethod({
  name: 'lineage_getContributors',
  summary: 'Everyone credited for a version, resolved through its ancestors with the decay: the parts of a fee of `scale` each would get.',
  params: { subnet: Id('subnet id'), version: Id('version') },
  result: s.object({
    height,
    subnet: s.decimal(),
    version: s.decimal(),
    scale: s.decimal(),
    contributors: s.array(
      s.object({
        contributor: Contributor,
        weight: s.decimal('parts per scale'),
        versions: s.integer({ min: 0, description: 'versions that credit it' }),
      }),
    ),
    validators: s.decimal("the validators' parts"),
    pending: s.decimal('parts waiting on versions not yet attributed'),
    dust: s.decimal('parts lost to floor division'),
    versions: s.integer({ min: 0, description: 'versions the walk reached' }),
  }),
  errors: QF,
})

export const lineageDiff = defineMethod({
  name: 'lineage_diff',
  summary: 'What changed between two versions: the rounds on the path, Datanet versions and trainers added and removed.',
  params: { from: RefParam, to: RefParam },
  result: s.object({
    height,
    from: Ref,
    to: Ref,
    related: s.boolean('one is an ancestor of the other'),
    rounds: s.array(s.object({ subnet: s.decimal(), version: s.decimal(), round: s.nullable(s.decimal()) })),
    datanet_versions: s.object({
      added: s.array(s.object({ datanet: s.decimal(), version: s.decimal() })),
      removed: s.array(s.object({ datanet: s.decimal(), version: s.decimal() })),
    }),
    trainers: s.object({ added: s.array(Account), removed: s.array(Account) }),
    truncated: s.boolean(),
  }),
  errors: QF,
})

export const usageReceipt = defineMethod({
  name: 'usage_receipt',
  summary: "A use's receipt: who used which version for what, the fee, and how it was split (parents, validators, pooled).",
  description:
    "`state_key` is the receipt's key in the state tree (state_query proves it). QUERY_FAILED { codespace: lineage, code: UNKNOWN_RECEIPT } when there is none.",
  params: { id: Id('receipt id, from 0') },
  result: s.object({
    height,
    id: s.decimal(),
    user: Account,
    subnet: s.decimal(),
    version: s.decimal(),
    fee: s.decimal(),
    denom: s.string(),
    purpose: s.string(),
    used_height: s.decimal(),
    parents_part: s.decimal(),
    validators_part: s.decimal(),
    pooled: s.decimal(),
    ancestors_validators: s.decimal(),
    ancestors_pooled: s.decimal(),
    credited: s.integer({ min: 0 }),
    state_key: s.string({ pattern: /^([0-9a-f]{2})+$/, patternHint: 'hex' }),
  }),
  errors: QF,
})

export const usageOwed = defineMethod({
  name: 'usage_owed',
  summary: 'What an account (or a subnet treasury) can withdraw of use fees, per version that credits it.',
  params: { address: s.optional(Account), treasury: s.optional(s.decimal('a subnet id: its treasury')) },
  result: s.object({
    height,
    contributor: Contributor,
    denom: s.string(),
    total: s.decimal(),
    versions: s.array(
      s.object({
        subnet: s.decimal(),
        version: s.decimal(),
        weight: s.decimal(),
        total_weight: s.decimal(),
        accrued: s.decimal(),
        entitled: s.decimal(),
        paid: s.decimal(),
        owed: s.decimal(),
      }),
    ),
  }),
  errors: QF,
})

export const usagePool = defineMethod({
  name: 'usage_pool',
  summary: "A version's pool of use fees: accrued, paid out, held.",
  params: { subnet: Id('subnet id'), version: Id('version') },
  result: s.object({
    height,
    subnet: s.decimal(),
    version: s.decimal(),
    denom: s.string(),
    accrued: s.decimal(),
    paid: s.decimal(),
    held: s.decimal(),
  }),
  errors: QF,
})

export const usageTotals = defineMethod({
  name: 'usage_totals',
  summary: 'All uses together: fees received, sent to validators, withdrawn, held by the module, receipts.',
  params: {},
  result: s.object({
    height,
    denom: s.string(),
    received: s.decimal(),
    to_validators: s.decimal(),
    withdrawn: s.decimal(),
    held: s.decimal(),
    receipts: s.decimal(),
  }),
  errors: QF,
})
