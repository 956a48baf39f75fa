import { encode } from '../../codec/index.js'
import { merkleLeafHash, merkleRoot } from '../../crypto/index.js'
import type { DatanetsBooks } from './books.js'
import { DeclaredLeaf, type DeclaredRecordValue, type DatanetRecordValue, RecordLeaf, type RecordLeafValue } from './messages.js'

/**
 * The leaves of Datanets' two trees (docs/datanets.md, "Leaves"): both are canonical codec bytes
 * (src/codec: tag, version, fields), hashed and combined as RFC 6962 says (src/crypto/merkle.ts).
 */

/** A version's leaf for an accepted record (a stored record or its view: the fields are theirs): RecordLeaf { datanet, record, contentId, contributor, quality }. */
export const recordLeaf = (r: RecordLeafValue): Uint8Array =>
  encode(RecordLeaf, { datanet: r.datanet, record: r.record, contentId: r.contentId, contributor: r.contributor, quality: r.quality })

/** SHA-256(0x00 ‖ recordLeaf(r)): what a declaration names a record by. */
export const recordLeafHash = (r: RecordLeafValue): Uint8Array => merkleLeafHash(recordLeaf(r))

/** A declaration's leaf: DeclaredLeaf { recordLeafHash, count }. */
export const declaredLeaf = (recordLeafHash: Uint8Array, count: number): Uint8Array => encode(DeclaredLeaf, { recordLeafHash, count })

/** The leaves of the first `count` accepted records of `datanet`, in acceptance order (throws if the books lack one: an invariant's matter). */
export function versionLeaves(books: DatanetsBooks, datanet: bigint, count: bigint): Uint8Array[] {
  const leaves: Uint8Array[] = []
  for (let index = 0n; index < count; index++) {
    const id = books.acceptedAt(datanet, index)
    const record = id === undefined ? undefined : books.record(datanet, id)
    if (record === undefined) throw new Error(`datanet ${datanet} has no accepted record at index ${index}`)
    leaves.push(recordLeaf(record))
  }
  return leaves
}

/** The root a declaration of `records` (each with its record) must carry. */
export const declarationRoot = (records: readonly { record: DatanetRecordValue; declared: DeclaredRecordValue }[]): Uint8Array =>
  merkleRoot(records.map((r) => declaredLeaf(recordLeafHash(r.record), r.declared.count)))
