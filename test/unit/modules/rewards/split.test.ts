import assert from 'node:assert/strict'
import { isHarmful, largestRemainder, qualityOf, splitPool } from '../../../../src/modules/rewards/index.js'
import { Dec } from '../../../../src/state/index.js'

const key = (byte: number): Uint8Array => new Uint8Array(20).fill(byte)
const claims = (...weights: bigint[]) => weights.map((weight, i) => ({ key: key(i + 1), weight }))

/** A seeded xorshift, so the property test is the same every run. */
function rng(seed: number): () => number {
  let x = seed
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
}

describe('rewards split: integer apportionment, remainders assigned deterministically', () => {
  it('pays exactly the total in proportion to the weights when the quotients are whole', () => {
    assert.deepEqual(largestRemainder(1000n, claims(1n, 3n, 4n)), [125n, 375n, 500n])
  })

  it('gives the units the floors leave to the largest remainders', () => {
    // 10 × (1, 1, 1) / 3 = 3.33 each: one unit left, remainders tie, the lowest key takes it.
    assert.deepEqual(largestRemainder(10n, claims(1n, 1n, 1n)), [4n, 3n, 3n])
    // 10 × (2, 3, 5) / 10 whole; 11 × (2, 3, 5) / 10 = 2.2, 3.3, 5.5: the 5.5 takes the unit.
    assert.deepEqual(largestRemainder(11n, claims(2n, 3n, 5n)), [2n, 3n, 6n])
  })

  it('breaks ties by address bytes, not by the order of the claims', () => {
    const reversed = [
      { key: key(9), weight: 1n },
      { key: key(2), weight: 1n },
    ]
    assert.deepEqual(largestRemainder(3n, reversed), [1n, 2n])
  })

  it('gives a zero weight nothing, even a remainder unit', () => {
    assert.deepEqual(
      largestRemainder(5n, [
        { key: key(1), weight: 0n },
        { key: key(2), weight: 1n },
        { key: key(3), weight: 1n },
      ]),
      [0n, 3n, 2n],
    )
  })

  it('owes nothing when every weight is 0 (the caller keeps the total)', () => {
    assert.deepEqual(largestRemainder(7n, claims(0n, 0n)), [0n, 0n])
    assert.deepEqual(largestRemainder(0n, claims(1n, 2n)), [0n, 0n])
  })

  it('refuses a negative total or weight', () => {
    assert.throws(() => largestRemainder(-1n, claims(1n)), /negative total/)
    assert.throws(() => largestRemainder(1n, claims(-1n)), /negative weight/)
  })

  it('for 500 random cases, sums to the total and keeps every amount within one unit of its exact quota', () => {
    const next = rng(21)
    for (let n = 0; n < 500; n++) {
      const count = 1 + Math.floor(next() * 12)
      const weights = Array.from({ length: count }, () => BigInt(Math.floor(next() * 3)) * BigInt(Math.floor(next() * 1e12)))
      const total = BigInt(Math.floor(next() * 1e9))
      const amounts = largestRemainder(total, claims(...weights))
      const sum = weights.reduce((a, b) => a + b, 0n)
      if (sum === 0n) {
        assert.ok(amounts.every((a) => a === 0n))
        continue
      }
      assert.equal(
        amounts.reduce((a, b) => a + b, 0n),
        total,
        `case ${n}`,
      )
      amounts.forEach((a, i) => {
        const floor = (total * weights[i]!) / sum
        assert.ok(a === floor || a === floor + 1n, `case ${n} claim ${i}: ${a} vs quota floor ${floor}`)
      })
    }
  })

  it('splits a pool into ⌊available × share⌋ parts, leaving the truncation dust', () => {
    const split = { trainers: Dec.parse('0.7'), aggregator: Dec.parse('0.1'), scorers: Dec.parse('0.15'), data: Dec.parse('0.05') }
    assert.deepEqual(splitPool(10_000_000n, split), { trainers: 7_000_000n, aggregator: 1_000_000n, scorers: 1_500_000n, data: 500_000n })
    const parts = splitPool(19n, split)
    assert.deepEqual(parts, { trainers: 13n, aggregator: 1n, scorers: 2n, data: 0n })
    assert.equal(19n - (parts.trainers + parts.aggregator + parts.scorers + parts.data), 3n, 'fewer than 4 units stay in the pool')
  })

  it('calls a trainer harmful when its quality C·K lies below the threshold in a round the validators scored', () => {
    const threshold = Dec.parse('0.02')
    assert.equal(qualityOf(Dec.parse('0.004'), 4).toString(), '0.016')
    assert.equal(isHarmful(Dec.parse('0.004'), 4, true, threshold), true)
    assert.equal(isHarmful(Dec.parse('0.005'), 4, true, threshold), false, '0.02 itself is not below')
    assert.equal(isHarmful(Dec.ZERO, 4, false, threshold), false, 'nobody is harmful when no score counted')
    assert.equal(isHarmful(Dec.ZERO, 4, true, Dec.ZERO), false, 'a zero threshold slashes nobody')
  })
})
