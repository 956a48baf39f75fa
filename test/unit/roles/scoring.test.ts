import assert from 'node:assert/strict'
import { type Dataset, subset } from '../../../src/fl/data/dataset.js'
import { loadMnist } from '../../../src/fl/data/mnist.js'
import { initialParameters } from '../../../src/fl/model/init.js'
import { Network } from '../../../src/fl/model/network.js'
import { mlpSpec } from '../../../src/fl/model/spec.js'
import { ensureTfBackend } from '../../../src/fl/model/tf.js'
import { SeededRandom } from '../../../src/fl/random.js'
import { getAggregationRule } from '../../../src/fl/rules/registry.js'
import { REPUTATION_UNIT } from '../../../src/fl/rules/repfedavg.js'
import { DEFAULT_TRAINING, trainLocal } from '../../../src/fl/train/local-training.js'
import { clipL2, computeDelta, quantize } from '../../../src/fl/update/quantize.js'
import { modelOf } from '../../../src/modules/training/index.js'
import { encodeModel } from '../../../src/roles/model-codec.js'
import { type ScoredRound, type ScoringMethod, quantizeScore, scoreRound, seedFromBlockHash } from '../../../src/roles/scoring.js'
import { loadValidationSet, parseValidationSpec, validationUtility } from '../../../src/roles/validation-set.js'

/**
 * A tiny round: an MLP 784-16-10 trained for one epoch by five trainers on 120 MNIST digits each,
 * their deltas clipped and quantized as trainers do, plus a sign-flipping attacker (−4× its
 * honest update), scored on the last 300 training digits.
 */
describe('roles/scoring: loo, marginal and shapley on a tiny MNIST round', function () {
  this.timeout(120_000)
  const SCALE = 4096
  const quant = { scale: SCALE, maxAbs: 32767, clipNorm: 5 }
  let network: Network
  let validation: Dataset
  let honest: Int32Array[]
  let attacker: Int32Array
  let parent: ReturnType<typeof modelOf>

  before(async () => {
    await ensureTfBackend()
    const spec = mlpSpec([784, 16, 10])
    network = new Network(spec)
    const { train } = loadMnist()
    const start = initialParameters(spec, 7)
    const blob = encodeModel(start)
    parent = modelOf(blob, start.length, '')
    const base = new Float32Array(parent.values.length)
    for (let i = 0; i < base.length; i++) base[i] = parent.values[i]! / parent.scale
    const update = (rows: number, seed: number): Int32Array => {
      const data = subset(
        train,
        Array.from({ length: 120 }, (_, i) => rows + i),
      )
      const result = trainLocal(network, data, base, { ...DEFAULT_TRAINING, epochs: 1, learningRate: 0.05, seed })
      const delta = computeDelta(result.parameters, base)
      clipL2(delta, quant.clipNorm)
      return quantize(delta, quant, new SeededRandom(seed))
    }
    honest = Array.from({ length: 5 }, (_, t) => update(t * 120, t + 1))
    attacker = update(5 * 120, 99).map((v) => Math.max(-quant.maxAbs, Math.min(quant.maxAbs, -4 * v)))
    validation = loadValidationSet(parseValidationSpec('mnist:last:300'))
  })
  after(() => network.dispose())

  const round = (updates: Int32Array[], rule = 'fedavg'): ScoredRound => ({
    rule: getAggregationRule(rule),
    parent,
    updates,
    weights: updates.map(() => 120),
    roundScale: SCALE,
  })

  for (const method of ['loo', 'marginal', 'shapley'] as ScoringMethod[]) {
    it(`${method}: the sign-flipped update scores below every honest one`, () => {
      const result = scoreRound(round([...honest.slice(0, 3), attacker, ...honest.slice(3)]), validationUtility(network, validation), {
        method,
        budget: 40,
        seed: 5,
      })
      const attackerScore = result.scores[3]!
      const honestScores = result.scores.filter((_, i) => i !== 3)
      assert.equal(attackerScore, 0, `gains ${result.gains.map((g) => g.toFixed(5)).join(' ')}`)
      for (const s of honestScores) assert.ok(s > attackerScore, `scores ${result.scores.join(' ')}`)
    })
  }

  it('shapley: the same seed gives the same scores, within the evaluation budget', () => {
    const utility = validationUtility(network, validation)
    const updates = [...honest, attacker]
    const a = scoreRound(round(updates), utility, { method: 'shapley', budget: 20, seed: 12345 })
    const b = scoreRound(round(updates), utility, { method: 'shapley', budget: 20, seed: 12345 })
    assert.deepEqual(a.gains, b.gains)
    assert.deepEqual(a.scores, b.scores)
    assert.ok(a.evaluations <= 20 + updates.length - 1, `${a.evaluations} evaluations`)
  })

  it('loo: an update the rule leaves out of the aggregate (krum) gains exactly 0: a neutral score', () => {
    // Six updates, krum:1: the huge one is never the one Krum picks, with or without it.
    const outlier = honest[0]!.map((v) => Math.max(-32767, Math.min(32767, v * 50 + 3000)))
    const updates = [...honest, outlier]
    const rule = getAggregationRule('krum:1')
    const selected = rule.fast({ updates, weights: updates.map(() => 120), reputations: updates.map(() => REPUTATION_UNIT) }).selected
    assert.ok(selected !== undefined && !selected.includes(5))
    const result = scoreRound(round(updates, 'krum:1'), validationUtility(network, validation), { method: 'loo' })
    assert.equal(result.gains[5], 0)
    assert.equal(result.scores[5], quantizeScore(0))
  })

  it('values a coalition the rule refuses as the parent model', () => {
    // krum:1 needs more than 4 updates: without any one of these five, only the parent is left.
    const utility = (p: Float32Array) => p[0]!
    const result = scoreRound(round(honest, 'krum:1'), utility, { method: 'loo' })
    assert.equal(result.evaluations, 2) // v(N) and the parent, each once
    const gain = result.gains[0]!
    assert.ok(result.gains.every((g) => g === gain))
  })
})

