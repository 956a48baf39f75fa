import { CODEC_TAG_RANGES } from '../../../src/codec/tags.js'

/** Codec tags of the test-only modules, inside the range the tag table reserves for tests. */
const base = CODEC_TAG_RANGES.tests.first
export const TEST_TAGS = {
  treasury: base,
  ping: base + 1,
  tunableParams: base + 2,
  bump: base + 3,
  setParams: base + 4,
  probeParams: base + 5,
  knock: base + 6,
  toggle: base + 7,
  openEnvelope: base + 8,
} as const
