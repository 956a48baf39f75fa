import assert from 'node:assert/strict'
import fc from 'fast-check'
import { MAX_ARGUMENT_ELEMENTS, MAX_PARTIAL_SUM } from '../../../src/fl/kernels/limits.js'
import { pairwiseDistancesOnKernel, planDistances } from '../../../src/fl/kernels/pairwise-distance.js'
import { planRankSum, rankSumOnKernel } from '../../../src/fl/kernels/rank-sum.js'
import { planWeightedSum, weightedSumOnKernel, type WeightedSumPlan } from '../../../src/fl/kernels/weighted-sum.js'
import { pairwiseDistancesReference } from '../../../src/fl/rules/krum-selection.js'
import { getAggregationRule } from '../../../src/fl/rules/registry.js'
import type { AggregationInput } from '../../../src/fl/rules/types.js'
import { useKernelBackends } from './support/kernel-backends.js'

const MAX_ABS = 32767
const MAX_WEIGHT = 4096

/** K updates × N coordinates, values over the whole declared range plus edge values. */
function inputArbitrary(maxK: number, maxN: number): fc.Arbitrary<AggregationInput> {
  const value = fc.oneof(fc.integer({ min: -MAX_ABS, max: MAX_ABS }), fc.constantFrom(-MAX_ABS, MAX_ABS, 0, -1, 1, 255, -256))
  return fc.record({ k: fc.integer({ min: 1, max: maxK }), n: fc.integer({ min: 1, max: maxN }) }).chain(({ k, n }) =>
    fc.record({
      updates: fc.array(
        fc.array(value, { minLength: n, maxLength: n }).map((v) => Int32Array.from(v)),
        { minLength: k, maxLength: k },
      ),
      weights: fc.array(fc.oneof(fc.integer({ min: 1, max: MAX_WEIGHT }), fc.constant(MAX_WEIGHT)), { minLength: k, maxLength: k }),
      reputations: fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: k, maxLength: k }),
    }),
  )
}

/** Some updates repeated: ties exercise the median's and Krum's tie-breaking. */
function withDuplicates(input: AggregationInput): AggregationInput {
  const updates = input.updates.map((u, i) => (i % 3 === 2 ? input.updates[i - 1]!.slice() : u))
  return { ...input, updates }
}

const sumsEqual = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((v, i) => v === b[i])

function exactWeightedSum(updates: readonly Int32Array[], weights: readonly number[]): Float64Array {
  const out = new Float64Array(updates[0]!.length)
  updates.forEach((u, k) => u.forEach((v, i) => (out[i]! += weights[k]! * v)))
  return out
}

