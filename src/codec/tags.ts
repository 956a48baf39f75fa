/**
 * Who owns which struct tags: the one table. A struct's tag says what it is across the whole
 * chain (unions dispatch on it, a stored record names its type by it), so two types must never
 * share one; each component and each module takes its tags from its own range only.
 * test/unit/codec/tags.test.ts reads every `t.struct(...)` in src/ and checks uniqueness and
 * that each lies in the range of the folder that declares it.
 */
export const CODEC_TAG_RANGES = {
  crypto: { first: 1, last: 99, folder: 'src/crypto' },
  state: { first: 100, last: 149, folder: 'src/state' },
  auth: { first: 150, last: 199, folder: 'src/modules/auth' },
  bank: { first: 200, last: 299, folder: 'src/modules/bank' },
  consensus: { first: 300, last: 399, folder: 'src/consensus' },
  fl: { first: 400, last: 499, folder: 'src/fl' },
  p2p: { first: 500, last: 599, folder: 'src/p2p' },
  blobs: { first: 600, last: 699, folder: 'src/blobs' },
  rpc: { first: 700, last: 799, folder: 'src/rpc' },
  client: { first: 800, last: 899, folder: 'src/client' },
  /** Test-only types (codec tests, test/support/modules). */
  tests: { first: 900, last: 999, folder: 'test' },
  node: { first: 1000, last: 1099, folder: 'src/node' },
  indexer: { first: 1100, last: 1199, folder: 'src/indexer' },
  // The native modules to come, a hundred tags each, in DESIGN.md's order.
  staking: { first: 2000, last: 2099, folder: 'src/modules/staking' },
  slashing: { first: 2100, last: 2199, folder: 'src/modules/slashing' },
  distribution: { first: 2200, last: 2299, folder: 'src/modules/distribution' },
  gov: { first: 2300, last: 2399, folder: 'src/modules/gov' },
  subnets: { first: 2400, last: 2499, folder: 'src/modules/subnets' },
  training: { first: 2500, last: 2599, folder: 'src/modules/training' },
  reputation: { first: 2600, last: 2699, folder: 'src/modules/reputation' },
  rewards: { first: 2700, last: 2799, folder: 'src/modules/rewards' },
  datanets: { first: 2800, last: 2899, folder: 'src/modules/datanets' },
  lineage: { first: 2900, last: 2999, folder: 'src/modules/lineage' },
  disputes: { first: 3000, last: 3099, folder: 'src/modules/disputes' },
} as const satisfies Record<string, { first: number; last: number; folder: string }>

export type CodecTagOwner = keyof typeof CODEC_TAG_RANGES

/** The owner of the range `tag` falls in, or undefined for a tag outside every range. */
export function tagOwner(tag: number): CodecTagOwner | undefined {
  for (const [owner, range] of Object.entries(CODEC_TAG_RANGES)) if (tag >= range.first && tag <= range.last) return owner as CodecTagOwner
  return undefined
}
