import assert from 'node:assert/strict'
import fc from 'fast-check'
import { floorDiv, roundDiv } from '../../../src/fl/int-math.js'
import { getAggregationRule } from '../../../src/fl/rules/registry.js'

const code =
  (expected: string) =>
  (error: unknown): boolean =>
    (error as { code?: string }).code === expected
const u = (...values: number[]): Int32Array => Int32Array.from(values)

describe('integer rounding', () => {
  it('floorDiv and roundDiv agree with bigint arithmetic up to 2^52', () => {
    const big = fc.integer({ min: -(2 ** 50), max: 2 ** 50 })
    fc.assert(
      fc.property(big, fc.integer({ min: 1, max: 2 ** 30 }), (a, b) => {
        const A = BigInt(a)
        const B = BigInt(b)
        const floor = A / B - (A % B !== 0n && A < 0n ? 1n : 0n)
        assert.equal(BigInt(floorDiv(a, b)), floor)
        const n = 2n * A + B
        const d = 2n * B
        assert.equal(BigInt(roundDiv(a, b)), n / d - (n % d !== 0n && n < 0n ? 1n : 0n))
      }),
      { seed: 1, numRuns: 2000 },
    )
  })
  it('rounds halves towards +∞', () => {
    assert.equal(roundDiv(5, 2), 3)
    assert.equal(roundDiv(-5, 2), -2)
    assert.equal(roundDiv(-7, 2), -3)
  })
})

describe('aggregation rules (reference definitions)', () => {
  it('fedavg weights by sample count and rounds the mean exactly', () => {
    const result = getAggregationRule('fedavg').reference({ updates: [u(10, -3, 1), u(0, 0, 0)], weights: [3, 1] })
    assert.deepEqual(result.values, u(8, -2, 1)) // 30/4 = 7.5 → 8, -9/4 = -2.25 → -2, 3/4 → 1
  })
  it('fedavg rejects all-zero weights, weights over the cap and values over the range', () => {
    const rule = getAggregationRule('fedavg')
    assert.throws(() => rule.reference({ updates: [u(1)], weights: [0] }), code('FL_ZERO_WEIGHT'))
    assert.throws(() => rule.reference({ updates: [u(1)], weights: [4097] }), code('FL_WEIGHT_RANGE'))
    assert.throws(() => rule.reference({ updates: [u(1)], weights: [1.5] }), code('FL_WEIGHT_RANGE'))
    assert.throws(() => rule.reference({ updates: [u(32768)], weights: [1] }), code('FL_VALUE_RANGE'))
    assert.throws(() => rule.reference({ updates: [u(1), u(1, 2)], weights: [1, 1] }), code('FL_RULE_INPUT'))
    assert.throws(() => rule.reference({ updates: [], weights: [] }), code('FL_TOO_FEW_UPDATES'))
  })
  it('repfedavg scales weights by reputation per mille and ignores zero-reputation trainers', () => {
    const rule = getAggregationRule('repfedavg')
    const result = rule.reference({ updates: [u(100), u(-100)], weights: [10, 10], reputations: [1000, 0] })
    assert.deepEqual(result.values, u(100))
    assert.throws(() => rule.reference({ updates: [u(1)], weights: [1] }), code('FL_RULE_INPUT'))
  })
  it('median takes the middle value, and the rounded mean of the two middles for even K', () => {
    const rule = getAggregationRule('median')
    assert.deepEqual(rule.reference({ updates: [u(1), u(100), u(3)], weights: [1, 1, 1] }).values, u(3))
    assert.deepEqual(rule.reference({ updates: [u(1), u(4), u(-9), u(2)], weights: [1, 1, 1, 1] }).values, u(2)) // (1+2)/2 → 2
  })
  it('trimmed mean drops floor(K·β) values at each end', () => {
    const rule = getAggregationRule('trimmed:0.2')
    const updates = [u(-1000), u(1), u(2), u(3), u(1000)] // t = 1
    assert.deepEqual(rule.reference({ updates, weights: updates.map(() => 1) }).values, u(2))
  })
  it('krum picks an update from the honest cluster and multikrum averages the best m', () => {
    const updates = [u(10, 10), u(11, 9), u(9, 11), u(10, 12), u(-500, 800), u(900, -900)]
    const weights = updates.map(() => 1)
    const krum = getAggregationRule('krum:1').reference({ updates, weights })
    assert.ok(krum.selected![0]! < 4)
    const multi = getAggregationRule('multikrum:1:4').reference({ updates, weights })
    assert.deepEqual(multi.selected, [0, 1, 2, 3])
    assert.deepEqual(multi.values, u(10, 11)) // (10+11+9+10)/4 = 10, (10+9+11+12)/4 = 10.5 → 11
  })
  it('krum refuses fewer than 2f + 3 updates', () =>
    assert.throws(
      () => getAggregationRule('krum:2').reference({ updates: [u(1), u(2), u(3)], weights: [1, 1, 1] }),
      code('FL_TOO_FEW_UPDATES'),
    ))
  it('median refuses more updates than its exact range allows', () => {
    const updates = Array.from({ length: 256 }, () => u(0))
    assert.throws(() => getAggregationRule('median').reference({ updates, weights: updates.map(() => 1) }), code('FL_TOO_MANY_UPDATES'))
  })
})

