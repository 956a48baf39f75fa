import { decodeAddress } from '../../crypto/index.js'
import {
  type ModuleGenesis,
  addressAt,
  arrayAt,
  bigintAt,
  decAt,
  genesisError,
  intAt,
  objectAt,
  optionalU64At,
  stringAt,
  u32At,
  u64At,
} from '../../state/index.js'
import { LineageBooks } from './books.js'
import { type Contributor, versionName } from './keys.js'
import {
  type CreditValue,
  type LineageTotalsValue,
  MAX_DATANET_VERSIONS,
  MAX_PARENTS,
  MAX_PURPOSE,
  MAX_TRAINERS,
  type PoolValue,
  type UseReceiptValue,
  VERSION_KINDS,
  VERSION_STATUSES,
  type VersionRecordValue,
} from './messages.js'
import { accountInvariant, poolsInvariant, receiptBroken, receiptsInvariant, recordsInvariant } from './invariants.js'
import { creditJson, poolJson, receiptJson, versionJson } from './queries.js'

/**
 * `app_state.lineage` (params apart), what `export` writes and `init` reads back, every field
 * optional (empty on a new chain):
 *
 *   versions:  [VersionJson & { credits: CreditJson[], pool: { accrued, paid } }]   (queries.ts)
 *   receipts:  [ReceiptJson]  (state_key ignored)
 *   totals:    { received, to_validators, withdrawn, next_receipt }
 *
 * Decimal strings. At init every invariant must hold (the lineage account's genesis balance,
 * credited by bank first, equals what the pools hold).
 */
export interface LineageGenesis {
  versions: { record: VersionRecordValue; credits: { contributor: Contributor; credit: CreditValue }[]; pool: PoolValue }[]
  receipts: UseReceiptValue[]
  totals: LineageTotalsValue
}

const FIELDS = ['versions', 'receipts', 'totals']
const amountAt = (value: unknown, path: string) => bigintAt(value, path, { min: 0n, max: 2n ** 256n - 1n })
const list = (value: unknown, path: string, max = Number.MAX_SAFE_INTEGER) => {
  const items = arrayAt(value ?? [], path)
  if (items.length > max) throw genesisError(path, `at most ${max} entries`)
  return items.map((e, i) => ({ at: `${path}[${i}]`, o: objectAt(e, `${path}[${i}]`) }))
}
const oneOf = <T extends string>(value: unknown, path: string, allowed: readonly T[]): T => {
  const text = stringAt(value, path)
  if (!(allowed as readonly string[]).includes(text)) throw genesisError(path, `must be one of ${allowed.join(', ')}`)
  return text as T
}
const optionalString = (value: unknown, path: string): string | null =>
  value === null || value === undefined ? null : stringAt(value, path)

function contributorAt(value: unknown, path: string): Contributor {
  const text = stringAt(value, path)
  const treasury = /^treasury:(0|[1-9][0-9]{0,19})$/.exec(text)
  if (treasury !== null) return { kind: 'treasury', subnet: u64At(treasury[1], path) }
  try {
    return { kind: 'account', address: decodeAddress(text) }
  } catch {
    throw genesisError(path, 'must be a fedra1… address or treasury:SUBNET')
  }
}

function versionAt(at: string, o: Record<string, unknown>): LineageGenesis['versions'][number] {
  const training = objectAt(o.training, `${at}.training`)
  const record: VersionRecordValue = {
    subnet: u64At(o.subnet, `${at}.subnet`),
    version: u64At(o.version, `${at}.version`),
    kind: oneOf(o.kind, `${at}.kind`, VERSION_KINDS),
    parents: list(o.parents, `${at}.parents`, MAX_PARENTS).map(({ at: p, o: e }) => ({
      subnet: u64At(e.subnet, `${p}.subnet`),
      version: u64At(e.version, `${p}.version`),
    })),
    round: optionalU64At(o.round, `${at}.round`),
    globalCid: stringAt(o.global_cid, `${at}.global_cid`),
    aggregateCid: optionalString(o.aggregate_cid, `${at}.aggregate_cid`),
    datanetVersions: list(o.datanet_versions, `${at}.datanet_versions`, MAX_DATANET_VERSIONS).map(({ at: p, o: e }) => ({
      datanet: u64At(e.datanet, `${p}.datanet`),
      version: u64At(e.version, `${p}.version`),
    })),
    training: {
      rule: stringAt(training.rule ?? '', `${at}.training.rule`),
      dtype: stringAt(training.dtype ?? '', `${at}.training.dtype`),
      scale: u32At(training.scale ?? 0, `${at}.training.scale`),
      maxAbs: u32At(training.max_abs ?? 0, `${at}.training.max_abs`),
      sampleCap: u32At(training.sample_cap ?? 0, `${at}.training.sample_cap`),
    },
    aggregator: o.aggregator === null || o.aggregator === undefined ? null : addressAt(o.aggregator, `${at}.aggregator`),
    trainers: list(o.trainers, `${at}.trainers`, MAX_TRAINERS).map(({ at: p, o: e }) => ({
      trainer: addressAt(e.trainer, `${p}.trainer`),
      sampleCount: u32At(e.sample_count, `${p}.sample_count`),
      consensusScore:
        e.consensus_score === null || e.consensus_score === undefined ? null : decAt(e.consensus_score, `${p}.consensus_score`),
      weight: intAt(e.weight ?? 0, `${p}.weight`, 0, 0xffff_ffff),
    })),
    status: oneOf(o.status, `${at}.status`, VERSION_STATUSES),
    totalWeight: amountAt(o.total_weight, `${at}.total_weight`),
    height: u64At(o.recorded_height, `${at}.recorded_height`),
    attributedHeight: optionalU64At(o.attributed_height, `${at}.attributed_height`),
  }
  const seen = new Set<string>()
  const credits = list(o.credits, `${at}.credits`).map(({ at: p, o: e }) => {
    const contributor = contributorAt(e.contributor, `${p}.contributor`)
    const id = contributor.kind === 'account' ? Buffer.from(contributor.address).toString('hex') : `t${contributor.subnet}`
    if (seen.has(id)) throw genesisError(`${p}.contributor`, 'listed twice')
    seen.add(id)
    return {
      contributor,
      credit: {
        trainer: amountAt(e.trainer ?? '0', `${p}.trainer`),
        data: amountAt(e.data ?? '0', `${p}.data`),
        aggregator: amountAt(e.aggregator ?? '0', `${p}.aggregator`),
        treasury: amountAt(e.treasury ?? '0', `${p}.treasury`),
        paid: amountAt(e.paid ?? '0', `${p}.paid`),
      },
    }
  })
  const pool = o.pool === undefined ? {} : objectAt(o.pool, `${at}.pool`)
  return {
    record,
    credits,
    pool: { accrued: amountAt(pool.accrued ?? '0', `${at}.pool.accrued`), paid: amountAt(pool.paid ?? '0', `${at}.pool.paid`) },
  }
}

