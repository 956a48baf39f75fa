/**
 * What other modules may read of Datanets (the published contract; the lineage module resolves
 * data contributors through it). Plain values, no codec: a caller needs nothing of the module's
 * storage layout. Implemented by the datanets keeper (keeper.ts) under these method names.
 */

/** A record's curation status. A pending record is not yet decided; only accepted ones enter versions. */
export type RecordStatus = 'pending' | 'accepted' | 'rejected'

/** Quality weights are in parts per million: 1_000_000 = full weight. */
export const QUALITY_UNIT = 1_000_000

export interface DatanetRecordView {
  datanet: bigint
  /** Sequential per Datanet, from 0. */
  record: bigint
  contributor: Uint8Array
  status: RecordStatus
  /** 0 unless accepted; in QUALITY_UNIT parts. */
  quality: number
  /** A canonical CIDv1 (public records, held in the blob store) or 64 hex digits of SHA-256 (private records, kept by their contributor). */
  contentId: string
  size: bigint
  licence: string
}

export interface DatanetVersionView {
  datanet: bigint
  /** From 1. */
  version: bigint
  /** RFC 6962 Merkle root over the version's records (see docs/datanets.md for the leaf). */
  root: Uint8Array
  /** The version holds the first `recordCount` accepted records in acceptance order. */
  recordCount: bigint
  height: bigint
}

/** One record a trainer declared its local data holds, and how many samples it drew from it. */
export interface DeclaredRecord {
  record: bigint
  count: number
}

/** A trainer's declaration for one round: the accepted records of one Datanet version its local data comprises. */
export interface DataDeclarationView {
  subnet: bigint
  round: bigint
  trainer: Uint8Array
  datanet: bigint
  version: bigint
  /** Ascending by record, distinct, each accepted in that version. */
  records: readonly DeclaredRecord[]
  /** RFC 6962 Merkle root over the declared (record leaf hash, count) pairs, as declared and checked. */
  root: Uint8Array
}

/** The datanets keeper's read methods other modules may declare (expectKeeper<…>('datanets', { record: true, version: true, declarations: true })). */
export interface DatanetsView {
  record(datanet: bigint, record: bigint): DatanetRecordView | undefined
  version(datanet: bigint, version: bigint): DatanetVersionView | undefined
  /** Every declaration of a round, by trainer address then Datanet id. */
  declarations(subnet: bigint, round: bigint): DataDeclarationView[]
}
