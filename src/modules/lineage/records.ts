import { type Context, readParams } from '../../state/index.js'
import type { ScoredTrainer } from '../reputation/hooks.js'
import type { ModelVersionValue, RoundValue } from '../training/messages.js'
import { LineageBooks } from './books.js'
import { emitVersionAttributed, emitVersionRecorded } from './events.js'
import { DATANETS, SUBNETS, TRAINING } from './expected-keepers.js'
import { type VersionId, sameVersion } from './keys.js'
import type { DatanetVersionRefValue, VersionRecordValue, VersionRefValue } from './messages.js'
import { lineageParams } from './params.js'
import { type Attribution, type DataPart, WEIGHT_SCALE, attribute, initialAttribution } from './weights.js'

/** A validation set naming a Datanet version: `datanet:ID@VERSION`. */
const DATANET_REF = /^datanet:(0|[1-9][0-9]{0,19})@(0|[1-9][0-9]{0,19})$/

/** The Datanet version a subnet's validation set names, or null (a CID, another scheme). */
export function validationDatanet(validationSet: string): DatanetVersionRefValue | null {
  const match = DATANET_REF.exec(validationSet)
  if (match === null) return null
  const datanet = BigInt(match[1]!)
  const version = BigInt(match[2]!)
  return datanet < 2n ** 64n && version < 2n ** 64n ? { datanet, version } : null
}

const compareRefs = (a: DatanetVersionRefValue, b: DatanetVersionRefValue): number =>
  a.datanet === b.datanet ? (a.version < b.version ? -1 : a.version > b.version ? 1 : 0) : a.datanet < b.datanet ? -1 : 1

/** The Datanet versions a round used: its trainers' declarations and the validation set, distinct, ascending. */
function datanetVersionsOf(ctx: Context, subnet: bigint, round: bigint): DatanetVersionRefValue[] {
  const refs = ctx
    .keeper(DATANETS)
    .declarations(subnet, round)
    .map((d) => ({ datanet: d.datanet, version: d.version }))
  const validation = validationDatanet(ctx.keeper(SUBNETS).effectiveParams(subnet, round).validationSet)
  if (validation !== null) refs.push(validation)
  refs.sort(compareRefs)
  return refs.filter((r, i) => i === 0 || compareRefs(refs[i - 1]!, r) !== 0)
}

function writeAttribution(books: LineageBooks, v: VersionId, attribution: Attribution): void {
  for (const { contributor, credit } of attribution.credits) books.setCredit(v, contributor, credit)
}

/**
 * The base version a fine-tune subnet's model spec names (its `adapter.base`, src/fl/model/spec.ts
 * AdapterSpec), or null for a spec without an adapter. The spec was checked when the subnet was
 * created (checkModelSpec), so this only reads it.
 */
export function adapterBaseOf(modelSpec: string): VersionRefValue | null {
  let spec: unknown
  try {
    spec = JSON.parse(modelSpec)
  } catch {
    return null
  }
  const base = (spec as { adapter?: { base?: { subnet?: unknown; version?: unknown } } } | null)?.adapter?.base
  if (
    typeof base?.subnet !== 'string' ||
    typeof base.version !== 'string' ||
    !/^[0-9]{1,20}$/.test(base.subnet) ||
    !/^[0-9]{1,20}$/.test(base.version)
  )
    return null
  return { subnet: BigInt(base.subnet), version: BigInt(base.version) }
}

/**
 * Lineage's record of version 0 of `subnet` (its initial model): no round, attributed at once
 * with every weight to the subnet's treasury (initialAttribution), and `parents` (a fork's
 * source, or none). A fine-tune subnet's (its spec declares an adapter) is kind `adapter` with
 * its base version as a parent too, when `hasRecord` finds the base. Undefined when the subnet
 * does not exist. Not stored (ensureVersionZero stores it).
 */
