import { appendToFrontier, encodeAddress } from '../../crypto/index.js'
import {
  type ModuleGenesis,
  addressAt,
  arrayAt,
  bigintAt,
  boolAt,
  decAt,
  genesisError,
  hexAt,
  intAt,
  objectAt,
  optionalU64At,
  stringAt,
  u32At,
  u64At,
} from '../../state/index.js'
import { DatanetsBooks } from './books.js'
import { isCanonicalCid, isContentHash, isPrivacy } from './content.js'
import { datanetsInvariants } from './invariants.js'
import { recordLeafHash } from './leaves.js'
import type { CurationValue, DataDeclarationValue, DatanetRecordValue, DatanetValue, DatanetVersionValue } from './messages.js'
import { MAX_CURATORS, MAX_DECLARED_RECORDS } from './messages.js'
import { curationJson, datanetJson, declarationJson, recordJson, versionJson } from './queries.js'

/**
 * `app_state.datanets` (params apart), what `export` writes and `init` reads back, every list
 * optional (empty on a new chain), JSON as the queries give it (queries.ts):
 *
 *   datanets:     DatanetJson[] without records, accepted, versions   (ids 0..n−1 in order)
 *   records:      (RecordJson & { curations: CurationJson[] })[]
 *   versions:     VersionJson[]
 *   declarations: DeclarationJson[]
 *   curator_epochs: [{ datanet, from_height, curators, approvals }]  (only Datanets whose curators gov changed)
 *
 * The counters, the content and acceptance indexes and each Datanet's frontier are derived at
 * init; then every invariant must hold (the datanets account's genesis balance included: bank
 * comes first), or genesis is refused naming what is wrong.
 */
export interface DatanetsGenesis {
  datanets: DatanetValue[]
  records: { record: DatanetRecordValue; curations: { curator: Uint8Array; vote: CurationValue }[] }[]
  versions: DatanetVersionValue[]
  declarations: DataDeclarationValue[]
  epochs: { datanet: bigint; fromHeight: bigint; curators: Uint8Array[]; approvals: number }[]
}

const FIELDS = ['datanets', 'records', 'versions', 'declarations', 'curator_epochs']
const DATANET_FIELDS = [
  'id',
  'owner',
  'name',
  'domain',
  'description',
  'record_schema',
  'licence',
  'curators',
  'approvals',
  'contribution_bond',
  'reject_slash_fraction',
  'privacy',
  'deposit',
  'treasury',
  'created_height',
]
const STATUSES = ['pending', 'accepted', 'rejected']
const U32 = 0xffff_ffff
const amountAt = (value: unknown, path: string) => bigintAt(value, path, { min: 0n, max: 2n ** 256n - 1n })
const list = (body: Record<string, unknown>, field: string, path: string) =>
  arrayAt(body[field] ?? [], `${path}.${field}`).map((e, i) => ({ at: `${path}.${field}[${i}]`, o: objectAt(e, `${path}.${field}[${i}]`) }))

function datanetAt(at: string, o: Record<string, unknown>, expectedId: bigint): DatanetValue {
  for (const key of Object.keys(o)) if (!DATANET_FIELDS.includes(key)) throw genesisError(`${at}.${key}`, 'no such datanet field')
  const id = u64At(o.id, `${at}.id`)
  if (id !== expectedId) throw genesisError(`${at}.id`, `datanet ids run 0, 1, …: expected ${expectedId}`)
  const seen = new Set<string>()
  const curators = arrayAt(o.curators, `${at}.curators`).map((c, i) => addressAt(c, `${at}.curators[${i}]`, seen))
  if (curators.length < 1 || curators.length > MAX_CURATORS)
    throw genesisError(`${at}.curators`, `a datanet has 1..${MAX_CURATORS} curators`)
  const privacy = stringAt(o.privacy, `${at}.privacy`)
  if (!isPrivacy(privacy)) throw genesisError(`${at}.privacy`, 'expected public or private')
  return {
    id,
    owner: addressAt(o.owner, `${at}.owner`),
    name: stringAt(o.name, `${at}.name`),
    domain: stringAt(o.domain, `${at}.domain`),
    description: stringAt(o.description, `${at}.description`),
    recordSchema: stringAt(o.record_schema, `${at}.record_schema`),
    licence: stringAt(o.licence, `${at}.licence`),
    curators: curators.sort(Buffer.compare),
    approvals: intAt(o.approvals, `${at}.approvals`, 1, curators.length),
    contributionBond: bigintAt(o.contribution_bond, `${at}.contribution_bond`, { min: 1n, max: 2n ** 256n - 1n }),
    rejectSlashFraction: decAt(o.reject_slash_fraction, `${at}.reject_slash_fraction`),
    privacy,
    deposit: amountAt(o.deposit, `${at}.deposit`),
    treasury: amountAt(o.treasury, `${at}.treasury`),
    height: u64At(o.created_height, `${at}.created_height`),
    records: 0n,
    accepted: 0n,
    versions: 0n,
    frontier: [],
  }
}

