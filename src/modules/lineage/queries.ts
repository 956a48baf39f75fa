/**
 * Lineage's queries (plain JSON in and out; subnets, versions, rounds, heights, weights and
 * amounts as decimal strings, amounts in units of the bond denomination, addresses fedra1…, a
 * subnet's treasury as `treasury:ID`; `subnet`, `version`, `depth`, `id` params as decimal strings
 * or safe integers). The RPC layer maps `lineage_*` onto these.
 *
 *   params       {}                          → the params (params.ts)
 *   version      { subnet, version }         → VersionJson & { credits: CreditJson[], pool: PoolJson }   (UNKNOWN_VERSION)
 *   ancestry     { subnet, version, depth? } → WalkJson up the parents (depth ≤ 64, default max_ancestry_depth)
 *   descendants  { subnet, version, depth? } → WalkJson down the child index
 *   contributors { subnet, version }         → { scale, contributors: [{ contributor, weight, versions }], validators, pending, dust, versions }
 *                                              (parts per `scale` of a fee to this version, resolved through its
 *                                              ancestors with the decay, dag.ts resolveContributors)
 *   diff         { from: {subnet, version}, to: {subnet, version} }
 *                                            → { related, rounds: [{ subnet, version, round }], datanet_versions: { added, removed },
 *                                                trainers: { added, removed }, truncated }
 *   receipt      { id }                      → ReceiptJson                                        (UNKNOWN_RECEIPT)
 *   owed         { address } | { treasury }  → { contributor, denom, total, versions: OwedJson[] }  (versions it is credited in)
 *   pool         { subnet, version }         → { subnet, version, denom, accrued, paid, held }     (held = accrued − paid)
 *   totals       {}                          → { denom, received, to_validators, withdrawn, held, receipts }
 *
 *   VersionJson = { subnet, version, kind, parents: [{subnet, version}], round, global_cid, aggregate_cid,
 *                   datanet_versions: [{datanet, version}], training: { rule, dtype, scale, max_abs, sample_cap },
 *                   aggregator, trainers: [{ trainer, sample_count, consensus_score, weight }], status,
 *                   total_weight, recorded_height, attributed_height }
 *   CreditJson  = { contributor, trainer, data, aggregator, treasury, weight, paid }
 *   WalkJson    = { nodes: [{ subnet, version, depth, kind, round, status, global_cid }], edges: [{ child, parent }], truncated }
 *   ReceiptJson = { id, user, subnet, version, fee, denom, purpose, used_height, parents_part, validators_part, pooled,
 *                   ancestors_validators, ancestors_pooled, credited, state_key (hex: receiptStateKey) }
 *   OwedJson    = { subnet, version, weight, total_weight, accrued, entitled, paid, owed }
 */
import { decodeAddress, encodeAddress } from '../../crypto/index.js'
import { type Context, type QueryHandler, readParams } from '../../state/index.js'
import { LineageBooks, weightOf } from './books.js'
import { ancestry, descendants, diff, resolveContributors, type Walk } from './dag.js'
import { lineageError } from './errors.js'
import { contributorText } from './events.js'
import { BANK, STAKING } from './expected-keepers.js'
import { type Contributor, LINEAGE_ACCOUNT, type VersionId, receiptStateKey } from './keys.js'
import type { CreditValue, PoolValue, UseReceiptValue, VersionRecordValue } from './messages.js'
import { MAX_ANCESTRY_DEPTH, lineageParams } from './params.js'
import { readVersion } from './records.js'
import { owedTo } from './settlement.js'
import { WEIGHT_SCALE } from './weights.js'
import { moduleAddress } from '../../state/index.js'

const ref = (v: VersionId) => ({ subnet: String(v.subnet), version: String(v.version) })

