import { type Type, decodeStored, encode } from '../../codec/index.js'
import { sha256 } from '../../crypto/index.js'
import { type KVStore, utf8 } from '../../state/index.js'
import * as K from './keys.js'
import {
  CuratorEpoch,
  type CuratorEpochValue,
  Curation,
  type CurationValue,
  DataDeclaration,
  type DataDeclarationValue,
  Datanet,
  DatanetRecord,
  type DatanetRecordValue,
  type DatanetValue,
  DatanetVersion,
  type DatanetVersionValue,
  RecordRef,
  Sequence,
} from './messages.js'

/** SHA-256 of a content id's text: the content index's key part. */
export const contentDigest = (contentId: string): Uint8Array => sha256(utf8(contentId))

/** Datanets' raw books, as stored (keys.ts). Internal to the module; handler.ts and curation.ts put the rules on top. */
export class DatanetsBooks {
  readonly #store: KVStore

  constructor(store: KVStore) {
    this.#store = store
  }

  #get<T>(type: Type<T>, key: Uint8Array): T | undefined {
    const raw = this.#store.get(key)
    return raw === undefined ? undefined : decodeStored(type, raw)
  }

  nextDatanet(): bigint {
    return this.#get(Sequence, K.SEQUENCE_KEY)?.next ?? 0n
  }

  setNextDatanet(next: bigint): void {
    this.#store.set(K.SEQUENCE_KEY, encode(Sequence, { next }))
  }

  datanet(id: bigint): DatanetValue | undefined {
    return this.#get(Datanet, K.datanetKey(id))
  }

  setDatanet(value: DatanetValue): void {
    this.#store.set(K.datanetKey(value.id), encode(Datanet, value))
  }

  /** Every Datanet by id, from `after` (exclusive) when given. */
  *datanets(after?: bigint): Generator<DatanetValue> {
    const start = after === undefined ? K.ALL_DATANETS : K.datanetKey(after + 1n)
    for (const [key, raw] of this.#store.iterate(K.ALL_DATANETS)) {
      if (Buffer.compare(key, start) < 0) continue
      yield decodeStored(Datanet, raw)
    }
  }

  record(datanet: bigint, record: bigint): DatanetRecordValue | undefined {
    return this.#get(DatanetRecord, K.recordKey(datanet, record))
  }

  setRecord(value: DatanetRecordValue): void {
    this.#store.set(K.recordKey(value.datanet, value.record), encode(DatanetRecord, value))
  }

  /** A Datanet's records by id. */
  *records(datanet: bigint): Generator<DatanetRecordValue> {
    for (const [, raw] of this.#store.iterate(K.recordsOf(datanet))) yield decodeStored(DatanetRecord, raw)
  }

  /** Every record, by Datanet then id. */
  *allRecords(): Generator<DatanetRecordValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_RECORDS)) yield decodeStored(DatanetRecord, raw)
  }

  /** The record holding `contentId` in `datanet`, if any. */
  recordWithContent(datanet: bigint, contentId: string): bigint | undefined {
    return this.#get(RecordRef, K.contentKey(datanet, contentDigest(contentId)))?.record
  }

  setContent(datanet: bigint, contentId: string, record: bigint): void {
    this.#store.set(K.contentKey(datanet, contentDigest(contentId)), encode(RecordRef, { record }))
  }

  /** Every content index entry of a Datanet: (digest of the content id, record). */
  *contents(datanet: bigint): Generator<{ contentDigest: Uint8Array; record: bigint }> {
    for (const [key, raw] of this.#store.iterate(K.contentKey(datanet, new Uint8Array()))) {
      yield { contentDigest: K.parseContentKey(key).contentDigest, record: decodeStored(RecordRef, raw).record }
    }
  }

  curation(datanet: bigint, record: bigint, curator: Uint8Array): CurationValue | undefined {
    return this.#get(Curation, K.curationKey(datanet, record, curator))
  }

  setCuration(datanet: bigint, record: bigint, curator: Uint8Array, value: CurationValue): void {
    this.#store.set(K.curationKey(datanet, record, curator), encode(Curation, value))
  }

  /** A record's votes, by curator address. */
  *curations(datanet: bigint, record: bigint): Generator<{ curator: Uint8Array; vote: CurationValue }> {
    for (const [key, raw] of this.#store.iterate(K.curationsOf(datanet, record)))
      yield { curator: K.parseCurationKey(key).curator, vote: decodeStored(Curation, raw) }
  }

  /** Every vote, by Datanet, record, curator. */
  *allCurations(): Generator<{ datanet: bigint; record: bigint; curator: Uint8Array; vote: CurationValue }> {
    for (const [key, raw] of this.#store.iterate(K.ALL_CURATIONS)) yield { ...K.parseCurationKey(key), vote: decodeStored(Curation, raw) }
  }

  acceptedAt(datanet: bigint, index: bigint): bigint | undefined {
    return this.#get(RecordRef, K.acceptedKey(datanet, index))?.record
  }

  setAcceptedAt(datanet: bigint, index: bigint, record: bigint): void {
    this.#store.set(K.acceptedKey(datanet, index), encode(RecordRef, { record }))
  }

  /** A Datanet's acceptance order: (index, record), by index. */
  *acceptance(datanet: bigint): Generator<{ index: bigint; record: bigint }> {
    for (const [key, raw] of this.#store.iterate(K.acceptedOf(datanet)))
      yield { index: K.parseAcceptedKey(key).index, record: decodeStored(RecordRef, raw).record }
  }

  version(datanet: bigint, version: bigint): DatanetVersionValue | undefined {
    return this.#get(DatanetVersion, K.versionKey(datanet, version))
  }

  setVersion(value: DatanetVersionValue): void {
    this.#store.set(K.versionKey(value.datanet, value.version), encode(DatanetVersion, value))
  }

  /** A Datanet's versions, by number. */
  *versions(datanet: bigint): Generator<DatanetVersionValue> {
    for (const [, raw] of this.#store.iterate(K.versionsOf(datanet))) yield decodeStored(DatanetVersion, raw)
  }

  /** Every version, by Datanet then number. */
  *allVersions(): Generator<DatanetVersionValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_VERSIONS)) yield decodeStored(DatanetVersion, raw)
  }

  declaration(subnet: bigint, round: bigint, trainer: Uint8Array, datanet: bigint): DataDeclarationValue | undefined {
    return this.#get(DataDeclaration, K.declarationKey(subnet, round, trainer, datanet))
  }

  setDeclaration(value: DataDeclarationValue): void {
    this.#store.set(K.declarationKey(value.subnet, value.round, value.trainer, value.datanet), encode(DataDeclaration, value))
  }

  /** A round's declarations, by trainer address then Datanet id. */
  *declarations(subnet: bigint, round: bigint): Generator<DataDeclarationValue> {
    for (const [, raw] of this.#store.iterate(K.declarationsOf(subnet, round))) yield decodeStored(DataDeclaration, raw)
  }

  /** Every declaration, by subnet, round, trainer, Datanet. */
  *allDeclarations(): Generator<DataDeclarationValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_DECLARATIONS)) yield decodeStored(DataDeclaration, raw)
  }

  setEpoch(datanet: bigint, fromHeight: bigint, value: CuratorEpochValue): void {
    this.#store.set(K.epochKey(datanet, fromHeight), encode(CuratorEpoch, value))
  }

  /** A Datanet's curator epochs, by height (none until gov changed its curators). */
  *epochs(datanet: bigint): Generator<CuratorEpochValue & { fromHeight: bigint }> {
    for (const [key, raw] of this.#store.iterate(K.epochsOf(datanet)))
      yield { fromHeight: K.parseEpochKey(key).fromHeight, ...decodeStored(CuratorEpoch, raw) }
  }
}
