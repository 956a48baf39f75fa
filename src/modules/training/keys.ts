import { concatBytes, expectKey, readU64, u64Bytes, utf8 } from '../../state/index.js'

// What this module's other files read keys with (src/state/bytes.ts).
export { u64Bytes, readU64 }

/**
 * Training's store, under `training/` (0x00 is the framework's params key):
 *   0x01 + subnet(8)                              → SubnetProgress (absent until the subnet is first seen)
 *   0x02 + subnet(8) + round(8)                   → Round
 *   0x03 + subnet(8) + round(8) + trainer(20)     → Update (one per trainer per round)
 *   0x04 + subnet(8) + version(8)                 → ModelVersion
 *   0x05 + height(8) + subnet(8)                  → phase (1 byte: 1 = open, 2 = close): the begin-block
 *                                                   of `height` makes that change (one entry per subnet)
 *   0x06                                          → the next subnet id not yet seen (u64)
 *   0x07 + subnet(8) + round(8) + aggregator(20)  → AggregateRejection (one per aggregator per round: it is barred after)
 *   0x08 + subnet(8) + update CID (UTF-8 text)    → ContentSeen { round, trainer }: the exact-duplicate index of
 *                                                   the subnet's recorded updates (free-riders.ts). Kept for
 *                                                   `free_rider_memory_rounds` rounds: opening round r deletes
 *                                                   round r − M − 1's entries (at most its maxUpdates), and the
 *                                                   check ignores an entry older than r − M whatever is left
 *                                                   (M = 0: the current round only)
 *   0x09 + subnet(8) + round(8) + trainer(20)     → UpdateRejection (a free-rider's update: the verdict, its
 *                                                   slash; one per trainer per round: it is barred after)
 *   0x0a + subnet(8) + round(8) + trainer(20)     → the recorded update's blob bytes, while its round is
 *                                                   open and near-copy is on: what a later update of the
 *                                                   round is compared with (a message can declare only its
 *                                                   own blob); all deleted when the round closes
 * All integers big-endian, so rounds, versions and heights iterate in order and one round's
 * updates in trainer-address order (the canonical order of an aggregate).
 */
export const MODULE = 'training'

const PROGRESS = 0x01
const ROUND = 0x02
const UPDATE = 0x03
const VERSION = 0x04
const SCHEDULE = 0x05
const CURSOR = 0x06
const REJECTION = 0x07
const CONTENT = 0x08
const UPDATE_REJECTION = 0x09
const UPDATE_COPY = 0x0a
const U64 = 8
const ADDRESS = 20

export const ALL_PROGRESS = Uint8Array.of(PROGRESS)
export const ALL_ROUNDS = Uint8Array.of(ROUND)
export const ALL_UPDATES = Uint8Array.of(UPDATE)
export const ALL_VERSIONS = Uint8Array.of(VERSION)
export const ALL_SCHEDULED = Uint8Array.of(SCHEDULE)
export const ALL_REJECTIONS = Uint8Array.of(REJECTION)
export const ALL_CONTENT = Uint8Array.of(CONTENT)
export const ALL_UPDATE_REJECTIONS = Uint8Array.of(UPDATE_REJECTION)
export const ALL_UPDATE_COPIES = Uint8Array.of(UPDATE_COPY)
export const CURSOR_KEY = Uint8Array.of(CURSOR)

export type ScheduledPhase = 'open' | 'close'
const PHASE_CODES: Record<ScheduledPhase, number> = { open: 1, close: 2 }

export const progressKey = (subnet: bigint): Uint8Array => concatBytes(ALL_PROGRESS, u64Bytes(subnet))
export const roundsOf = (subnet: bigint): Uint8Array => concatBytes(ALL_ROUNDS, u64Bytes(subnet))
export const roundKey = (subnet: bigint, round: bigint): Uint8Array => concatBytes(roundsOf(subnet), u64Bytes(round))
export const updatesOfSubnet = (subnet: bigint): Uint8Array => concatBytes(ALL_UPDATES, u64Bytes(subnet))
export const updatesOf = (subnet: bigint, round: bigint): Uint8Array => concatBytes(updatesOfSubnet(subnet), u64Bytes(round))
export const updateKey = (subnet: bigint, round: bigint, trainer: Uint8Array): Uint8Array => concatBytes(updatesOf(subnet, round), trainer)
export const versionsOf = (subnet: bigint): Uint8Array => concatBytes(ALL_VERSIONS, u64Bytes(subnet))
export const versionKey = (subnet: bigint, version: bigint): Uint8Array => concatBytes(versionsOf(subnet), u64Bytes(version))
export const scheduledAt = (height: bigint): Uint8Array => concatBytes(ALL_SCHEDULED, u64Bytes(height))
export const scheduleKey = (height: bigint, subnet: bigint): Uint8Array => concatBytes(scheduledAt(height), u64Bytes(subnet))
export const phaseBytes = (phase: ScheduledPhase): Uint8Array => Uint8Array.of(PHASE_CODES[phase])
export const rejectionsOfSubnet = (subnet: bigint): Uint8Array => concatBytes(ALL_REJECTIONS, u64Bytes(subnet))
export const rejectionsOf = (subnet: bigint, round: bigint): Uint8Array => concatBytes(rejectionsOfSubnet(subnet), u64Bytes(round))
export const rejectionKey = (subnet: bigint, round: bigint, aggregator: Uint8Array): Uint8Array =>
  concatBytes(rejectionsOf(subnet, round), aggregator)