export const versionJson = (v: VersionRecordValue) => ({
  ...ref(v),
  kind: v.kind,
  parents: v.parents.map(ref),
  round: v.round === null ? null : String(v.round),
  global_cid: v.globalCid,
  aggregate_cid: v.aggregateCid,
  datanet_versions: v.datanetVersions.map((d) => ({ datanet: String(d.datanet), version: String(d.version) })),
  training: {
    rule: v.training.rule,
    dtype: v.training.dtype,
    scale: v.training.scale,
    max_abs: v.training.maxAbs,
    sample_cap: v.training.sampleCap,
  },
  aggregator: v.aggregator === null ? null : encodeAddress(v.aggregator),
  trainers: v.trainers.map((t) => ({
    trainer: encodeAddress(t.trainer),
    sample_count: t.sampleCount,
    consensus_score: t.consensusScore === null ? null : t.consensusScore.toString(),
    weight: t.weight,
  })),
  status: v.status,
  total_weight: String(v.totalWeight),
  recorded_height: String(v.height),
  attributed_height: v.attributedHeight === null ? null : String(v.attributedHeight),
})

export const creditJson = (contributor: Contributor, c: CreditValue) => ({
  contributor: contributorText(contributor),
  trainer: String(c.trainer),
  data: String(c.data),
  aggregator: String(c.aggregator),
  treasury: String(c.treasury),
  weight: String(weightOf(c)),
  paid: String(c.paid),
})

export const poolJson = (p: PoolValue) => ({ accrued: String(p.accrued), paid: String(p.paid) })

export const receiptJson = (r: UseReceiptValue) => ({
  id: String(r.id),
  user: encodeAddress(r.user),
  ...ref(r),
  fee: String(r.fee.amount),
  denom: r.fee.denom,
  purpose: r.purpose,
  used_height: String(r.height),
  parents_part: String(r.parentsPart),
  validators_part: String(r.validatorsPart),
  pooled: String(r.pooled),
  ancestors_validators: String(r.ancestorsValidators),
  ancestors_pooled: String(r.ancestorsPooled),
  credited: r.credited,
  state_key: Buffer.from(receiptStateKey(r.id)).toString('hex'),
})

const walkJson = (w: Walk) => ({
  nodes: w.nodes.map(({ record, depth }) => ({
    ...ref(record),
    depth,
    kind: record.kind,
    round: record.round === null ? null : String(record.round),
    status: record.status,
    global_cid: record.globalCid,
  })),
  edges: w.edges.map((e) => ({ child: ref(e.child), parent: ref(e.parent) })),
  truncated: w.truncated,
})

/** A u64 from a query: a decimal string or a safe integer; else INVALID_QUERY. */
export function u64Param(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(value) && BigInt(value) < 2n ** 64n) return BigInt(value)
  throw lineageError('INVALID_QUERY', `${field} must be a decimal integer string`, { [field]: String(value).slice(0, 40) })
}

function versionParam(ctx: Context, p: Record<string, unknown>, field = ''): VersionRecordValue {
  const at = (name: string) => (field === '' ? name : `${field}.${name}`)
  const subnet = u64Param(p.subnet, at('subnet'))
  const version = u64Param(p.version, at('version'))
  const record = readVersion(ctx, { subnet, version })
  if (record === undefined)
    throw lineageError('UNKNOWN_VERSION', `no model version ${subnet}/${version}`, { subnet: String(subnet), version: String(version) })
  return record
}

function depthParam(ctx: Context, value: unknown): number {
  if (value === undefined) return readParams(ctx.moduleStore(), lineageParams).maxAncestryDepth
  const depth = u64Param(value, 'depth')
  if (depth > BigInt(MAX_ANCESTRY_DEPTH))
    throw lineageError('INVALID_QUERY', `depth must be at most ${MAX_ANCESTRY_DEPTH}`, { depth: String(depth) })
  return Number(depth)
}

function contributorParam(p: Record<string, unknown>): Contributor {
  if (p.treasury !== undefined) return { kind: 'treasury', subnet: u64Param(p.treasury, 'treasury') }
  try {
    return { kind: 'account', address: decodeAddress(String(p.address)) }
  } catch {
    throw lineageError('INVALID_QUERY', 'address must be a fedra1… address', { address: String(p.address).slice(0, 64) })
  }
}

const objectParam = (value: unknown, field: string): Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw lineageError('INVALID_QUERY', `${field} must be { subnet, version }`)
  return value as Record<string, unknown>
}

const booksOf = (ctx: Context) => new LineageBooks(ctx.moduleStore())

