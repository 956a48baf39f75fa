import assert from 'node:assert/strict'
import fc from 'fast-check'
import { roundDivBig } from '../../../src/fl/int-math.js'
import {
  planSimdWeightedMean,
  SIMD_CHUNK,
  simdModule,
  simdWeightedMeanApplies,
  weightedMeanSimd,
  type SimdWeightedMeanPlan,
} from '../../../src/fl/kernels/simd-weighted-mean.js'
import { FEDAVG_RANGES } from '../../../src/fl/rules/fedavg.js'
import { getAggregationRule, RULE_NAMES } from '../../../src/fl/rules/registry.js'
import type { AggregationInput } from '../../../src/fl/rules/types.js'
import { weightedMeanFast, weightedMeanReference } from '../../../src/fl/rules/weighted-mean.js'

const MAX_ABS = FEDAVG_RANGES.maxAbsValue
const MAX_WEIGHT = FEDAVG_RANGES.maxWeight
const code =
  (expected: string) =>
  (error: unknown): boolean =>
    (error as { code?: string }).code === expected

/** The definition with nothing to go wrong: bigint sums, bigint roundDiv. */
function exactMean(updates: readonly Int32Array[], weights: readonly number[]): Int32Array {
  const total = BigInt(weights.reduce((a, b) => a + b, 0))
  return Int32Array.from({ length: updates[0]!.length }, (_, i) => {
    let s = 0n
    updates.forEach((u, k) => (s += BigInt(weights[k]!) * BigInt(u[i]!)))
    return Number(roundDivBig(s, total))
  })
}

/**
 * Inputs that live at the edges the SIMD proof depends on: many updates pinned near +maxAbs or
 * −maxAbs with the largest weight (so i32 group sums come close to 2^31), mixed with
 * full-range updates; N of any length (tails that are not a multiple of the SIMD chunk).
 */
function edgeInput(maxK: number, maxN: number): fc.Arbitrary<{ updates: Int32Array[]; weights: number[] }> {
  const update = (n: number, sign: number) =>
    fc
      .oneof(
        fc.array(fc.integer({ min: -MAX_ABS, max: MAX_ABS }), { minLength: n, maxLength: n }),
        fc.array(
          fc.integer({ min: MAX_ABS - 3, max: MAX_ABS }).map((v) => sign * v),
          { minLength: n, maxLength: n },
        ),
        fc.array(fc.constantFrom(MAX_ABS, -MAX_ABS, 0, 1, -1), { minLength: n, maxLength: n }),
      )
      .map((v) => Int32Array.from(v))
  return fc
    .record({ k: fc.integer({ min: 1, max: maxK }), n: fc.integer({ min: 1, max: maxN }), sign: fc.constantFrom(1, -1) })
    .chain(({ k, n, sign }) =>
      fc.record({
        updates: fc.array(update(n, sign), { minLength: k, maxLength: k }),
        weights: fc
          .array(fc.oneof(fc.constant(MAX_WEIGHT), fc.integer({ min: 0, max: MAX_WEIGHT })), { minLength: k, maxLength: k })
          .filter((w) => w.some((x) => x > 0)),
      }),
    )
}

/** Small blocks and groups, so that a short input still crosses block and group boundaries. */
const smallPlan = fc.record({
  coordsPerBlock: fc.integer({ min: 1, max: 4 }).map((c) => SIMD_CHUNK * c),
  maxGroupWeight: fc.constant(Math.floor((2 ** 31 - 1) / MAX_ABS)),
  maxGroupSize: fc.integer({ min: 1, max: 64 }),
})

