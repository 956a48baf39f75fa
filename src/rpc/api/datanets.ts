/**
 * datanet_*: the datanets module's queries (src/modules/datanets/queries.ts) on the latest
 * committed state, each answer with the `height` it was read at: Datanets, their records with
 * curation votes, published versions (RFC 6962 roots), a record's inclusion proof in a version,
 * and trainers' per-round data declarations. Ids, heights and amounts are decimal strings; hashes
 * lower-case hex; approvals, counts and quality weights numbers.
 */
import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { height } from '../shapes.js'
import { Account, DecText } from './module-shapes.js'

const QF = ['QUERY_FAILED'] as const
const Id = (what: string) => s.decimal(what)
const Hex32 = s.string({
  pattern: /^[0-9a-f]{64}$/,
  patternHint: 'expected 64 lower-case hex digits',
  description: 'a SHA-256 digest, hex',
})
const Hex = s.string({ pattern: /^([0-9a-f]{2})*$/, patternHint: 'expected lower-case hex bytes' })
const Limit = s.optional(s.describe(s.decimal(), '1..1000, default 100'))

const datanetShape = {
  id: s.decimal(),
  owner: Account,
  name: s.string(),
  domain: s.string(),
  description: s.string(),
  record_schema: s.string(),
  licence: s.string(),
  curators: s.array(Account),
  approvals: s.integer({ min: 1, description: 'approvals (of the curators) that accept a record' }),
  contribution_bond: s.decimal('the least bond a record carries'),
  reject_slash_fraction: DecText,
  privacy: s.enum(['public', 'private'] as const),
  deposit: s.decimal(),
  treasury: s.decimal("what rejected records' bonds left the Datanet"),
  created_height: s.decimal(),
  records: s.decimal('records contributed'),
  accepted: s.decimal('records accepted'),
  versions: s.decimal('the latest version (0: none)'),
}
export const DatanetJson = s.named('Datanet', s.object(datanetShape))

const RecordStatus = s.enum(['pending', 'accepted', 'rejected'] as const)
const recordShape = {
  datanet: s.decimal(),
  record: s.decimal(),
  contributor: Account,
  content_kind: s.enum(['cid', 'hash'] as const),
  content_id: s.string({ description: 'a CIDv1 (public records, in the blob store) or the SHA-256 hex of a private record' }),
  size: s.decimal('bytes'),
  licence: s.string(),
  metadata: s.string(),
  bond: s.decimal(),
  status: RecordStatus,
  approvals: s.integer({ min: 0 }),
  rejections: s.integer({ min: 0 }),
  quality: s.integer({ min: 0, max: 1_000_000, description: 'quality weight in parts per million (0 unless accepted)' }),
  acceptance_index: s.nullable(s.decimal('its place among the accepted records; versions hold the first N')),
  slashed: s.decimal('bond kept by the treasury on rejection'),
  contributed_height: s.decimal(),
  decided_height: s.nullable(s.decimal()),
}
export const RecordJson = s.named('DatanetRecord', s.object(recordShape))
const CurationJson = s.named(
  'Curation',
  s.object({ curator: Account, approve: s.boolean(), reason: s.integer({ min: 0 }), voted_height: s.decimal() }),
)

const versionShape = {
  datanet: s.decimal(),
  version: s.decimal(),
  root: Hex32,
  record_count: s.decimal(),
  publisher: Account,
  published_height: s.decimal(),
}
export const DatanetVersionJson = s.named('DatanetVersion', s.object(versionShape))

export const DeclarationJson = s.named(
  'DataDeclaration',
  s.object({
    subnet: s.decimal(),
    round: s.decimal(),
    trainer: Account,
    datanet: s.decimal(),
    version: s.decimal(),
    records: s.array(s.object({ record: s.decimal(), count: s.integer({ min: 1 }) })),
    root: Hex32,
    declared_height: s.decimal(),
  }),
  "a trainer's declaration of the accepted records its local data holds, for one round",
)

export const datanetParams = defineMethod({
  name: 'datanet_params',
  summary: "The datanets module's parameters: the creation deposit and the records one Datanet takes.",
  params: {},
  result: s.object({ height, creation_deposit: s.decimal(), max_records_per_datanet: s.decimal() }),
  errors: QF,
})

export const datanetGet = defineMethod({
  name: 'datanet_get',
  summary: 'One Datanet: owner, curators and their rule, licence, privacy, bond, treasury, record and version counts.',
  description: 'QUERY_FAILED { codespace: datanets, code: UNKNOWN_DATANET } when there is none.',
  params: { id: Id('datanet id') },
  result: s.object({ height, ...datanetShape }),
  errors: QF,
})

export const datanetList = defineMethod({
  name: 'datanet_list',
  summary: 'Datanets by id, after `after`, at most `limit`.',
  params: { after: s.optional(s.decimal('list ids above this one')), limit: Limit },
  result: s.object({ height, datanets: s.array(DatanetJson) }),
  errors: QF,
})

export const datanetRecord = defineMethod({
  name: 'datanet_record',
  summary: 'One record: its provenance (contributor, height, licence, metadata), curation status and votes, quality weight.',
  params: { datanet: Id('datanet id'), record: Id('record id') },
  result: s.object({ height, ...recordShape, curations: s.array(CurationJson) }),
  errors: QF,
})

export const datanetRecords = defineMethod({
  name: 'datanet_records',
  summary: "A Datanet's records by id, optionally of one status.",
  params: {
    datanet: Id('datanet id'),
    status: s.optional(RecordStatus),
    after: s.optional(s.decimal('list ids above this one')),
    limit: Limit,
  },
  result: s.object({ height, records: s.array(RecordJson) }),
  errors: QF,
})

export const datanetVersion = defineMethod({
  name: 'datanet_version',
  summary: 'One published version: the Merkle root of its records and how many it holds.',
  params: { datanet: Id('datanet id'), version: Id('version, from 1') },
  result: s.object({ height, ...versionShape }),
  errors: QF,
})

export const datanetVersions = defineMethod({
  name: 'datanet_versions',
  summary: "A Datanet's published versions, oldest first.",
  params: { datanet: Id('datanet id') },
  result: s.object({ height, versions: s.array(DatanetVersionJson) }),
  errors: QF,
})

export const datanetGetRecordProof = defineMethod({
  name: 'datanet_getRecordProof',
  summary: "A record's inclusion proof in a version: its leaf bytes, place and audit path to the version's root (RFC 6962).",
  description:
    'verifyMerkleProof(root, leaf, index, count, proof) of src/crypto/merkle.ts holds; the root is the one datanet_version answers. QUERY_FAILED { codespace: datanets, code: NOT_ACCEPTED } when the record is not in that version.',
  params: { datanet: Id('datanet id'), version: Id('version'), record: Id('record id') },
  result: s.object({ height, leaf: Hex, index: s.integer({ min: 0 }), count: s.integer({ min: 1 }), proof: s.array(Hex32), root: Hex32 }),
  errors: QF,
})

export const datanetDeclarations = defineMethod({
  name: 'datanet_declarations',
  summary: "Trainers' data declarations of one round of a subnet, by trainer then Datanet.",
  params: { subnet: Id('subnet id'), round: Id('round number') },
  result: s.object({ height, declarations: s.array(DeclarationJson) }),
  errors: QF,
})