export const lineageQueries: Record<string, QueryHandler> = {
  params: (ctx) => lineageParams.toJson(readParams(ctx.moduleStore(), lineageParams)),
  version(ctx, p) {
    const record = versionParam(ctx, p)
    const books = booksOf(ctx)
    const stored = books.version(record) !== undefined
    const credits = stored
      ? [...books.credits(record)]
      : [
          {
            contributor: { kind: 'treasury', subnet: record.subnet } as Contributor,
            credit: { trainer: 0n, data: 0n, aggregator: 0n, treasury: WEIGHT_SCALE, paid: 0n },
          },
        ]
    return { ...versionJson(record), credits: credits.map((c) => creditJson(c.contributor, c.credit)), pool: poolJson(books.pool(record)) }
  },
  ancestry: (ctx, p) => walkJson(ancestry(booksOf(ctx), versionParam(ctx, p), depthParam(ctx, p.depth))),
  descendants: (ctx, p) => walkJson(descendants(booksOf(ctx), versionParam(ctx, p), depthParam(ctx, p.depth))),
  contributors(ctx, p) {
    const record = versionParam(ctx, p)
    const r = resolveContributors(booksOf(ctx), record, readParams(ctx.moduleStore(), lineageParams))
    return {
      ...ref(record),
      scale: String(WEIGHT_SCALE),
      contributors: r.contributors.map((c) => ({
        contributor: contributorText(c.contributor),
        weight: String(c.weight),
        versions: c.versions,
      })),
      validators: String(r.validators),
      pending: String(r.pending),
      dust: String(r.dust),
      versions: r.versions,
    }
  },
  diff(ctx, p) {
    const from = versionParam(ctx, objectParam(p.from, 'from'), 'from')
    const to = versionParam(ctx, objectParam(p.to, 'to'), 'to')
    const d = diff(booksOf(ctx), from, to)
    const dn = (r: { datanet: bigint; version: bigint }) => ({ datanet: String(r.datanet), version: String(r.version) })
    return {
      from: ref(from),
      to: ref(to),
      related: d.related,
      rounds: d.path.map((v) => ({ ...ref(v), round: v.round === null ? null : String(v.round) })),
      datanet_versions: { added: d.datanetsAdded.map(dn), removed: d.datanetsRemoved.map(dn) },
      trainers: { added: d.trainersAdded.map((a) => encodeAddress(a)), removed: d.trainersRemoved.map((a) => encodeAddress(a)) },
      truncated: d.truncated,
    }
  },
  receipt(ctx, p) {
    const id = u64Param(p.id, 'id')
    const receipt = booksOf(ctx).receipt(id)
    if (receipt === undefined) throw lineageError('UNKNOWN_RECEIPT', `no use receipt ${id}`, { id: String(id) })
    return receiptJson(receipt)
  },
  owed(ctx, p) {
    const contributor = contributorParam(p)
    const owed = owedTo(booksOf(ctx), contributor)
    return {
      contributor: contributorText(contributor),
      denom: ctx.keeper(STAKING).bondDenom(),
      total: String(owed.reduce((sum, o) => sum + o.owed, 0n)),
      versions: owed.map((o) => ({
        ...ref(o.version),
        weight: String(o.weight),
        total_weight: String(o.totalWeight),
        accrued: String(o.accrued),
        entitled: String(o.entitled),
        paid: String(o.paid),
        owed: String(o.owed),
      })),
    }
  },
  pool(ctx, p) {
    const record = versionParam(ctx, p)
    const pool = booksOf(ctx).pool(record)
    return { ...ref(record), denom: ctx.keeper(STAKING).bondDenom(), ...poolJson(pool), held: String(pool.accrued - pool.paid) }
  },
  totals(ctx) {
    const t = booksOf(ctx).totals()
    const denom = ctx.keeper(STAKING).bondDenom()
    return {
      denom,
      received: String(t.received),
      to_validators: String(t.toValidators),
      withdrawn: String(t.withdrawn),
      held: String(ctx.keeper(BANK).balance(moduleAddress(LINEAGE_ACCOUNT), denom)),
      receipts: String(t.nextReceipt),
    }
  },
}