function recordAt(at: string, o: Record<string, unknown>): DatanetsGenesis['records'][number] {
  const status = stringAt(o.status, `${at}.status`)
  if (!STATUSES.includes(status)) throw genesisError(`${at}.status`, 'expected pending, accepted or rejected')
  const contentKind = stringAt(o.content_kind, `${at}.content_kind`)
  const contentId = stringAt(o.content_id, `${at}.content_id`)
  if (!(contentKind === 'cid' ? isCanonicalCid(contentId) : contentKind === 'hash' && isContentHash(contentId)))
    throw genesisError(`${at}.content_id`, `not a ${contentKind} content id`)
  const seen = new Set<string>()
  const curations = arrayAt(o.curations ?? [], `${at}.curations`).map((e, i) => {
    const here = `${at}.curations[${i}]`
    const c = objectAt(e, here)
    return {
      curator: addressAt(c.curator, `${here}.curator`, seen),
      vote: {
        approve: boolAt(c.approve, `${here}.approve`),
        reason: u32At(c.reason, `${here}.reason`),
        height: u64At(c.voted_height, `${here}.voted_height`),
      },
    }
  })
  return {
    record: {
      datanet: u64At(o.datanet, `${at}.datanet`),
      record: u64At(o.record, `${at}.record`),
      contributor: addressAt(o.contributor, `${at}.contributor`),
      contentKind,
      contentId,
      size: u64At(o.size, `${at}.size`),
      licence: stringAt(o.licence, `${at}.licence`),
      metadata: stringAt(o.metadata, `${at}.metadata`),
      bond: amountAt(o.bond, `${at}.bond`),
      status,
      approvals: u32At(o.approvals, `${at}.approvals`),
      rejections: u32At(o.rejections, `${at}.rejections`),
      quality: u32At(o.quality, `${at}.quality`),
      acceptanceIndex: optionalU64At(o.acceptance_index, `${at}.acceptance_index`),
      slashed: amountAt(o.slashed, `${at}.slashed`),
      height: u64At(o.contributed_height, `${at}.contributed_height`),
      decidedHeight: optionalU64At(o.decided_height, `${at}.decided_height`),
    },
    curations,
  }
}

const versionAt = (at: string, o: Record<string, unknown>): DatanetVersionValue => ({
  datanet: u64At(o.datanet, `${at}.datanet`),
  version: u64At(o.version, `${at}.version`),
  root: hexAt(o.root, `${at}.root`, 32),
  recordCount: u64At(o.record_count, `${at}.record_count`),
  publisher: addressAt(o.publisher, `${at}.publisher`),
  height: u64At(o.published_height, `${at}.published_height`),
})

function declarationAt(at: string, o: Record<string, unknown>): DataDeclarationValue {
  const records = arrayAt(o.records, `${at}.records`).map((e, i) => {
    const r = objectAt(e, `${at}.records[${i}]`)
    return { record: u64At(r.record, `${at}.records[${i}].record`), count: intAt(r.count, `${at}.records[${i}].count`, 1, U32) }
  })
  if (records.length < 1 || records.length > MAX_DECLARED_RECORDS)
    throw genesisError(`${at}.records`, `a declaration lists 1..${MAX_DECLARED_RECORDS} records`)
  return {
    subnet: u64At(o.subnet, `${at}.subnet`),
    round: u64At(o.round, `${at}.round`),
    trainer: addressAt(o.trainer, `${at}.trainer`),
    datanet: u64At(o.datanet, `${at}.datanet`),
    version: u64At(o.version, `${at}.version`),
    records,
    root: hexAt(o.root, `${at}.root`, 32),
    height: u64At(o.declared_height, `${at}.declared_height`),
  }
}

