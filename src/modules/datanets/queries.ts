/**
 * Datanets' queries (plain JSON in and out; ids, heights and amounts as decimal strings, amounts in
 * units of the bond denomination, addresses fedra1…, hashes lower-case hex; id params as decimal
 * strings or safe integers). The RPC layer maps `datanets_*` onto these.
 *
 *   params        {}                              → { creation_deposit, max_records_per_datanet }
 *   datanet       { id }                          → DatanetJson                      (UNKNOWN_DATANET)
 *   datanets      { after?, limit? }              → { datanets: DatanetJson[] }      (by id, ids above `after`; limit 1..1000, 100)
 *   record        { datanet, record }             → RecordJson & { curations: CurationJson[] }   (UNKNOWN_DATANET, UNKNOWN_RECORD)
 *   records       { datanet, status?, after?, limit? } → { records: RecordJson[] }   (by id, ids above `after`; status pending | accepted | rejected)
 *   version       { datanet, version }            → VersionJson                      (UNKNOWN_VERSION)
 *   versions      { datanet }                     → { versions: VersionJson[] }      (by number)
 *   record_proof  { datanet, version, record }    → { leaf, index, count, proof, root } (NOT_ACCEPTED when the record is not in that version):
 *                 verifyMerkleProof(root, leaf, index, count, proof) holds (src/crypto/merkle.ts), all hex
 *   declarations  { subnet, round }               → { declarations: DeclarationJson[] } (by trainer address, then Datanet)
 *
 *   DatanetJson  = { id, owner, name, domain, description, record_schema, licence, curators, approvals (number),
 *                    contribution_bond, reject_slash_fraction, privacy, deposit, treasury, created_height,
 *                    records, accepted, versions }   (records: how many; accepted: how many accepted; versions: the latest, 0 none)
 *   RecordJson   = { datanet, record, contributor, content_kind, content_id, size, licence, metadata, bond, status,
 *                    approvals, rejections, quality (number, ppm), acceptance_index | null, slashed, contributed_height, decided_height | null }
 *   VersionJson  = { datanet, version, root, record_count, publisher, published_height }
 *   DeclarationJson = { subnet, round, trainer, datanet, version, records: [{ record, count (number) }], root, declared_height }
 *   CurationJson = { curator, approve, reason (number), voted_height }   (in `record`, by curator address)
 */
import { encodeAddress, merkleProof, toHex } from '../../crypto/index.js'
import { type Context, type QueryHandler, readParams } from '../../state/index.js'
import { DatanetsBooks } from './books.js'
import { datanetsError } from './errors.js'
import { recordLeaf, versionLeaves } from './leaves.js'
import type { CurationValue, DataDeclarationValue, DatanetRecordValue, DatanetValue, DatanetVersionValue } from './messages.js'
import { datanetsParams } from './params.js'

export const datanetJson = (d: DatanetValue) => ({
  id: String(d.id),
  owner: encodeAddress(d.owner),
  name: d.name,
  domain: d.domain,
  description: d.description,
  record_schema: d.recordSchema,
  licence: d.licence,
  curators: d.curators.map((c) => encodeAddress(c)),
  approvals: d.approvals,
  contribution_bond: String(d.contributionBond),
  reject_slash_fraction: d.rejectSlashFraction.toString(),
  privacy: d.privacy,
  deposit: String(d.deposit),
  treasury: String(d.treasury),
  created_height: String(d.height),
  records: String(d.records),
  accepted: String(d.accepted),
  versions: String(d.versions),
})

export const recordJson = (r: DatanetRecordValue) => ({
  datanet: String(r.datanet),
  record: String(r.record),
  contributor: encodeAddress(r.contributor),
  content_kind: r.contentKind,
  content_id: r.contentId,
  size: String(r.size),
  licence: r.licence,
  metadata: r.metadata,
  bond: String(r.bond),
  status: r.status,
  approvals: r.approvals,
  rejections: r.rejections,
  quality: r.quality,
  acceptance_index: r.acceptanceIndex === null ? null : String(r.acceptanceIndex),
  slashed: String(r.slashed),
  contributed_height: String(r.height),
  decided_height: r.decidedHeight === null ? null : String(r.decidedHeight),
})

export const curationJson = (curator: Uint8Array, v: CurationValue) => ({
  curator: encodeAddress(curator),
  approve: v.approve,
  reason: v.reason,
  voted_height: String(v.height),
})

export const versionJson = (v: DatanetVersionValue) => ({
  datanet: String(v.datanet),
  version: String(v.version),
  root: toHex(v.root),
  record_count: String(v.recordCount),
  publisher: encodeAddress(v.publisher),
  published_height: String(v.height),
})

export const declarationJson = (d: DataDeclarationValue) => ({
  subnet: String(d.subnet),
  round: String(d.round),
  trainer: encodeAddress(d.trainer),
  datanet: String(d.datanet),
  version: String(d.version),
  records: d.records.map((r) => ({ record: String(r.record), count: r.count })),
  root: toHex(d.root),
  declared_height: String(d.height),
})