function receiptAt(at: string, o: Record<string, unknown>): UseReceiptValue {
  const purpose = stringAt(o.purpose ?? '', `${at}.purpose`)
  if (Buffer.byteLength(purpose, 'utf8') > MAX_PURPOSE) throw genesisError(`${at}.purpose`, `at most ${MAX_PURPOSE} bytes`)
  const receipt: UseReceiptValue = {
    id: u64At(o.id, `${at}.id`),
    user: addressAt(o.user, `${at}.user`),
    subnet: u64At(o.subnet, `${at}.subnet`),
    version: u64At(o.version, `${at}.version`),
    fee: { denom: stringAt(o.denom, `${at}.denom`), amount: amountAt(o.fee, `${at}.fee`) },
    purpose,
    height: u64At(o.used_height, `${at}.used_height`),
    parentsPart: amountAt(o.parents_part, `${at}.parents_part`),
    validatorsPart: amountAt(o.validators_part, `${at}.validators_part`),
    pooled: amountAt(o.pooled, `${at}.pooled`),
    ancestorsValidators: amountAt(o.ancestors_validators, `${at}.ancestors_validators`),
    ancestorsPooled: amountAt(o.ancestors_pooled, `${at}.ancestors_pooled`),
    credited: u32At(o.credited, `${at}.credited`),
  }
  const broken = receiptBroken(receipt)
  if (broken !== null) throw genesisError(at, broken)
  return receipt
}

export const lineageGenesis: ModuleGenesis<LineageGenesis> = {
  validate(section, path) {
    const body = objectAt(section ?? {}, path)
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such lineage genesis field')
    const totals = body.totals === undefined ? {} : objectAt(body.totals, `${path}.totals`)
    const versions = list(body.versions, `${path}.versions`).map(({ at, o }) => versionAt(at, o))
    const names = new Set<string>()
    versions.forEach((v, i) => {
      const name = versionName(v.record)
      if (names.has(name)) throw genesisError(`${path}.versions[${i}]`, `version ${name} listed twice`)
      names.add(name)
    })
    return {
      versions,
      receipts: list(body.receipts, `${path}.receipts`).map(({ at, o }) => receiptAt(at, o)),
      totals: {
        received: amountAt(totals.received ?? '0', `${path}.totals.received`),
        toValidators: amountAt(totals.to_validators ?? '0', `${path}.totals.to_validators`),
        withdrawn: amountAt(totals.withdrawn ?? '0', `${path}.totals.withdrawn`),
        nextReceipt: u64At(totals.next_receipt ?? '0', `${path}.totals.next_receipt`),
      },
    }
  },
  init(ctx, g) {
    const books = new LineageBooks(ctx.moduleStore())
    for (const v of g.versions) {
      books.setVersion(v.record)
      for (const c of v.credits) books.setCredit(v.record, c.contributor, c.credit)
      if (v.pool.accrued > 0n || v.pool.paid > 0n) books.setPool(v.record, v.pool)
    }
    for (const r of g.receipts) books.setReceipt(r)
    const t = g.totals
    if (t.received > 0n || t.toValidators > 0n || t.withdrawn > 0n || t.nextReceipt > 0n) books.setTotals(t)
    const broken = recordsInvariant(ctx) ?? poolsInvariant(ctx) ?? receiptsInvariant(ctx) ?? accountInvariant(ctx)
    if (broken !== null) throw genesisError('app_state.lineage', `the lineage books are inconsistent: ${broken}`)
  },
  export(ctx) {
    const books = new LineageBooks(ctx.moduleStore())
    const t = books.totals()
    return {
      versions: [...books.versions()].map((record) => ({
        ...versionJson(record),
        credits: [...books.credits(record)].map((c) => {
          const { weight: _weight, ...json } = creditJson(c.contributor, c.credit)
          return json
        }),
        pool: poolJson(books.pool(record)),
      })),
      receipts: [...books.receipts()].map((r) => {
        const { state_key: _key, ...json } = receiptJson(r)
        return json
      }),
      totals: {
        received: String(t.received),
        to_validators: String(t.toValidators),
        withdrawn: String(t.withdrawn),
        next_receipt: String(t.nextReceipt),
      },
    }
  },
}