export function versionZeroRecord(
  ctx: Context,
  subnet: bigint,
  parents: VersionRefValue[] = [],
  hasRecord: (v: VersionRefValue) => boolean = (v) => readVersion(ctx, v) !== undefined,
): VersionRecordValue | undefined {
  const record = ctx.keeper(SUBNETS).subnet(subnet)
  if (record === undefined) return undefined
  const height = BigInt(ctx.block.height)
  const base = adapterBaseOf(record.modelSpec)
  const withBase =
    base !== null && base.subnet !== subnet && !parents.some((p) => sameVersion(p, base)) && hasRecord(base) ? [...parents, base] : parents
  return {
    subnet,
    version: 0n,
    kind: base === null ? 'full' : 'adapter',
    parents: withBase,
    round: null,
    globalCid: ctx.keeper(TRAINING).version(subnet, 0n)?.globalCid ?? record.initialModelCid,
    aggregateCid: null,
    datanetVersions: [],
    training: { rule: '', dtype: '', scale: 0, maxAbs: 0, sampleCap: 0 },
    aggregator: null,
    trainers: [],
    status: 'attributed',
    totalWeight: WEIGHT_SCALE,
    height,
    attributedHeight: height,
  }
}

/**
 * Version 0 of `subnet`, recorded (with its treasury credit) when first needed: the parent of
 * version 1, a fork, a use. Returns the record, or undefined when the subnet does not exist.
 */
export function ensureVersionZero(ctx: Context, subnet: bigint, parents: VersionRefValue[] = []): VersionRecordValue | undefined {
  const books = new LineageBooks(ctx.moduleStore())
  const existing = books.version({ subnet, version: 0n })
  if (existing !== undefined) return existing
  const value = versionZeroRecord(ctx, subnet, parents, (v) => resolveVersion(ctx, v) !== undefined)
  if (value === undefined) return undefined
  books.setVersion(value)
  writeAttribution(books, value, initialAttribution(subnet))
  emitVersionRecorded(ctx, value)
  return value
}

/** A version's record without writing anything (queries): the stored one, or the version 0 ensureVersionZero would record. */
export function readVersion(ctx: Context, v: VersionId): VersionRecordValue | undefined {
  const stored = new LineageBooks(ctx.moduleStore()).version(v)
  if (stored !== undefined || v.version !== 0n) return stored
  return versionZeroRecord(ctx, v.subnet)
}

/** A version's lineage record: the stored one, or version 0 recorded now if training (or subnets) has it. */
export function resolveVersion(ctx: Context, v: VersionId): VersionRecordValue | undefined {
  const stored = new LineageBooks(ctx.moduleStore()).version(v)
  if (stored !== undefined || v.version !== 0n) return stored
  return ensureVersionZero(ctx, v.subnet)
}

/**
 * TRAINING_HOOKS.roundAggregated: the new version's record, pending — kind full (adapter for a
 * fine-tune subnet), its parent
 * (training's `parent`, in the same subnet; version 0 recorded first if needed), round, CIDs,
 * the Datanet versions the round used so far, its training params, aggregator and trainers
 * with their sample counts; the child index of its parent.
 */
export function recordTrainingVersion(ctx: Context, round: RoundValue, version: ModelVersionValue): VersionRecordValue {
  const books = new LineageBooks(ctx.moduleStore())
  const parents: VersionRefValue[] = []
  if (version.parent !== null) {
    const parent = { subnet: version.subnet, version: version.parent }
    if (resolveVersion(ctx, parent) !== undefined) parents.push(parent)
  }
  const spec = ctx.keeper(SUBNETS).subnet(version.subnet)?.modelSpec
  const value: VersionRecordValue = {
    subnet: version.subnet,
    version: version.version,
    kind: spec !== undefined && adapterBaseOf(spec) !== null ? 'adapter' : 'full',
    parents,
    round: round.round,
    globalCid: version.globalCid,
    aggregateCid: version.aggregateCid,
    datanetVersions: datanetVersionsOf(ctx, version.subnet, round.round),
    training: { rule: version.rule, dtype: round.dtype, scale: round.scale, maxAbs: round.maxAbs, sampleCap: round.sampleCap },
    aggregator: version.aggregator,
    trainers: version.included.map((i) => ({ trainer: i.trainer, sampleCount: i.sampleCount, consensusScore: null, weight: 0 })),
    status: 'pending',
    totalWeight: 0n,
    height: BigInt(ctx.block.height),
    attributedHeight: null,
  }
  books.setVersion(value)
  emitVersionRecorded(ctx, value)
  return value
}