export const contentOf = (subnet: bigint): Uint8Array => concatBytes(ALL_CONTENT, u64Bytes(subnet))
export const contentKey = (subnet: bigint, cid: string): Uint8Array => concatBytes(contentOf(subnet), utf8(cid))
export const updateRejectionsOf = (subnet: bigint, round: bigint): Uint8Array =>
  concatBytes(ALL_UPDATE_REJECTIONS, u64Bytes(subnet), u64Bytes(round))
export const updateRejectionKey = (subnet: bigint, round: bigint, trainer: Uint8Array): Uint8Array =>
  concatBytes(updateRejectionsOf(subnet, round), trainer)
export const updateCopiesOf = (subnet: bigint, round: bigint): Uint8Array =>
  concatBytes(ALL_UPDATE_COPIES, u64Bytes(subnet), u64Bytes(round))
export const updateCopyKey = (subnet: bigint, round: bigint, trainer: Uint8Array): Uint8Array =>
  concatBytes(updateCopiesOf(subnet, round), trainer)

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

const expect = (key: Uint8Array, first: number, length: number | null, what: string): void =>
  expectKey('training', key, first, length, what)

export function parseProgressKey(key: Uint8Array): bigint {
  expect(key, PROGRESS, 1 + U64, 'progress')
  return readU64(key, 1)
}

export function parseRoundKey(key: Uint8Array): { subnet: bigint; round: bigint } {
  expect(key, ROUND, 1 + 2 * U64, 'round')
  return { subnet: readU64(key, 1), round: readU64(key, 1 + U64) }
}

export function parseUpdateKey(key: Uint8Array): { subnet: bigint; round: bigint; trainer: Uint8Array } {
  expect(key, UPDATE, 1 + 2 * U64 + ADDRESS, 'update')
  return { subnet: readU64(key, 1), round: readU64(key, 1 + U64), trainer: key.slice(1 + 2 * U64) }
}

export function parseVersionKey(key: Uint8Array): { subnet: bigint; version: bigint } {
  expect(key, VERSION, 1 + 2 * U64, 'version')
  return { subnet: readU64(key, 1), version: readU64(key, 1 + U64) }
}

export function parseScheduleEntry(key: Uint8Array, value: Uint8Array): { height: bigint; subnet: bigint; phase: ScheduledPhase } {
  expect(key, SCHEDULE, 1 + 2 * U64, 'schedule')
  const phase = value.length === 1 && value[0] === 1 ? 'open' : value.length === 1 && value[0] === 2 ? 'close' : undefined
  if (phase === undefined) throw new Error(`not a training schedule phase: ${hex(value)}`)
  return { height: readU64(key, 1), subnet: readU64(key, 1 + U64), phase }
}

export function parseRejectionKey(key: Uint8Array): { subnet: bigint; round: bigint; aggregator: Uint8Array } {
  expect(key, REJECTION, 1 + 2 * U64 + ADDRESS, 'rejection')
  return { subnet: readU64(key, 1), round: readU64(key, 1 + U64), aggregator: key.slice(1 + 2 * U64) }
}

export function parseContentKey(key: Uint8Array): { subnet: bigint; cid: string } {
  if (key[0] !== CONTENT || key.length <= 1 + U64) throw new Error(`not a training content key: ${hex(key)}`)
  return { subnet: readU64(key, 1), cid: Buffer.from(key.subarray(1 + U64)).toString('utf8') }
}

/** An update rejection's or an update copy's key (same layout, first byte apart). */
export function parseTrainerRoundKey(key: Uint8Array): { subnet: bigint; round: bigint; trainer: Uint8Array } {
  if ((key[0] !== UPDATE_REJECTION && key[0] !== UPDATE_COPY) || key.length !== 1 + 2 * U64 + ADDRESS)
    throw new Error(`not a training update-rejection or copy key: ${hex(key)}`)
  return { subnet: readU64(key, 1), round: readU64(key, 1 + U64), trainer: key.slice(1 + 2 * U64) }
}
