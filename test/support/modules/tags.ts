import { CODEC_TAG_RANGES } from '../../../src/codec/tags.js'

/** Codec tags of the test-only modules, inside the range the tag table reserves for tests. */
const base = CODEC_TAG_RANGES.tests.first
export const TEST_TAGS = {
  treasury: base,
  setParams: base + 1,
  ping: base + 2,
  gossip: base + 3,
} as const
