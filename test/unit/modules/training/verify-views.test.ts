import assert from 'node:assert/strict'
import { FlError } from '../../../../src/fl/errors.js'
import { getAggregationRule, RULE_NAMES } from '../../../../src/fl/rules/registry.js'
import { REPUTATION_UNIT } from '../../../../src/fl/rules/repfedavg.js'
import { weightedMeanFast, weightedMeanReference } from '../../../../src/fl/rules/weighted-mean.js'
import { encodeUpdateBlob } from '../../../../src/fl/update/blob.js'
import { ModuleError } from '../../../../src/state/index.js'
import { blobCid } from '../../../../src/modules/training/blob-cid.js'
import {
  type NamedBlob,
  type RoundFormat,
  modelOf,
  recompute,
  submittedInt16View,
  submittedValues,
  verifyAggregate,
} from '../../../../src/modules/training/model.js'
import { seededRandom } from '../../../helpers/chain.js'

const SCALE = 16384
const MAX_ABS = 32767
const K = 12
const N = 1000 + 37 // not a multiple of the SIMD chunk: the kernel's zero-padded tail is exercised too
const format: RoundFormat = { dtype: 'int16', scale: SCALE, maxAbs: MAX_ABS, parameterCount: N }

const random = seededRandom(20)
const updates = Array.from({ length: K }, (_, k) =>
  Int32Array.from({ length: N }, (_, i) => (k === 0 && i < 8 ? [MAX_ABS, -MAX_ABS][i % 2]! : Math.floor(random() * 65535) - MAX_ABS)),
)
const weights = updates.map(() => 1 + Math.floor(random() * 600))
const reputations = weights.map((_, k) => (k * 137) % (REPUTATION_UNIT + 1))
const blob = (values: Int32Array): Uint8Array => encodeUpdateBlob({ dtype: 'int16', shape: [N], scale: SCALE, values })
const modelBytes = encodeUpdateBlob({
  dtype: 'int32',
  shape: [N],
  scale: SCALE,
  values: Int32Array.from({ length: N }, () => Math.floor(random() * 4e9) - 2e9),
})

/** The same bytes at an odd offset in a larger buffer: no Int16Array view can be taken of the body. */
function misaligned(bytes: Uint8Array): Uint8Array {
  const backing = new Uint8Array(bytes.length + 1)
  backing.set(bytes, 1)
  return backing.subarray(1)
}
const named = (bytes: Uint8Array): NamedBlob => ({ cid: blobCid(bytes), bytes })
const int16Of = (bytes: Uint8Array): Int16Array => submittedInt16View(bytes, format)!
const errorOf = (run: () => unknown): { code: string; context?: unknown } => {
  try {
    run()
  } catch (error) {
    if (error instanceof FlError || error instanceof ModuleError)
      return { code: String(error.code), context: (error as { context?: unknown }).context }
    throw error
  }
  throw new Error('expected a refusal')
}

// Refusals come before any claim is compared.
const NO_CLAIM = { aggregate: new Uint8Array(0), model: new Uint8Array(0) }

