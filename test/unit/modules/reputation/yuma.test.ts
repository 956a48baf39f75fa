import assert from 'node:assert/strict'
import { SeededRandom } from '../../../../src/fl/random.js'
import { normalize, weightedMedian, yuma, type YumaRow } from '../../../../src/modules/reputation/index.js'
import { Dec } from '../../../../src/state/index.js'

const d = (text: string) => Dec.parse(text)
const PARAMS = { kappa: d('0.5'), bondMovingAverage: d('0.9') }
const zeros = (k: number) => Array.from({ length: k }, () => Dec.ZERO)
const row = (stake: bigint, scores: number[] | null, bonds?: Dec[]): YumaRow => ({
  stake,
  scores,
  bonds: bonds ?? zeros((scores ?? []).length),
})
const sum = (xs: Dec[]) => xs.reduce((a, b) => a.add(b), Dec.ZERO)
const ONE = Dec.ONE.raw

/**
 * A round for the minority property: honest validators hold more than 2/3 of the stake,
 * attackers (possibly more of them than honest ones) the rest; trainer `target` is attacked.
 */
interface Scenario {
  stakes: bigint[]
  honest: number
  trainers: number
  target: number
  /** Rows 0..honest-1 honest, the rest attackers. */
  scores: number[][]
}

function scenario(random: SeededRandom, attack: 'inflate' | 'deflate', noise: boolean): Scenario {
  const trainers = 2 + random.int(6)
  const honest = 2 + random.int(4)
  const attackers = 1 + random.int(6)
  const honestStakes = Array.from({ length: honest }, () => BigInt(1 + random.int(1_000_000)))
  const honestTotal = honestStakes.reduce((a, b) => a + b, 0n)
  // Attackers together hold a < T/3, i.e. a < H/2: split (H/2 − 1) · f among them, f ∈ (0, 1].
  const budget = (((honestTotal - 1n) / 2n) * BigInt(1 + random.int(1000))) / 1000n
  const attackerStakes = Array.from({ length: attackers }, (_, i) =>
    i === 0 ? budget - (budget * BigInt(attackers - 1)) / BigInt(attackers) : budget / BigInt(attackers),
  )
  const base = Array.from({ length: trainers }, () => 1 + random.int(10_000))
  const target = random.int(trainers)
  const scores: number[][] = []
  for (let i = 0; i < honest; i++) scores.push(base.map((s) => (noise ? Math.max(0, s + random.int(2001) - 1000) : s)))
  for (let i = 0; i < attackers; i++) {
    scores.push(
      base.map((s, j) => (j === target ? (attack === 'inflate' ? 4_000_000_000 : 0) : attack === 'inflate' ? 0 : s * (1 + random.int(50)))),
    )
  }
  return { stakes: [...honestStakes, ...attackerStakes], honest, trainers, target, scores }
}

/** What a consensus function returns: one consensus weight per trainer. */
type ConsensusOf = (stakes: bigint[], scores: number[][], kappa: Dec) => Dec[]

const yumaConsensus: ConsensusOf = (stakes, scores) =>
  yuma(
    stakes.map((s, i) => row(s, scores[i]!)),
    scores[0]!.length,
    PARAMS,
  ).consensus

/** The planted bug: a median that counts validators, not stake. */
const unweightedConsensus: ConsensusOf = (stakes, scores, kappa) => {
  const weights = scores.map((r) => normalize(r.map(BigInt)))
  return scores[0]!.map((_, j) =>
    weightedMedian(
      stakes.map(() => 1n),
      weights.map((w) => w[j]!),
      kappa,
    ),
  )
}

/** The honest validators' weight on `target` at stake quantile θ: the largest w that honest validators holding ≥ θ of honest stake give. */
function honestQuantile(s: Scenario, theta: Dec): Dec {
  const weights = s.scores.slice(0, s.honest).map((r) => normalize(r.map(BigInt))[s.target]!)
  return weightedMedian(s.stakes.slice(0, s.honest), weights, theta)
}