describe('fast CPU path (WebAssembly SIMD weighted mean)', function () {
  this.timeout(60_000)
  const module = simdModule()

  it('compiles here: Node 20 has WebAssembly SIMD, so the fast path is really exercised', () => {
    assert.notEqual(module, null)
  })

  it('equals the bigint definition near the range limits, across block and group boundaries', () => {
    fc.assert(
      fc.property(edgeInput(40, 70), smallPlan, ({ updates, weights }, plan) => {
        const total = weights.reduce((a, b) => a + b, 0)
        const actual = weightedMeanSimd(module!, updates, weights, total, MAX_ABS, plan)
        assert.deepEqual(actual, exactMean(updates, weights))
      }),
      { numRuns: 300, seed: 5 },
    )
  })

  it('gives every rule the reference bits through rule.fast (default plan)', () => {
    for (const name of RULE_NAMES) {
      const rule = getAggregationRule(name)
      fc.assert(
        fc.property(
          edgeInput(12, 300),
          fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 12, maxLength: 12 }),
          ({ updates, weights }, reputations) => {
            const input: AggregationInput = { updates, weights, reputations: reputations.slice(0, updates.length) }
            let expected
            try {
              expected = rule.reference(input)
            } catch (error) {
              // e.g. repfedavg with every effective weight floored to zero, or too few for krum:f
              assert.throws(
                () => rule.fast(input),
                (e: unknown) => (e as { code?: string }).code === (error as { code?: string }).code,
              )
              return
            }
            assert.deepEqual(rule.fast(input), expected)
          },
        ),
        { numRuns: 40, seed: 8 },
      )
    }
  })

  it('rounds exact halves up and the nearest non-halves correctly at the largest divisor (Σw = 2^28)', () => {
    // 65,536 updates × weight 4096 is the FedAvg maximum: b = 2^28, the bound of the rounding proof
    const k = 65536
    const n = 4
    const updates = Array.from({ length: k }, () => new Int32Array(n))
    // a = 4096·(32767 + 1) = 2^27 → a/b = 1/2 exactly → 1; the negation → −1/2 → 0
    updates[1]!.set([32767, -32767, 32767, 0])
    updates[2]!.set([1, -1, 0, 0])
    const even = weightedMeanFast(updates, new Array<number>(k).fill(4096), MAX_ABS)
    assert.deepEqual(even, Int32Array.of(1, 0, 0, 0))
    // b = 2^28 − 1 (odd): a = ±(b ± 1)/2 sit 1/(2b) on either side of ±1/2, the closest non-ties there are
    const weights = new Array<number>(k).fill(4096)
    weights[0] = 4095
    for (const u of updates) u.fill(0)
    updates[0]!.set([1, 0, -1, 0]) // 4095·1 + 4096·32767 = 2^27 − 1 = (b − 1)/2 → 0
    updates[1]!.set([32767, 32767, -32767, -32767]) // 4096·32768 = 2^27 = (b + 1)/2 → 1
    updates[2]!.set([0, 1, 0, -1])
    const odd = weightedMeanFast(updates, weights, MAX_ABS)
    assert.deepEqual(odd, exactMean(updates, weights))
    assert.deepEqual(odd, Int32Array.of(0, 1, 0, -1))
  })

  it('rounds halves up at the ends of the value range', () => {
    const updates = [Int32Array.of(32766, -32767, 32767, -1), Int32Array.of(32767, -32766, 32767, 0)]
    assert.deepEqual(weightedMeanFast(updates, [7, 7], MAX_ABS), Int32Array.of(32767, -32766, 32767, 0))
  })

  it('catches a planted bug: groups that ignore the i32 bound wrap and differ from the definition', () => {
    // the bug: one group of up to 64 updates whatever their weights, so Σ w·q can pass 2^31
    const unbounded: SimdWeightedMeanPlan = { coordsPerBlock: 2 * SIMD_CHUNK, maxGroupWeight: Number.MAX_SAFE_INTEGER, maxGroupSize: 64 }
    const result = fc.check(
      fc.property(edgeInput(40, 20), ({ updates, weights }) => {
        const total = weights.reduce((a, b) => a + b, 0)
        assert.deepEqual(weightedMeanSimd(module!, updates, weights, total, MAX_ABS, unbounded), exactMean(updates, weights))
      }),
      { numRuns: 300, seed: 5 },
    )
    assert.equal(result.failed, true, 'the comparison must detect the wrapped i32 sums')
  })

  it('reports a value out of range exactly as the reference does, wherever it sits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.constantFrom(32768, -32768, 2 ** 31 - 1, -(2 ** 31)),
        fc.nat(),
        fc.nat(),
        (k, n, bad, at, who) => {
          const updates = Array.from({ length: k }, (_, j) => new Int32Array(n).fill(j % 2 === 0 ? MAX_ABS : -MAX_ABS))
          updates[who % k]![at % n] = bad
          const weights = updates.map(() => MAX_WEIGHT)
          let expected: unknown
          assert.throws(
            () => weightedMeanReference(updates, weights, MAX_ABS),
            (e) => ((expected = e), true),
          )
          assert.throws(
            () => weightedMeanFast(updates, weights, MAX_ABS),
            (e: unknown) => {
              assert.deepEqual((e as { context?: unknown }).context, (expected as { context?: unknown }).context)
              return code('FL_VALUE_RANGE')(e)
            },
          )
        },
      ),
      { numRuns: 60, seed: 13 },
    )
  })

  it('writes into a caller buffer when given one, and refuses one of the wrong length', () => {
    const rule = getAggregationRule('fedavg')
    const input = { updates: [Int32Array.of(10, -3, 1), Int32Array.of(0, 0, 0)], weights: [3, 1] }
    const into = new Int32Array(3)
    assert.equal(rule.fast(input, into).values, into)
    assert.deepEqual(into, Int32Array.of(8, -2, 1))
    assert.throws(() => rule.fast(input, new Int32Array(2)), code('FL_RULE_INPUT'))
    assert.throws(() => getAggregationRule('median').fast(input, new Int32Array(4)), code('FL_RULE_INPUT'))
  })

  it('keeps the FedAvg errors: zero total weight, weights over the cap', () => {
    const rule = getAggregationRule('fedavg')
    assert.throws(() => rule.fast({ updates: [Int32Array.of(1)], weights: [0] }), code('FL_ZERO_WEIGHT'))
    assert.throws(() => rule.fast({ updates: [Int32Array.of(1)], weights: [4097] }), code('FL_WEIGHT_RANGE'))
  })

  it('applies only where its proof holds: Σw ≤ 2^28, maxAbs < 2^15, each weight ≤ the group bound', () => {
    const plan = planSimdWeightedMean(MAX_ABS, 10)
    assert.equal(simdWeightedMeanApplies(new Array<number>(65536).fill(4096), MAX_ABS, plan), true)
    assert.equal(simdWeightedMeanApplies([...new Array<number>(65536).fill(4096), 1], MAX_ABS, plan), false)
    assert.equal(simdWeightedMeanApplies([1], 2 ** 15, planSimdWeightedMean(2 ** 15, 1)), false)
    assert.equal(simdWeightedMeanApplies([plan.maxGroupWeight + 1], MAX_ABS, plan), false)
    // outside the proof, weightedMeanFast still answers — on the reference
    const updates = [Int32Array.of(40000, -40000)]
    assert.deepEqual(weightedMeanFast(updates, [3], 2 ** 16), Int32Array.of(40000, -40000))
  })

  it('refuses a plan whose blocks are not whole chunks (a padded tail would spill into the next update)', () => {
    const plan: SimdWeightedMeanPlan = {
      coordsPerBlock: SIMD_CHUNK + 4,
      maxGroupWeight: Math.floor((2 ** 31 - 1) / MAX_ABS),
      maxGroupSize: 64,
    }
    assert.throws(() => weightedMeanSimd(module!, [Int32Array.of(1, 2, 3)], [1], 1, MAX_ABS, plan), code('FL_RULE_INPUT'))
  })

  it('plans blocks of whole SIMD chunks and groups whose i32 sums cannot wrap', () => {
    for (const k of [1, 10, 50, 255, 65536]) {
      const plan = planSimdWeightedMean(MAX_ABS, k)
      assert.equal(plan.coordsPerBlock % SIMD_CHUNK, 0)
      assert.ok(plan.maxGroupWeight * MAX_ABS <= 2 ** 31 - 1)
      assert.ok(plan.maxGroupSize * plan.coordsPerBlock * 4 <= 2 ** 22, 'copy-in buffer stays small')
    }
  })
})