describe('fl kernels', function () {
  this.timeout(120_000)
  const { modes, backends } = useKernelBackends()

  it('finds the cpu and webasm backends on this machine and never fails on webgpu detection', () => {
    assert.ok(modes.includes('cpu'))
    assert.ok(modes.includes('webasm'))
  })

  it('plans tiles whose arguments stay ≤ 2^24 elements and partial sums < 2^24', () => {
    for (const [k, n] of [
      [10, 1e5],
      [50, 1e7],
      [255, 2 ** 28],
    ] as const) {
      const w = planWeightedSum(MAX_ABS, MAX_WEIGHT, k, n)
      assert.ok(w.updatesPerTile * w.coordsPerTile <= MAX_ARGUMENT_ELEMENTS)
      assert.ok(w.updatesPerTile * Math.max(w.base - 1, Math.ceil(MAX_ABS / w.base)) * MAX_WEIGHT <= MAX_PARTIAL_SUM)
      const r = planRankSum(k, n, MAX_ABS)
      assert.ok(k * r.coordsPerTile <= MAX_ARGUMENT_ELEMENTS && k * MAX_ABS <= MAX_PARTIAL_SUM)
      const d = planDistances(k, n, MAX_ABS)
      assert.ok(k * d.coordsPerTile <= MAX_ARGUMENT_ELEMENTS)
      assert.ok(Math.ceil(d.coordsPerTile / d.chunk) * ((k * (k - 1)) / 2) * 3 <= MAX_ARGUMENT_ELEMENTS)
      assert.ok(d.chunk * 256 * 256 <= MAX_PARTIAL_SUM + 1)
    }
  })

  for (const name of ['fedavg', 'repfedavg', 'median', 'trimmed:0.2', 'krum', 'multikrum']) {
    it(`${name}: gpu.js gives the reference's bits on every available backend`, async () => {
      const rule = getAggregationRule(name)
      await fc.assert(
        fc.asyncProperty(inputArbitrary(12, 400), fc.boolean(), async (raw, dup) => {
          const input = dup ? withDuplicates(raw) : raw
          const expected = rule.reference(input)
          for (const mode of modes) {
            const actual = await rule.kernel(input, backends.get(mode)!)
            assert.deepEqual(actual.values, expected.values, `${mode} differs`)
            assert.deepEqual(actual.selected, expected.selected, `${mode} selected differently`)
          }
        }),
        { numRuns: 40, seed: 42 },
      )
    })
  }

  it('weighted sums stay exact across many small tiles (tile combining on the CPU)', async () => {
    await fc.assert(
      fc.asyncProperty(inputArbitrary(40, 150), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 64 }), async (input, kt, nt) => {
        const expected = exactWeightedSum(input.updates, input.weights)
        for (const mode of modes) {
          const plan = { base: 256, updatesPerTile: Math.min(kt, input.updates.length), coordsPerTile: nt }
          assert.ok(sumsEqual(await weightedSumOnKernel(backends.get(mode)!, input.updates, input.weights, MAX_ABS, plan), expected), mode)
        }
      }),
      { numRuns: 30, seed: 7 },
    )
  })

  it('rank sums and distances stay exact across small tiles and chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        inputArbitrary(8, 120),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 255 }),
        async (input, nt, chunk) => {
          const k = input.updates.length
          const distances = pairwiseDistancesReference(input.updates, MAX_ABS)
          for (const mode of modes) {
            const backend = backends.get(mode)!
            const sums = await rankSumOnKernel(backend, input.updates, 0, k - 1, MAX_ABS, { coordsPerTile: nt })
            assert.ok(
              sumsEqual(
                sums,
                exactWeightedSum(
                  input.updates,
                  input.updates.map(() => 1),
                ),
              ),
              `${mode} rank sum`,
            )
            assert.deepEqual(
              await pairwiseDistancesOnKernel(backend, input.updates, MAX_ABS, { chunk, coordsPerTile: nt }),
              distances,
              `${mode} distances`,
            )
          }
        },
      ),
      { numRuns: 30, seed: 11 },
    )
  })

  it('catches a planted bug: a kernel without limbs or K tiling lets float32 partial sums pass 2^24', async () => {
    for (const mode of modes) {
      const result = await fc.check(
        fc.asyncProperty(inputArbitrary(12, 50), async (input) => {
          // the bug: one tile over all K and no limb split, so Σ w·q reaches ~2^31 in float32
          const naive: WeightedSumPlan = { base: 1, updatesPerTile: input.updates.length, coordsPerTile: input.updates[0]!.length }
          const sums = await weightedSumOnKernel(backends.get(mode)!, input.updates, input.weights, MAX_ABS, naive)
          assert.ok(sumsEqual(sums, exactWeightedSum(input.updates, input.weights)))
        }),
        { numRuns: 50, seed: 3 },
      )
      assert.equal(result.failed, true, `${mode}: the comparison must detect the inexact kernel`)
    }
  })

  it('rejects values outside the declared range on the kernel path too', async () => {
    const rule = getAggregationRule('fedavg')
    const input = { updates: [Int32Array.of(1, 2), Int32Array.of(3, 40000)], weights: [1, 1] }
    await assert.rejects(rule.kernel(input, backends.get('cpu')!), (e: { code?: string }) => e.code === 'FL_VALUE_RANGE')
  })
})