/** Searches seeded scenarios for one where `consensusOf` lets the minority move the target past the honest bound; null if none. */
function minorityCounterexample(
  consensusOf: ConsensusOf,
  attack: 'inflate' | 'deflate',
  noise: boolean,
  cases = 300,
  seed = 7,
): Scenario | null {
  const random = new SeededRandom(seed)
  for (let n = 0; n < cases; n++) {
    const s = scenario(random, attack, noise)
    const total = s.stakes.reduce((a, b) => a + b, 0n)
    const attackerStake = s.stakes.slice(s.honest).reduce((a, b) => a + b, 0n)
    assert.ok(3n * attackerStake < total, 'the scenario keeps attackers below 1/3 of stake')
    const c = consensusOf(s.stakes, s.scores, PARAMS.kappa)[s.target]!
    // Agreeing honest validators: the bound is their one weight (the honest median). Noisy ones:
    // a minority a < T/3 with κ = 1/2 can move it at most to the honest quartiles (docs/reputation.md).
    const bound = honestQuantile(s, noise ? (attack === 'inflate' ? d('0.25') : d('0.75')) : PARAMS.kappa)
    if (attack === 'inflate' ? c.gt(bound) : c.lt(bound)) return s
  }
  return null
}

describe('reputation Yuma consensus (pure)', () => {
  it('takes the stake-weighted median at κ: the largest value that validators with at least κ of the stake give', () => {
    const values = [d('0.1'), d('0.2'), d('0.3'), d('0.4')]
    assert.equal(weightedMedian([10n, 20n, 30n, 40n], values, d('0.5')).toString(), '0.3')
    assert.equal(weightedMedian([10n, 20n, 30n, 40n], values, d('0.4')).toString(), '0.4', 'exactly κ of the stake at 0.4 suffices')
    assert.equal(weightedMedian([10n, 20n, 30n, 40n], values, d('1')).toString(), '0.1')
    assert.equal(weightedMedian([50n, 50n], [d('0.2'), d('0.2')], d('0.5')).toString(), '0.2', 'a tie counts all its stake')
    assert.equal(weightedMedian([0n, 0n], values.slice(0, 2), d('0.5')).toString(), '0', 'no stake, no consensus')
  })

  it('gives agreeing validators the whole consensus, full trust and equal-stake dividends', () => {
    const result = yuma([row(100n, [1, 2, 1]), row(100n, [1, 2, 1]), row(100n, [2, 4, 2])], 3, PARAMS)
    assert.deepEqual(result.consensus.map(String), ['0.25', '0.5', '0.25'])
    assert.deepEqual(result.trust.map(String), ['1', '1', '1'])
    assert.deepEqual(result.incentive.map(String), ['0.25', '0.5', '0.25'])
    assert.equal(result.totalStake, 300n)
    for (const dividend of result.dividends) {
      const off = dividend.sub(d('0.333333333333333333')).raw
      assert.ok(off > -10n && off < 10n, `equal stakes, equal dividends up to truncation: ${dividend}`)
    }
  })

  it("clips an outlier to consensus: its trust falls below 1 and its dividend below the agreeing validators'", () => {
    const result = yuma([row(100n, [1, 1]), row(100n, [1, 1]), row(50n, [9, 1])], 2, PARAMS)
    assert.deepEqual(result.consensus.map(String), ['0.5', '0.5'])
    assert.equal(result.trust[0]!.toString(), '1')
    assert.equal(result.trust[2]!.toString(), '0.6', 'weights 0.9 and 0.1, clipped to 0.5 and 0.1')
    const perStake = (i: number, stake: bigint) => result.dividends[i]!.raw / stake
    assert.ok(perStake(2, 50n) < perStake(0, 100n), 'the outlier earns less per unit of stake')
  })

  it('gives a row that does not count (no reveal, or a mismatch) zero dividends, while its old bonds decay by β', () => {
    const bonds = [d('0.5'), d('0.5')]
    const result = yuma([row(100n, [1, 1], bonds), row(100n, null, bonds)], 2, PARAMS)
    assert.equal(result.dividends[1]!.toString(), '0')
    assert.equal(result.dividends[0]!.toString(), '1')
    assert.equal(result.trust[1]!.toString(), '0')
    // EMA: counted 0.9·0.5 + 0.1·1 = 0.55, the other 0.9·0.5 = 0.45; columns sum to 1 already.
    assert.deepEqual(
      result.bonds.map((b) => b.map(String)),
      [
        ['0.55', '0.55'],
        ['0.45', '0.45'],
      ],
    )
  })

  it('pays the validator that agreed early more than a newcomer of equal stake (bonds as an EMA)', () => {
    const first = yuma([row(100n, [3, 1])], 2, PARAMS)
    assert.deepEqual(first.bonds[0]!.map(String), ['1', '1'], 'a first round normalizes the bond delta to the whole column')
    const second = yuma([row(100n, [3, 1], first.bonds[0]), row(100n, [3, 1])], 2, PARAMS)
    assert.ok(second.dividends[0]!.gt(second.dividends[1]!))
    assert.ok(sum(second.dividends).lte(Dec.ONE))
  })

  it('is the same for any order of rows, and keeps every share in [0, 1] with normalized sums ≤ 1', () => {
    const random = new SeededRandom(11)
    for (let n = 0; n < 50; n++) {
      const k = 1 + random.int(6)
      const rows = Array.from({ length: 1 + random.int(6) }, () =>
        row(
          BigInt(random.int(1_000_000)),
          random.next() < 0.2 ? null : Array.from({ length: k }, () => random.int(1000)),
          zeros(k).map(() => Dec.fromRaw((BigInt(random.int(1000)) * (ONE / 1000n)) / 7n)),
        ),
      )
      const result = yuma(rows, k, PARAMS)
      const reversed = yuma([...rows].reverse(), k, PARAMS)
      assert.deepEqual(reversed.consensus.map(String), result.consensus.map(String))
      assert.deepEqual([...reversed.dividends].reverse().map(String), result.dividends.map(String))
      assert.deepEqual(
        [...reversed.bonds].reverse().map((b) => b.map(String)),
        result.bonds.map((b) => b.map(String)),
      )
      for (const share of [...result.consensus, ...result.trust, ...result.incentive, ...result.dividends, ...result.bonds.flat()])
        assert.ok(!share.isNegative() && share.lte(Dec.ONE))
      assert.ok(sum(result.dividends).lte(Dec.ONE) && sum(result.incentive).lte(Dec.ONE))
      for (let j = 0; j < k; j++) assert.ok(sum(result.bonds.map((b) => b[j]!)).lte(Dec.ONE))
    }
  })

  describe('a minority below 1/3 of stake', () => {
    it('inflating one trainer cannot raise its consensus score above the honest median (random stakes and scores, seeded)', () => {
      assert.equal(minorityCounterexample(yumaConsensus, 'inflate', false), null)
    })

    it('deflating one trainer cannot lower its consensus score below the honest median', () => {
      assert.equal(minorityCounterexample(yumaConsensus, 'deflate', false), null)
    })

    it('cannot move it out of the honest stake quartiles when honest validators disagree', () => {
      assert.equal(minorityCounterexample(yumaConsensus, 'inflate', true), null)
      assert.equal(minorityCounterexample(yumaConsensus, 'deflate', true), null)
    })

    it('is not vacuous: attackers holding κ of the stake do set the consensus score', () => {
      const result = yuma([row(50n, [1, 1]), row(50n, [9, 1])], 2, PARAMS)
      assert.equal(result.consensus[0]!.toString(), '0.9', 'half the stake at 0.9 meets κ = 0.5')
    })

    it('catches a planted bug: a median that counts validators instead of stake fails the property', () => {
      const counterexample = minorityCounterexample(unweightedConsensus, 'inflate', false)
      assert.ok(counterexample !== null, 'the property test finds a case where many small attackers win')
      assert.ok(
        counterexample.scores.length - counterexample.honest >= counterexample.honest,
        'there the attackers are at least as many as the honest validators',
      )
    })
  })
})