describe('roles/scoring: quantization, seeds and the validation set', () => {
  it('quantizes gains to u32 millionths, harmful and useless ones to 0', () => {
    assert.equal(quantizeScore(0), 1_000_000, 'neutral: an equal share')
    assert.equal(quantizeScore(0.0123456), 1_246_912)
    assert.equal(quantizeScore(-0.025), 500_000)
    assert.equal(quantizeScore(-0.05), 0, 'a loss increase of HARM_RANGE: harmful')
    assert.equal(quantizeScore(-0.5), 0)
    assert.equal(quantizeScore(Number.NaN), 0)
    assert.equal(quantizeScore(1e9), 0xffff_ffff)
  })

  it('derives the shapley seed from every word of a block hash', () => {
    const hash = 'ab'.repeat(32)
    assert.equal(seedFromBlockHash(hash), seedFromBlockHash(hash.toUpperCase()))
    assert.notEqual(seedFromBlockHash(hash), seedFromBlockHash(`${'ab'.repeat(31)}ac`))
    assert.throws(() => seedFromBlockHash('abc'), /64 hex digits/)
  })

  it('takes the validation digits from the end of the training split, never the test split', () => {
    const { train, test } = loadMnist()
    const v = loadValidationSet(parseValidationSpec('mnist:last:50'))
    assert.equal(v.count, 50)
    assert.deepEqual(v.labels, train.labels.subarray(train.count - 50))
    assert.deepEqual(v.features.subarray(0, 784), train.features.subarray((train.count - 50) * 784, (train.count - 49) * 784))
    assert.notDeepEqual(v.features.subarray(0, 784 * 50), test.features.subarray(0, 784 * 50))
  })

  it('refuses validation specs it cannot read', () => {
    assert.throws(() => parseValidationSpec('mnist:test'), /mnist:last:N or a CSV file/)
    assert.throws(() => parseValidationSpec('mnist:last:8000'), /below the 8000 training digits/)
    assert.throws(() => loadValidationSet(parseValidationSpec('./missing.csv')), /cannot read .\/missing.csv: ENOENT/)
  })
})
