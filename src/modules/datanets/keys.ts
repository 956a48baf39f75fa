import { concatBytes, expectKey, readU64, u64Bytes } from '../../state/index.js'

// What this module's other files read keys with (src/state/bytes.ts).
export { u64Bytes }

/**
 * Datanets' store, under `datanets/` (0x00 is the framework's params key). Integers big-endian,
 * so ids iterate in numeric order:
 *   0x01 + datanet(8)                             → Datanet
 *   0x02 + datanet(8) + record(8)                 → DatanetRecord
 *   0x03 + datanet(8) + SHA-256(contentId)(32)    → RecordRef: the record holding that content (duplicates)
 *   0x04 + datanet(8) + record(8) + curator(20)   → Curation: one curator's vote on a record
 *   0x05 + datanet(8) + acceptance index(8)       → RecordRef: the record accepted at that index
 *   0x06 + datanet(8) + version(8)                → DatanetVersion
 *   0x07 + subnet(8) + round(8) + trainer(20) + datanet(8) → DataDeclaration
 *   0x08                                          → Sequence: the next Datanet id
 *   0x09 + datanet(8) + fromHeight(8)             → CuratorEpoch: the curators and approvals that decided
 *                                                   records from that height on (written when gov changes them)
 * Every coin of the `datanets` module account is a deposit, a pending bond or a treasury (invariants.ts).
 */
export const MODULE = 'datanets'

/** The module account holding creation deposits, pending records' bonds and every Datanet's treasury (no permissions: nothing is minted or burned). */
export const DATANETS_ACCOUNT = MODULE

const DATANET = 0x01
const RECORD = 0x02
const CONTENT = 0x03
const CURATION = 0x04
const ACCEPTED = 0x05
const VERSION = 0x06
const DECLARATION = 0x07
const SEQUENCE = 0x08
const EPOCH = 0x09
const U64 = 8
const ADDRESS = 20
const DIGEST = 32

const expect = (key: Uint8Array, first: number, length: number | null, what: string): void =>
  expectKey('datanets', key, first, length, what)

export const ALL_DATANETS = Uint8Array.of(DATANET)
export const ALL_RECORDS = Uint8Array.of(RECORD)
export const ALL_CURATIONS = Uint8Array.of(CURATION)
export const ALL_VERSIONS = Uint8Array.of(VERSION)
export const ALL_DECLARATIONS = Uint8Array.of(DECLARATION)
export const SEQUENCE_KEY = Uint8Array.of(SEQUENCE)
export const epochsOf = (datanet: bigint): Uint8Array => concatBytes(Uint8Array.of(EPOCH), u64Bytes(datanet))
export const epochKey = (datanet: bigint, fromHeight: bigint): Uint8Array => concatBytes(epochsOf(datanet), u64Bytes(fromHeight))

export function parseEpochKey(key: Uint8Array): { datanet: bigint; fromHeight: bigint } {
  expect(key, EPOCH, 1 + 2 * U64, 'curator epoch')
  return { datanet: readU64(key, 1), fromHeight: readU64(key, 1 + U64) }
}

export const datanetKey = (datanet: bigint): Uint8Array => concatBytes(ALL_DATANETS, u64Bytes(datanet))
export const recordsOf = (datanet: bigint): Uint8Array => concatBytes(ALL_RECORDS, u64Bytes(datanet))
export const recordKey = (datanet: bigint, record: bigint): Uint8Array => concatBytes(recordsOf(datanet), u64Bytes(record))
/** `contentDigest` is SHA-256 of the contentId text: a fixed-length key whatever the id's form. */
export const contentKey = (datanet: bigint, contentDigest: Uint8Array): Uint8Array =>
  concatBytes(Uint8Array.of(CONTENT), u64Bytes(datanet), contentDigest)
export const curationsOf = (datanet: bigint, record: bigint): Uint8Array =>
  concatBytes(Uint8Array.of(CURATION), u64Bytes(datanet), u64Bytes(record))
export const curationKey = (datanet: bigint, record: bigint, curator: Uint8Array): Uint8Array =>
  concatBytes(curationsOf(datanet, record), curator)
export const acceptedOf = (datanet: bigint): Uint8Array => concatBytes(Uint8Array.of(ACCEPTED), u64Bytes(datanet))
export const acceptedKey = (datanet: bigint, index: bigint): Uint8Array => concatBytes(acceptedOf(datanet), u64Bytes(index))
export const versionsOf = (datanet: bigint): Uint8Array => concatBytes(ALL_VERSIONS, u64Bytes(datanet))
export const versionKey = (datanet: bigint, version: bigint): Uint8Array => concatBytes(versionsOf(datanet), u64Bytes(version))
export const declarationsOf = (subnet: bigint, round: bigint): Uint8Array =>
  concatBytes(ALL_DECLARATIONS, u64Bytes(subnet), u64Bytes(round))
export const declarationKey = (subnet: bigint, round: bigint, trainer: Uint8Array, datanet: bigint): Uint8Array =>
  concatBytes(declarationsOf(subnet, round), trainer, u64Bytes(datanet))

export function parseRecordKey(key: Uint8Array): { datanet: bigint; record: bigint } {
  expect(key, RECORD, 1 + 2 * U64, 'record')
  return { datanet: readU64(key, 1), record: readU64(key, 1 + U64) }
}

export function parseContentKey(key: Uint8Array): { datanet: bigint; contentDigest: Uint8Array } {
  expect(key, CONTENT, 1 + U64 + DIGEST, 'content')
  return { datanet: readU64(key, 1), contentDigest: key.slice(1 + U64) }
}

export function parseCurationKey(key: Uint8Array): { datanet: bigint; record: bigint; curator: Uint8Array } {
  expect(key, CURATION, 1 + 2 * U64 + ADDRESS, 'curation')
  return { datanet: readU64(key, 1), record: readU64(key, 1 + U64), curator: key.slice(1 + 2 * U64) }
}

export function parseAcceptedKey(key: Uint8Array): { datanet: bigint; index: bigint } {
  expect(key, ACCEPTED, 1 + 2 * U64, 'accepted')
  return { datanet: readU64(key, 1), index: readU64(key, 1 + U64) }
}

export function parseVersionKey(key: Uint8Array): { datanet: bigint; version: bigint } {
  expect(key, VERSION, 1 + 2 * U64, 'version')
  return { datanet: readU64(key, 1), version: readU64(key, 1 + U64) }
}

export function parseDeclarationKey(key: Uint8Array): { subnet: bigint; round: bigint; trainer: Uint8Array; datanet: bigint } {
  expect(key, DECLARATION, 1 + 3 * U64 + ADDRESS, 'declaration')
  return {
    subnet: readU64(key, 1),
    round: readU64(key, 1 + U64),
    trainer: key.slice(1 + 2 * U64, 1 + 2 * U64 + ADDRESS),
    datanet: readU64(key, 1 + 2 * U64 + ADDRESS),
  }
}