describe('verifyAggregate on int16 views: the bits of the widened path', () => {
  const aligned = updates.map(blob)
  const base = named(modelBytes)

  it('takes a zero-copy view of an aligned int16 body and refuses a misaligned one, another dtype or another header', () => {
    const view = submittedInt16View(aligned[0]!, format)!
    assert.equal(view.buffer, aligned[0]!.buffer)
    assert.deepEqual(Int32Array.from(view), updates[0])
    assert.equal(submittedInt16View(misaligned(aligned[0]!), format), undefined)
    assert.equal(submittedInt16View(aligned[0]!, { ...format, dtype: 'int32' }), undefined)
    assert.equal(submittedInt16View(aligned[0]!, { ...format, scale: SCALE + 1 }), undefined)
    assert.equal(submittedInt16View(aligned[0]!, { ...format, parameterCount: N - 1 }), undefined)
  })

  for (const name of ['fedavg', 'fedprox', 'repfedavg']) {
    it(`${name}: fastInt16 on the views gives fast's and reference's values on the Int32Array copies`, () => {
      const rule = getAggregationRule(name)
      const views = aligned.map(int16Of)
      const expected = rule.reference({ updates, weights, reputations }).values
      assert.deepEqual(rule.fastInt16!({ updates: views, weights, reputations }).values, expected)
      assert.deepEqual(rule.fast({ updates, weights, reputations }).values, expected)
      const into = new Int32Array(N).fill(7)
      assert.deepEqual(rule.fastInt16!({ updates: views, weights, reputations }, into).values, expected)
    })

    it(`${name}: a −32768 read through a view is refused with the code and context of the widened input`, () => {
      const rule = getAggregationRule(name)
      const bad = aligned.map((b) => b.slice())
      new DataView(bad[3]!.buffer).setInt16(16 + 2 * 500, -32768, true)
      const widened = bad.map((b) => submittedValues(b, format))
      const viaViews = errorOf(() => rule.fastInt16!({ updates: bad.map(int16Of), weights, reputations }))
      assert.equal(viaViews.code, 'FL_VALUE_RANGE')
      assert.deepEqual(
        viaViews,
        errorOf(() => rule.fast({ updates: widened, weights, reputations })),
      )
      assert.deepEqual(
        viaViews,
        errorOf(() => rule.reference({ updates: widened, weights, reputations })),
      )
    })
  }

  it('the reference fallback (no SIMD proof for these bounds) widens int16 views to the same integers', () => {
    const views = aligned.map(int16Of)
    assert.deepEqual(weightedMeanFast(views, weights, 40_000), weightedMeanReference(updates, weights, 40_000))
  })

  // secagg-fedavg reads masked, pre-weighted updates with weights ≤ 512: test/unit/modules/training/secagg.test.ts holds it to recompute
  for (const name of RULE_NAMES.filter((n) => n !== 'secagg-fedavg')) {
    it(`${name}: verifyAggregate matches recompute's blobs on the decoded inputs, aligned or misaligned, and on a repeat; a claim one byte off gets recompute's CIDs`, () => {
      const rule = getAggregationRule(name)
      const model = modelOf(modelBytes, N, base.cid)
      const expected = recompute(rule, updates, weights, model, format)
      const claim = { aggregate: expected.aggregateBytes.slice(), model: expected.modelBytes.slice() }
      const matches = { matches: true }
      assert.deepEqual(verifyAggregate(rule, aligned.map(named), weights, base, format, claim), matches)
      assert.deepEqual(verifyAggregate({ ...rule, fastInt16: undefined }, aligned.map(named), weights, base, format, claim), matches)
      assert.deepEqual(
        verifyAggregate(rule, aligned.map(misaligned).map(named), weights, named(misaligned(modelBytes)), format, {
          aggregate: misaligned(claim.aggregate),
          model: misaligned(claim.model),
        }),
        matches,
      )
      // one misaligned blob sends every update down the widened path (one element type per call)
      assert.deepEqual(
        verifyAggregate(rule, aligned.map((b, j) => (j === 5 ? misaligned(b) : b)).map(named), weights, base, format, claim),
        matches,
      )
      assert.deepEqual(verifyAggregate(rule, aligned.map(named), weights, base, format, claim), matches)
      // a wrong claim, in either blob or its length: the verdict names the CIDs recompute gives
      const wrong = { matches: false, aggregateCid: expected.aggregateCid, modelCid: expected.modelCid }
      const offByOne = (bytes: Uint8Array, at: number) => {
        const copy = bytes.slice()
        copy[at] = copy[at]! ^ 1
        return copy
      }
      assert.deepEqual(
        verifyAggregate(rule, aligned.map(named), weights, base, format, {
          ...claim,
          aggregate: offByOne(claim.aggregate, claim.aggregate.length - 1),
        }),
        wrong,
      )
      assert.deepEqual(
        verifyAggregate(rule, aligned.map(named), weights, base, format, { ...claim, model: offByOne(claim.model, 16) }),
        wrong,
      )
      assert.deepEqual(
        verifyAggregate(rule, aligned.map(named), weights, base, format, {
          ...claim,
          model: claim.model.subarray(0, claim.model.length - 4),
        }),
        wrong,
      )
      assert.deepEqual(
        verifyAggregate(rule, aligned.map(named), weights, base, format, { aggregate: claim.model, model: claim.aggregate }),
        wrong,
      )
    })
  }

  it('refuses an input holding −32768 through the views exactly as through the aligned widened copy (AGGREGATION_FAILED)', () => {
    const rule = getAggregationRule('fedavg')
    const widenedOnly = { ...rule, fastInt16: undefined }
    const bad = aligned.map((b) => b.slice())
    new DataView(bad[7]!.buffer).setInt16(16 + 2 * (N - 1), -32768, true)
    const viaViews = errorOf(() => verifyAggregate(rule, bad.map(named), weights, base, format, NO_CLAIM))
    assert.equal(viaViews.code, 'AGGREGATION_FAILED')
    assert.deepEqual(
      errorOf(() => verifyAggregate(widenedOnly, bad.map(named), weights, base, format, NO_CLAIM)),
      viaViews,
    )
    // a misaligned blob is decoded in full, as before this path existed, and refused there
    assert.equal(
      errorOf(() => verifyAggregate(rule, bad.map(misaligned).map(named), weights, base, format, NO_CLAIM)).code,
      'MALFORMED_UPDATE',
    )
  })

  it('refuses a base model holding −2^31 with BAD_BASE_MODEL whether it is read in place or decoded', () => {
    const rule = getAggregationRule('fedavg')
    const bad = modelBytes.slice()
    new DataView(bad.buffer).setInt32(16 + 4 * 9, -2147483648, true)
    assert.equal(errorOf(() => verifyAggregate(rule, aligned.map(named), weights, named(bad), format, NO_CLAIM)).code, 'BAD_BASE_MODEL')
    assert.equal(
      errorOf(() => verifyAggregate(rule, aligned.map(named), weights, named(misaligned(bad)), format, NO_CLAIM)).code,
      'BAD_BASE_MODEL',
    )
  })
})