describe('rule registry', () => {
  it('resolves names with parameters to canonical names', () => {
    assert.equal(getAggregationRule('trimmed:0.20').name, 'trimmed:0.2')
    assert.equal(getAggregationRule('trimmed').name, 'trimmed:0.2')
    assert.equal(getAggregationRule('krum:3').name, 'krum:3')
    assert.equal(getAggregationRule('multikrum:1:4').name, 'multikrum:1:4')
    assert.equal(getAggregationRule('fedprox').name, 'fedprox')
  })
  it('rejects unknown rules and bad parameters with typed errors', () => {
    assert.throws(() => getAggregationRule('fedsgd'), code('FL_UNKNOWN_RULE'))
    // Names of Object.prototype's members are unknown rules too, not a TypeError from a prototype lookup.
    for (const name of ['__proto__', 'toString', 'constructor', 'hasOwnProperty'])
      assert.throws(() => getAggregationRule(name), code('FL_UNKNOWN_RULE'))
    assert.throws(() => getAggregationRule('trimmed:0.5'), code('FL_RULE_PARAMS'))
    assert.throws(() => getAggregationRule('trimmed:1e-1'), code('FL_RULE_PARAMS'))
    assert.throws(() => getAggregationRule('krum:-1'), code('FL_RULE_PARAMS'))
    assert.throws(() => getAggregationRule('median:3'), code('FL_RULE_PARAMS'))
    assert.throws(() => getAggregationRule('multikrum:1:0'), code('FL_RULE_PARAMS'))
  })
  it('resolves nearest-neighbour mixing after a + to canonical names', () => {
    assert.equal(getAggregationRule('median+nnm').name, 'median+nnm')
    assert.equal(getAggregationRule('trimmed:0.30+nnm').name, 'trimmed:0.3+nnm')
    assert.equal(getAggregationRule('krum:2+nnm:01').name, 'krum:2+nnm:1')
    assert.equal(getAggregationRule('fedavg+nnm:3').name, 'fedavg+nnm:3')
  })
  it('rejects bad pre-aggregation specs with typed errors', () => {
    assert.throws(() => getAggregationRule('median+'), code('FL_RULE_PARAMS'))
    assert.throws(() => getAggregationRule('median+mix'), code('FL_RULE_PARAMS'))
    assert.throws(() => getAggregationRule('median+nnm+nnm'), code('FL_RULE_PARAMS'))
    assert.throws(() => getAggregationRule('median+nnm:-1'), code('FL_RULE_PARAMS'))
    assert.throws(() => getAggregationRule('median+nnm:1:2'), code('FL_RULE_PARAMS'))
    assert.throws(() => getAggregationRule('fedavg+nnm'), code('FL_RULE_PARAMS')) // no f of its own
    assert.throws(() => getAggregationRule('fedsgd+nnm'), code('FL_UNKNOWN_RULE'))
    assert.throws(() => getAggregationRule('trimmed:0.5+nnm'), code('FL_RULE_PARAMS'))
  })
  it("takes f for +nnm from the rule: ⌊(K−1)/2⌋ for median, ⌊βK⌋ for trimmed, Krum's f", () => {
    assert.equal(getAggregationRule('median').byzantineTolerance!(10), 4)
    assert.equal(getAggregationRule('trimmed:0.3').byzantineTolerance!(10), 3)
    assert.equal(getAggregationRule('krum').byzantineTolerance!(10), 3)
    assert.equal(getAggregationRule('krum:2').byzantineTolerance!(10), 2)
    assert.equal(getAggregationRule('multikrum:1:4').byzantineTolerance!(10), 1)
    assert.equal(getAggregationRule('fedavg').byzantineTolerance, undefined)
  })
})