/**
 * REPUTATION_HOOKS.roundScored: the version of `round` attributed — weights.ts over the round's
 * consensus scores, the trainers' declared records (through the Datanets view: quality of each
 * record, merged by contributor) and the aggregator; the scores kept with the trainers as the
 * validator-agreed metrics; the Datanet versions refreshed from the final declarations. A version
 * already attributed, or a round without one, is left as it is.
 */
export function attributeRound(
  ctx: Context,
  subnet: bigint,
  roundNumber: bigint,
  scored: readonly ScoredTrainer[],
): VersionRecordValue | undefined {
  const training = ctx.keeper(TRAINING)
  const round = training.round(subnet, roundNumber)
  if (round === undefined || round.version === null) return undefined
  const books = new LineageBooks(ctx.moduleStore())
  let record = books.version({ subnet, version: round.version })
  if (record === undefined) {
    const version = training.version(subnet, round.version)
    if (version === undefined) return undefined
    record = recordTrainingVersion(ctx, round, version)
  }
  if (record.status === 'attributed') return record
  const params = readParams(ctx.moduleStore(), lineageParams)
  const datanets = ctx.keeper(DATANETS)
  const declarations = datanets.declarations(subnet, roundNumber)
  const dataOf = (trainer: Uint8Array): DataPart[] => {
    const parts: DataPart[] = []
    for (const d of declarations) {
      if (!Buffer.from(d.trainer).equals(Buffer.from(trainer))) continue
      for (const r of d.records) {
        const view = datanets.record(d.datanet, r.record)
        if (view === undefined || view.status !== 'accepted' || view.quality <= 0) continue
        parts.push({ contributor: view.contributor, weight: BigInt(r.count) * BigInt(view.quality) })
      }
    }
    return parts
  }
  const attribution = attribute(params, subnet, scored, record.aggregator, dataOf)
  const byTrainer = new Map(scored.map((s) => [Buffer.from(s.trainer).toString('hex'), s]))
  const height = BigInt(ctx.block.height)
  const value: VersionRecordValue = {
    ...record,
    datanetVersions: datanetVersionsOf(ctx, subnet, roundNumber),
    trainers: record.trainers.map((t) => {
      const s = byTrainer.get(Buffer.from(t.trainer).toString('hex'))
      return s === undefined ? t : { ...t, consensusScore: s.consensusScore, weight: s.weight }
    }),
    status: 'attributed',
    totalWeight: attribution.total,
    attributedHeight: height,
  }
  books.setVersion(value)
  writeAttribution(books, value, attribution)
  emitVersionAttributed(ctx, value, attribution.credits.length)
  return value
}

/** Whether `ancestor` is `v` or reachable from it through parents (bounded walk: used to refuse a fork into one's own lineage). */
export function reaches(books: LineageBooks, v: VersionId, ancestor: VersionId, limit = 10_000): boolean {
  const seen = new Set<string>()
  const queue: VersionId[] = [v]
  while (queue.length > 0 && seen.size < limit) {
    const next = queue.shift()!
    if (sameVersion(next, ancestor)) return true
    const key = `${next.subnet}/${next.version}`
    if (seen.has(key)) continue
    seen.add(key)
    for (const p of books.version(next)?.parents ?? []) queue.push(p)
  }
  return false
}