/** A u64 from a query: a decimal string or a safe integer; else INVALID_QUERY. */
export function u64Param(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(value) && BigInt(value) < 2n ** 64n) return BigInt(value)
  throw datanetsError('INVALID_QUERY', `${field} must be a decimal integer string`, { [field]: String(value).slice(0, 40) })
}

const DEFAULT_LIMIT = 100
const MAX_LIMIT = 1000

function limitParam(value: unknown): number {
  if (value === undefined) return DEFAULT_LIMIT
  const limit = u64Param(value, 'limit')
  if (limit < 1n || limit > BigInt(MAX_LIMIT))
    throw datanetsError('INVALID_QUERY', `limit must lie in 1..${MAX_LIMIT}`, { limit: String(limit) })
  return Number(limit)
}

const STATUSES = ['pending', 'accepted', 'rejected']
const booksOf = (ctx: Context) => new DatanetsBooks(ctx.moduleStore())

function knownDatanet(books: DatanetsBooks, value: unknown, field = 'datanet'): DatanetValue {
  const id = u64Param(value, field)
  const datanet = books.datanet(id)
  if (datanet === undefined) throw datanetsError('UNKNOWN_DATANET', `no datanet ${id}`, { datanet: String(id) })
  return datanet
}

function knownVersion(books: DatanetsBooks, datanet: DatanetValue, value: unknown): DatanetVersionValue {
  const number = u64Param(value, 'version')
  const version = books.version(datanet.id, number)
  if (version === undefined)
    throw datanetsError('UNKNOWN_VERSION', `datanet ${datanet.id} has no version ${number}`, {
      datanet: String(datanet.id),
      version: String(number),
    })
  return version
}

function knownRecord(books: DatanetsBooks, datanet: DatanetValue, value: unknown): DatanetRecordValue {
  const id = u64Param(value, 'record')
  const record = books.record(datanet.id, id)
  if (record === undefined)
    throw datanetsError('UNKNOWN_RECORD', `datanet ${datanet.id} has no record ${id}`, { datanet: String(datanet.id), record: String(id) })
  return record
}

export const datanetsQueries: Record<string, QueryHandler> = {
  params: (ctx) => datanetsParams.toJson(readParams(ctx.moduleStore(), datanetsParams)),
  datanet: (ctx, p) => datanetJson(knownDatanet(booksOf(ctx), p.id, 'id')),
  datanets(ctx, p) {
    const after = p.after === undefined ? undefined : u64Param(p.after, 'after')
    const limit = limitParam(p.limit)
    const datanets: ReturnType<typeof datanetJson>[] = []
    for (const d of booksOf(ctx).datanets(after)) {
      if (datanets.length === limit) break
      datanets.push(datanetJson(d))
    }
    return { datanets }
  },
  record(ctx, p) {
    const books = booksOf(ctx)
    const record = knownRecord(books, knownDatanet(books, p.datanet), p.record)
    return {
      ...recordJson(record),
      curations: [...books.curations(record.datanet, record.record)].map((c) => curationJson(c.curator, c.vote)),
    }
  },
  records(ctx, p) {
    const books = booksOf(ctx)
    const datanet = knownDatanet(books, p.datanet)
    if (p.status !== undefined && !STATUSES.includes(p.status as string))
      throw datanetsError('INVALID_QUERY', 'status must be pending, accepted or rejected', { status: String(p.status).slice(0, 20) })
    const after = p.after === undefined ? -1n : u64Param(p.after, 'after')
    const limit = limitParam(p.limit)
    const records: ReturnType<typeof recordJson>[] = []
    for (const r of books.records(datanet.id)) {
      if (records.length === limit) break
      if (r.record > after && (p.status === undefined || r.status === p.status)) records.push(recordJson(r))
    }
    return { records }
  },
  version(ctx, p) {
    const books = booksOf(ctx)
    return versionJson(knownVersion(books, knownDatanet(books, p.datanet), p.version))
  },
  versions(ctx, p) {
    const books = booksOf(ctx)
    return { versions: [...books.versions(knownDatanet(books, p.datanet).id)].map(versionJson) }
  },
  record_proof(ctx, p) {
    const books = booksOf(ctx)
    const datanet = knownDatanet(books, p.datanet)
    const version = knownVersion(books, datanet, p.version)
    const record = knownRecord(books, datanet, p.record)
    if (record.acceptanceIndex === null || record.acceptanceIndex >= version.recordCount) {
      throw datanetsError(
        'NOT_ACCEPTED',
        `record ${record.record} of datanet ${datanet.id} is not in version ${version.version} (${record.status})`,
        {
          datanet: String(datanet.id),
          record: String(record.record),
        },
      )
    }
    const index = Number(record.acceptanceIndex)
    return {
      leaf: toHex(recordLeaf(record)),
      index,
      count: Number(version.recordCount),
      proof: merkleProof(versionLeaves(books, datanet.id, version.recordCount), index).map(toHex),
      root: toHex(version.root),
    }
  },
  declarations(ctx, p) {
    const subnet = u64Param(p.subnet, 'subnet')
    const round = u64Param(p.round, 'round')
    return { declarations: [...booksOf(ctx).declarations(subnet, round)].map(declarationJson) }
  },
}
