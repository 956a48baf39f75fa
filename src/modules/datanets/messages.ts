// Message and stored types only (codec, nothing else): the browser client builds transactions from this file.
import { t, type StructValue } from '../../codec/index.js'
import { decType } from '../../state/dec.js'
import { Coin } from '../bank/messages.js'

const address = t.fixedBytes(20)
const digest = t.fixedBytes(32)

/** Bounds of a Datanet's texts, in UTF-8 bytes (handler.ts checks the non-empty ones and the licence's form). */
export const MAX_NAME = 64
export const MAX_DOMAIN = 64
export const MAX_DESCRIPTION = 1024
export const MAX_RECORD_SCHEMA = 8192
export const MAX_LICENCE = 128
export const MAX_METADATA = 1024
/** Longest content id: a canonical CIDv1 of SHA-256 is 59 characters, a hex SHA-256 64. */
export const MAX_CONTENT_ID = 128
export const MAX_CURATORS = 32
/** Most records one declaration lists. */
export const MAX_DECLARED_RECORDS = 1024
/** Entries of a Merkle frontier: one per set bit of a u64 leaf count. */
const MAX_FRONTIER = 64

/**
 * Creates a Datanet owned by the signer, who pays the module's `creation_deposit` (held in the
 * `datanets` account). `curators` are 1..32 distinct addresses, `approvals` the k of them whose
 * approval accepts a record (1 ≤ k ≤ n); `contributionBond` the least bond a record carries (bond
 * denomination); `rejectSlashFraction` the part of a rejected record's bond kept in the Datanet's
 * treasury; `privacy` is `public` (records are blobs, by CID) or `private` (records stay with their
 * contributors, committed by SHA-256); `licence` an SPDX expression or other licence name every
 * record carries.
 */
export const MsgCreateDatanet = t.struct('datanets/MsgCreateDatanet', 2800, 1, {
  name: t.string({ max: MAX_NAME }),
  domain: t.string({ max: MAX_DOMAIN }),
  description: t.string({ max: MAX_DESCRIPTION }),
  recordSchema: t.string({ max: MAX_RECORD_SCHEMA }),
  licence: t.string({ max: MAX_LICENCE }),
  curators: t.array(address, { max: MAX_CURATORS }),
  approvals: t.u32,
  contributionBond: t.uint(),
  rejectSlashFraction: decType,
  privacy: t.string({ max: 16 }),
})

/**
 * Contributes one record to Datanet `datanet`, pending curation: `contentKind` `cid` (a public
 * Datanet: `contentId` is the canonical CIDv1 of a blob of `size` bytes, which the message
 * declares) or `hash` (a private one: 64 lower-case hex digits of the record's SHA-256; `size` as
 * the contributor states it). `licence` empty or the Datanet's; `bond` (≥ the Datanet's
 * contributionBond, bond denomination) is escrowed until the record is decided.
 */
export const MsgContribute = t.struct('datanets/MsgContribute', 2801, 1, {
  datanet: t.u64,
  contentKind: t.string({ max: 8 }),
  contentId: t.string({ max: MAX_CONTENT_ID }),
  size: t.u64,
  licence: t.string({ max: MAX_LICENCE }),
  metadata: t.string({ max: MAX_METADATA }),
  bond: Coin,
})

/** A curator's vote on a pending record: `approve`, or reject with a non-zero `reason` (the Datanet's own reason codes; 0 when approving). */
export const MsgCurate = t.struct('datanets/MsgCurate', 2802, 1, {
  datanet: t.u64,
  record: t.u64,
  approve: t.bool,
  reason: t.u32,
})

/** Publishes the Datanet's next version: every record accepted so far (owner or a curator). */
export const MsgPublishVersion = t.struct('datanets/MsgPublishVersion', 2803, 1, {
  datanet: t.u64,
})

/** One record a trainer's local data holds and how many of its samples it drew from it. */
export const DeclaredRecord = t.struct('datanets/DeclaredRecord', 2804, 1, {
  record: t.u64,
  count: t.u32,
})

/**
 * A trainer's declaration for round `round` of subnet `subnet` (in its submit phase): its local
 * data comprises `records` (strictly ascending, each accepted in version `version` of Datanet
 * `datanet`), and `root` is the RFC 6962 root over their DeclaredLeaf bytes in that order.
 */
export const MsgDeclareData = t.struct('datanets/MsgDeclareData', 2805, 1, {
  subnet: t.u64,
  round: t.u64,
  datanet: t.u64,
  version: t.u64,
  records: t.array(DeclaredRecord, { max: MAX_DECLARED_RECORDS }),
  root: digest,
})

/**
 * A Datanet as stored. `records` is the next record id, `accepted` the next acceptance index,
 * `versions` the latest version (0: none); `frontier` the Merkle frontier of the accepted records'
 * leaves (src/crypto/merkle.ts appendToFrontier), so a version's root costs O(log n) to publish.
 * `deposit` is what creation paid, `treasury` what rejected records' bonds left.
 */
