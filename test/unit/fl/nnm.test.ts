import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { KernelBackend } from '../../../src/fl/kernels/backend.js'
import { pairwiseDistancesOnKernel, planDistances } from '../../../src/fl/kernels/pairwise-distance.js'
import { pairwiseDistancesReference } from '../../../src/fl/rules/krum-selection.js'
import { mixReference, nearestNeighbours } from '../../../src/fl/rules/nearest-neighbour-mixing.js'
import { getAggregationRule } from '../../../src/fl/rules/registry.js'
import type { AggregationInput } from '../../../src/fl/rules/types.js'
import { weightedMeanOnKernel } from '../../../src/fl/rules/weighted-mean.js'
import { useKernelBackends } from './support/kernel-backends.js'

const MAX_ABS = 32767
const code =
  (expected: string) =>
  (error: unknown): boolean =>
    (error as { code?: string }).code === expected
const u = (...values: number[]): Int32Array => Int32Array.from(values)

/**
 * Two kinds of input: values over the whole range (plus edges), and tiny values in few
 * coordinates, where many pairs lie at the same distance so the tie-break decides the neighbours.
 */
function inputArbitrary(maxK: number, maxN: number): fc.Arbitrary<AggregationInput> {
  const wide = fc.oneof(fc.integer({ min: -MAX_ABS, max: MAX_ABS }), fc.constantFrom(-MAX_ABS, MAX_ABS, 0, -1, 1, 255, -256))
  const narrow = fc.integer({ min: -2, max: 2 })
  return fc
    .record({ k: fc.integer({ min: 1, max: maxK }), n: fc.integer({ min: 1, max: maxN }), tied: fc.boolean() })
    .chain(({ k, n, tied }) =>
      fc.record({
        updates: fc.array(
          fc
            .array(tied ? narrow : wide, { minLength: tied ? Math.min(n, 3) : n, maxLength: tied ? Math.min(n, 3) : n })
            .map((v) => Int32Array.from(v)),
          { minLength: k, maxLength: k },
        ),
        weights: fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: k, maxLength: k }),
      }),
    )
}

/** The kernel composition of NNM with the neighbour choice swapped out (for planted bugs). */
async function mixWith(
  backend: KernelBackend,
  updates: readonly Int32Array[],
  keep: number,
  choose: (d: bigint[][], keep: number) => number[][],
): Promise<Int32Array[]> {
  const distances = await pairwiseDistancesOnKernel(backend, updates, MAX_ABS, planDistances(updates.length, updates[0]!.length, MAX_ABS))
  const mixed: Int32Array[] = []
  for (const n of choose(distances, keep))
    mixed.push(
      await weightedMeanOnKernel(
        backend,
        n.map((i) => updates[i]!),
        n.map(() => 1),
        MAX_ABS,
        1,
      ),
    )
  return mixed
}