export const datanetsGenesis: ModuleGenesis<DatanetsGenesis> = {
  validate(section, path) {
    const body = objectAt(section ?? {}, path)
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such datanets genesis field')
    return {
      datanets: list(body, 'datanets', path).map(({ at, o }, i) => datanetAt(at, o, BigInt(i))),
      records: list(body, 'records', path).map(({ at, o }) => recordAt(at, o)),
      versions: list(body, 'versions', path).map(({ at, o }) => versionAt(at, o)),
      declarations: list(body, 'declarations', path).map(({ at, o }) => declarationAt(at, o)),
      epochs: list(body, 'curator_epochs', path).map(({ at, o }) => {
        const seen = new Set<string>()
        const curators = arrayAt(o.curators, `${at}.curators`).map((c, i) => addressAt(c, `${at}.curators[${i}]`, seen))
        if (curators.length === 0 || curators.length > MAX_CURATORS) throw genesisError(`${at}.curators`, `1..${MAX_CURATORS} curators`)
        const approvals = Number(u64At(o.approvals, `${at}.approvals`))
        if (approvals < 1 || approvals > curators.length) throw genesisError(`${at}.approvals`, `approvals lie in 1..${curators.length}`)
        return {
          datanet: u64At(o.datanet, `${at}.datanet`),
          fromHeight: u64At(o.from_height, `${at}.from_height`),
          curators: curators.sort(Buffer.compare),
          approvals,
        }
      }),
    }
  },
  init(ctx, g) {
    const books = new DatanetsBooks(ctx.moduleStore())
    const datanets = new Map(g.datanets.map((d) => [d.id, { ...d }]))
    const accepted = new Map<bigint, Map<bigint, DatanetRecordValue>>()
    for (const [i, { record, curations }] of g.records.entries()) {
      const datanet = datanets.get(record.datanet)
      if (datanet === undefined) throw genesisError(`app_state.datanets.records[${i}].datanet`, `no datanet ${record.datanet}`)
      if (books.record(record.datanet, record.record) !== undefined)
        throw genesisError(`app_state.datanets.records[${i}]`, `record ${record.datanet}/${record.record} listed twice`)
      books.setRecord(record)
      books.setContent(record.datanet, record.contentId, record.record)
      for (const c of curations) books.setCuration(record.datanet, record.record, c.curator, c.vote)
      datanet.records++
      if (record.acceptanceIndex !== null) {
        books.setAcceptedAt(record.datanet, record.acceptanceIndex, record.record)
        accepted.set(record.datanet, (accepted.get(record.datanet) ?? new Map()).set(record.acceptanceIndex, record))
        datanet.accepted++
      }
    }
    for (const datanet of datanets.values()) {
      const byIndex = accepted.get(datanet.id) ?? new Map<bigint, DatanetRecordValue>()
      for (let index = 0n; index < datanet.accepted; index++) {
        const record = byIndex.get(index)
        if (record === undefined)
          throw genesisError('app_state.datanets.records', `datanet ${datanet.id} has no record accepted at index ${index}`)
        datanet.frontier = appendToFrontier(datanet.frontier, index, recordLeafHash(record))
      }
    }
    for (const [i, v] of g.versions.entries()) {
      const datanet = datanets.get(v.datanet)
      if (datanet === undefined) throw genesisError(`app_state.datanets.versions[${i}].datanet`, `no datanet ${v.datanet}`)
      books.setVersion(v)
      datanet.versions++
    }
    for (const d of g.declarations) books.setDeclaration(d)
    for (const [i, e] of g.epochs.entries()) {
      if (!datanets.has(e.datanet)) throw genesisError(`app_state.datanets.curator_epochs[${i}].datanet`, `no datanet ${e.datanet}`)
      books.setEpoch(e.datanet, e.fromHeight, { curators: e.curators, approvals: e.approvals })
    }
    for (const datanet of datanets.values()) books.setDatanet(datanet)
    books.setNextDatanet(BigInt(g.datanets.length))
    for (const [name, check] of Object.entries(datanetsInvariants)) {
      const broken = check(ctx)
      if (broken !== null) throw genesisError('app_state.datanets', `the datanets books are inconsistent (${name}): ${broken}`)
    }
  },
  export(ctx) {
    const books = new DatanetsBooks(ctx.moduleStore())
    return {
      datanets: [...books.datanets()].map((d) => {
        const { records: _records, accepted: _accepted, versions: _versions, ...rest } = datanetJson(d)
        return rest
      }),
      records: [...books.allRecords()].map((r) => ({
        ...recordJson(r),
        curations: [...books.curations(r.datanet, r.record)].map((c) => curationJson(c.curator, c.vote)),
      })),
      versions: [...books.allVersions()].map(versionJson),
      declarations: [...books.allDeclarations()].map(declarationJson),
      curator_epochs: [...books.datanets()].flatMap((d) =>
        [...books.epochs(d.id)].map((e) => ({
          datanet: String(d.id),
          from_height: String(e.fromHeight),
          curators: e.curators.map((c) => encodeAddress(c)),
          approvals: String(e.approvals),
        })),
      ),
    }
  },
}
