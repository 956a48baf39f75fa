import { concatBytes, expectKey, readU64, u64Bytes, utf8 } from '../../state/index.js'

// What this module's other files read keys with (src/state/bytes.ts).
export { u64Bytes }

/**
 * Lineage's store, under `lineage/` (0x00 is the framework's params key). Integers big-endian,
 * so subnets, versions and receipts iterate in numeric order:
 *   0x01 + subnet(8) + version(8)                    → VersionRecord
 *   0x02 + parent(16) + child(16)                    → 0x01: the child index (a version's descendants)
 *   0x03 + subnet(8) + version(8) + contributor      → Credit (a contributor's weights in a version, and what it was paid)
 *   0x04 + contributor + subnet(8) + version(8)      → 0x01: the contributor index (every version it is credited in)
 *   0x05 + subnet(8) + version(8)                    → Pool (F_V and Σ paid; absent until first used)
 *   0x06 + id(8)                                     → UseReceipt
 *   0x07                                             → LineageTotals
 * A contributor is 0x00 + address(20) (an account) or 0x01 + subnet(8) (a subnet's treasury).
 * A version (16) is subnet(8) + version(8).
 */
export const MODULE = 'lineage'

/** The module account holding every version's pool (no permission: lineage neither mints nor burns). */
export const LINEAGE_ACCOUNT = MODULE

const VERSION = 0x01
const CHILD = 0x02
const CREDIT = 0x03
const CONTRIBUTOR = 0x04
const POOL = 0x05
const RECEIPT = 0x06
const TOTALS = 0x07
const U64 = 8
const VERSION_BYTES = 2 * U64
const ACCOUNT = 0x00
const TREASURY = 0x01

/** Who a credit belongs to: an account, or a subnet's treasury (withdrawn by the subnet's admin). */
export type Contributor = { kind: 'account'; address: Uint8Array } | { kind: 'treasury'; subnet: bigint }

export interface VersionId {
  subnet: bigint
  version: bigint
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

const versionBytes = (v: VersionId): Uint8Array => concatBytes(u64Bytes(v.subnet), u64Bytes(v.version))
const readVersion = (bytes: Uint8Array, at: number): VersionId => ({ subnet: readU64(bytes, at), version: readU64(bytes, at + U64) })

export function contributorBytes(c: Contributor): Uint8Array {
  return c.kind === 'account' ? concatBytes(Uint8Array.of(ACCOUNT), c.address) : concatBytes(Uint8Array.of(TREASURY), u64Bytes(c.subnet))
}

/** The contributor whose bytes start at `at`, and its length. */
export function parseContributor(bytes: Uint8Array, at = 0): { contributor: Contributor; length: number } {
  if (bytes[at] === ACCOUNT && bytes.length >= at + 21)
    return { contributor: { kind: 'account', address: bytes.slice(at + 1, at + 21) }, length: 21 }
  if (bytes[at] === TREASURY && bytes.length >= at + 1 + U64)
    return { contributor: { kind: 'treasury', subnet: readU64(bytes, at + 1) }, length: 1 + U64 }
  throw new Error(`not a lineage contributor: ${hex(bytes.subarray(at))}`)
}

export const ALL_VERSIONS = Uint8Array.of(VERSION)
export const ALL_CHILDREN = Uint8Array.of(CHILD)
export const ALL_CREDITS = Uint8Array.of(CREDIT)
export const ALL_POOLS = Uint8Array.of(POOL)
export const ALL_RECEIPTS = Uint8Array.of(RECEIPT)
export const TOTALS_KEY = Uint8Array.of(TOTALS)

export const versionKey = (v: VersionId): Uint8Array => concatBytes(ALL_VERSIONS, versionBytes(v))
export const childrenOf = (parent: VersionId): Uint8Array => concatBytes(ALL_CHILDREN, versionBytes(parent))
export const childKey = (parent: VersionId, child: VersionId): Uint8Array => concatBytes(childrenOf(parent), versionBytes(child))
export const creditsOf = (v: VersionId): Uint8Array => concatBytes(ALL_CREDITS, versionBytes(v))
export const creditKey = (v: VersionId, c: Contributor): Uint8Array => concatBytes(creditsOf(v), contributorBytes(c))
export const versionsOf = (c: Contributor): Uint8Array => concatBytes(Uint8Array.of(CONTRIBUTOR), contributorBytes(c))
export const contributorKey = (c: Contributor, v: VersionId): Uint8Array => concatBytes(versionsOf(c), versionBytes(v))
export const poolKey = (v: VersionId): Uint8Array => concatBytes(ALL_POOLS, versionBytes(v))
export const receiptKey = (id: bigint): Uint8Array => concatBytes(ALL_RECEIPTS, u64Bytes(id))

/** The state key a proof of receipt `id` covers (the module's prefix + receiptKey), as reputation's receiptStateKey. */
export const receiptStateKey = (id: bigint): Uint8Array => concatBytes(utf8(`${MODULE}/`), receiptKey(id))

const expect = (key: Uint8Array, first: number, length: number | null, what: string): void => expectKey('lineage', key, first, length, what)

export function parseVersionKey(key: Uint8Array): VersionId {
  expect(key, VERSION, 1 + VERSION_BYTES, 'version')
  return readVersion(key, 1)
}

export function parsePoolKey(key: Uint8Array): VersionId {
  expect(key, POOL, 1 + VERSION_BYTES, 'pool')
  return readVersion(key, 1)
}

export function parseChildKey(key: Uint8Array): { parent: VersionId; child: VersionId } {
  expect(key, CHILD, 1 + 2 * VERSION_BYTES, 'child')
  return { parent: readVersion(key, 1), child: readVersion(key, 1 + VERSION_BYTES) }
}

export function parseCreditKey(key: Uint8Array): { version: VersionId; contributor: Contributor } {
  expect(key, CREDIT, null, 'credit')
  const { contributor, length } = parseContributor(key, 1 + VERSION_BYTES)
  if (key.length !== 1 + VERSION_BYTES + length) throw new Error(`not a lineage credit key: ${hex(key)}`)
  return { version: readVersion(key, 1), contributor }
}

export function parseContributorKey(key: Uint8Array): { contributor: Contributor; version: VersionId } {
  expect(key, CONTRIBUTOR, null, 'contributor')
  const { contributor, length } = parseContributor(key, 1)
  if (key.length !== 1 + length + VERSION_BYTES) throw new Error(`not a lineage contributor key: ${hex(key)}`)
  return { contributor, version: readVersion(key, 1 + length) }
}

export function parseReceiptKey(key: Uint8Array): bigint {
  expect(key, RECEIPT, 1 + U64, 'receipt')
  return readU64(key, 1)
}

export const versionName = (v: VersionId): string => `${v.subnet}/${v.version}`
export const sameVersion = (a: VersionId, b: VersionId): boolean => a.subnet === b.subnet && a.version === b.version