describe('nearest-neighbour mixing (+nnm)', function () {
  this.timeout(60_000)
  const { modes, backends } = useKernelBackends()

  it('replaces each update by the rounded mean of its K − f nearest, itself included', () => {
    const updates = [u(0, 0), u(2, 0), u(3, 1), u(100, 100), u(-100, 50)]
    // f = 2, keep 3: 0 → {0,1,2}, 1 → {0,1,2}, 2 → {0,1,2}, 3 → {2,1,3}, 4 → {0,1,4}
    assert.deepEqual(mixReference(updates, 3, MAX_ABS), [u(2, 0), u(2, 0), u(2, 0), u(35, 34), u(-33, 17)]) // 5/3 → 2, 1/3 → 0, 105/3, 101/3 → 34, -98/3 → -33, 50/3 → 17
  })

  it('breaks distance ties by the lower index', () => {
    // 1 and 2 are both at squared distance 1 from 0; with room for one neighbour besides 0 itself, 1 wins
    const distances = pairwiseDistancesReference([u(0), u(1), u(-1)], MAX_ABS)
    assert.deepEqual(nearestNeighbours(distances, 2), [
      [0, 1],
      [0, 1],
      [0, 2],
    ])
  })

  it('brings the median within the honest values that three colluding sign-flippers would shift', () => {
    // 7 honest values spread around 10 and 3 attackers far below: the plain median shifts 3 ranks down
    const honest = [4, 7, 9, 10, 11, 13, 16]
    const updates = [...honest, -40, -40, -40].map((v) => u(v))
    const input = { updates, weights: updates.map(() => 1) }
    const plain = getAggregationRule('median').reference(input).values[0]!
    const mixed = getAggregationRule('median+nnm:3').reference(input).values[0]!
    assert.equal(plain, 8) // ranks 4 and 5 of 10: (7 + 9) / 2
    assert.equal(mixed, 10) // every honest update mixes to the honest mean 70/7; the median of 7×10 and 3×−13 is 10
  })

  for (const name of ['median+nnm', 'trimmed:0.3+nnm', 'krum+nnm', 'multikrum+nnm', 'median+nnm:1']) {
    it(`${name}: fast and every gpu.js backend give the reference's bits`, async () => {
      const rule = getAggregationRule(name)
      await fc.assert(
        fc.asyncProperty(inputArbitrary(9, 60), async (input) => {
          let expected
          try {
            expected = rule.reference(input)
          } catch (error) {
            const same = code((error as { code: string }).code)
            assert.throws(() => rule.fast(input), same)
            for (const mode of modes) await assert.rejects(rule.kernel(input, backends.get(mode)!), same)
            return
          }
          assert.deepEqual(rule.fast(input), expected, 'fast differs')
          for (const mode of modes) assert.deepEqual(await rule.kernel(input, backends.get(mode)!), expected, `${mode} differs`)
        }),
        { numRuns: 15, seed: 21 },
      )
    })
  }

  const plantedBugs: [string, (d: bigint[][], keep: number) => number[][]][] = [
    // ties go to the higher index
    [
      'ties broken towards the higher index',
      (d, keep) =>
        d.map((row) =>
          row
            .map((_, j) => j)
            .sort((x, y) => (row[x]! < row[y]! ? -1 : row[x]! > row[y]! ? 1 : y - x))
            .slice(0, keep),
        ),
    ],
    ['K − f + 1 neighbours', (d, keep) => nearestNeighbours(d, keep + 1)],
  ]
  for (const [bug, choose] of plantedBugs) {
    it(`catches a planted bug: ${bug}`, async () => {
      const rule = getAggregationRule('median')
      for (const mode of modes) {
        const result = await fc.check(
          fc.asyncProperty(inputArbitrary(9, 60), async (input) => {
            const k = input.updates.length
            const keep = k - Math.floor((k - 1) / 2)
            const expected = getAggregationRule('median+nnm').reference(input)
            const actual = rule.reference({ ...input, updates: await mixWith(backends.get(mode)!, input.updates, keep, choose) })
            assert.deepEqual(actual, expected)
          }),
          { numRuns: 40, seed: 5 },
        )
        assert.equal(result.failed, true, `${mode}: the comparison must detect the wrong neighbour choice`)
      }
    })
  }

  it('passes the same comparison with the right neighbour choice (the planted-bug harness is sound)', async () => {
    for (const mode of modes) {
      await fc.assert(
        fc.asyncProperty(inputArbitrary(9, 60), async (input) => {
          const k = input.updates.length
          const keep = k - Math.floor((k - 1) / 2)
          const mixed = await mixWith(backends.get(mode)!, input.updates, keep, nearestNeighbours)
          assert.deepEqual(
            getAggregationRule('median').reference({ ...input, updates: mixed }),
            getAggregationRule('median+nnm').reference(input),
          )
        }),
        { numRuns: 10, seed: 5 },
      )
    }
  })

  it('refuses f with 2f ≥ K, and values outside the range on every path', async () => {
    const updates = [u(1), u(2), u(3), u(4)]
    const input = { updates, weights: [1, 1, 1, 1] }
    assert.throws(() => getAggregationRule('median+nnm:2').reference(input), code('FL_TOO_FEW_UPDATES'))
    const bad = { updates: [u(1), u(40000), u(3)], weights: [1, 1, 1] }
    const rule = getAggregationRule('trimmed:0.3+nnm')
    assert.throws(() => rule.reference(bad), code('FL_VALUE_RANGE'))
    assert.throws(() => rule.fast(bad), code('FL_VALUE_RANGE'))
    await assert.rejects(rule.kernel(bad, backends.get('cpu')!), code('FL_VALUE_RANGE'))
  })
})