export const Datanet = t.struct('datanets/Datanet', 2810, 1, {
  id: t.u64,
  owner: address,
  name: t.string({ max: MAX_NAME }),
  domain: t.string({ max: MAX_DOMAIN }),
  description: t.string({ max: MAX_DESCRIPTION }),
  recordSchema: t.string({ max: MAX_RECORD_SCHEMA }),
  licence: t.string({ max: MAX_LICENCE }),
  curators: t.array(address, { max: MAX_CURATORS }),
  approvals: t.u32,
  contributionBond: t.uint(),
  rejectSlashFraction: decType,
  privacy: t.string({ max: 16 }),
  deposit: t.uint(),
  treasury: t.uint(),
  height: t.u64,
  records: t.u64,
  accepted: t.u64,
  versions: t.u64,
  frontier: t.array(digest, { max: MAX_FRONTIER }),
})

/**
 * A record's provenance and curation. `bond` is what the contributor escrowed (kept as history
 * once decided); `slashed` the part a rejection kept; `acceptanceIndex` its place among the
 * Datanet's accepted records; `quality` in QUALITY_UNIT parts (views.ts), 0 unless accepted.
 */
export const DatanetRecord = t.struct('datanets/Record', 2811, 1, {
  datanet: t.u64,
  record: t.u64,
  contributor: address,
  contentKind: t.string({ max: 8 }),
  contentId: t.string({ max: MAX_CONTENT_ID }),
  size: t.u64,
  licence: t.string({ max: MAX_LICENCE }),
  metadata: t.string({ max: MAX_METADATA }),
  bond: t.uint(),
  status: t.string({ max: 16 }),
  approvals: t.u32,
  rejections: t.u32,
  quality: t.u32,
  acceptanceIndex: t.optional(t.u64),
  slashed: t.uint(),
  height: t.u64,
  decidedHeight: t.optional(t.u64),
})

/** One curator's vote on one record. */
export const Curation = t.struct('datanets/Curation', 2812, 1, {
  approve: t.bool,
  reason: t.u32,
  height: t.u64,
})

/** A pointer to a record (the content and acceptance indexes). */
export const RecordRef = t.struct('datanets/RecordRef', 2813, 1, { record: t.u64 })

/** A published version: the first `recordCount` accepted records, by acceptance index, under `root`. */
export const DatanetVersion = t.struct('datanets/Version', 2814, 1, {
  datanet: t.u64,
  version: t.u64,
  root: digest,
  recordCount: t.u64,
  publisher: address,
  height: t.u64,
})

/** A trainer's checked declaration (MsgDeclareData), as stored. */
export const DataDeclaration = t.struct('datanets/DataDeclaration', 2815, 1, {
  subnet: t.u64,
  round: t.u64,
  trainer: address,
  datanet: t.u64,
  version: t.u64,
  records: t.array(DeclaredRecord, { max: MAX_DECLARED_RECORDS }),
  root: digest,
  height: t.u64,
})

/** The next Datanet id. */
/** The curation rule of a Datanet from one height on (records decided at or after it, until the next epoch). */
export const CuratorEpoch = t.struct('datanets/CuratorEpoch', 2817, 1, {
  curators: t.array(address, { max: MAX_CURATORS }),
  approvals: t.u32,
})

export const Sequence = t.struct('datanets/Sequence', 2816, 1, { next: t.u64 })

/**
 * The leaf of a record in a version's tree: its canonical codec bytes (tag, version and fields),
 * hashed as RFC 6962 leaves are (SHA-256(0x00 ‖ bytes)).
 */
export const RecordLeaf = t.struct('datanets/RecordLeaf', 2820, 1, {
  datanet: t.u64,
  record: t.u64,
  contentId: t.string({ max: MAX_CONTENT_ID }),
  contributor: address,
  quality: t.u32,
})

/** The leaf of one declared record in a declaration's tree: the record's RFC 6962 leaf hash and the sample count. */
export const DeclaredLeaf = t.struct('datanets/DeclaredLeaf', 2821, 1, {
  recordLeafHash: digest,
  count: t.u32,
})

export type MsgCreateDatanetValue = StructValue<typeof MsgCreateDatanet.fields>
export type MsgContributeValue = StructValue<typeof MsgContribute.fields>
export type MsgCurateValue = StructValue<typeof MsgCurate.fields>
export type MsgPublishVersionValue = StructValue<typeof MsgPublishVersion.fields>
export type DeclaredRecordValue = StructValue<typeof DeclaredRecord.fields>
export type MsgDeclareDataValue = StructValue<typeof MsgDeclareData.fields>
export type DatanetValue = StructValue<typeof Datanet.fields>
export type DatanetRecordValue = StructValue<typeof DatanetRecord.fields>
export type CurationValue = StructValue<typeof Curation.fields>
export type DatanetVersionValue = StructValue<typeof DatanetVersion.fields>
export type DataDeclarationValue = StructValue<typeof DataDeclaration.fields>
export type RecordLeafValue = StructValue<typeof RecordLeaf.fields>
export type DeclaredLeafValue = StructValue<typeof DeclaredLeaf.fields>
export type CuratorEpochValue = StructValue<typeof CuratorEpoch.fields>
