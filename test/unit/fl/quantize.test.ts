import assert from 'node:assert/strict'
import { SeededRandom } from '../../../src/fl/random.js'
import { CryptoNormal, dpEpsilon, privatizeUpdate } from '../../../src/fl/train/privacy.js'
import { applyAggregate, clipL2, computeDelta, l2Norm, quantize } from '../../../src/fl/update/quantize.js'

const code =
  (expected: string) =>
  (error: unknown): boolean =>
    (error as { code?: string }).code === expected

describe('update quantization', () => {
  const config = { scale: 4, maxAbs: 100, clipNorm: 10 }
  it('rounds stochastically without bias: the mean of many draws approaches δ·scale', () => {
    const delta = new Float32Array(20000).fill(0.3) // 1.2 steps: 1 with p 0.8, 2 with p 0.2
    const q = quantize(delta, config, new SeededRandom(1))
    const mean = q.reduce((a, b) => a + b, 0) / q.length
    assert.ok(Math.abs(mean - 1.2) < 0.02, `mean ${mean}`)
    assert.ok(q.every((v) => v === 1 || v === 2))
  })
  it('is reproducible for a seed and differs across seeds', () => {
    const delta = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i))
    assert.deepEqual(quantize(delta, config, new SeededRandom(5)), quantize(delta, config, new SeededRandom(5)))
    assert.notDeepEqual(quantize(delta, config, new SeededRandom(5)), quantize(delta, config, new SeededRandom(6)))
  })
  it('clamps to ±maxAbs and keeps exact integers exact', () => {
    assert.deepEqual(
      quantize(Float32Array.of(1000, -1000, 2, -2.5), config, new SeededRandom(1)).subarray(0, 3),
      Int32Array.of(100, -100, 8),
    )
  })
  it('rejects a non-integer scale', () =>
    assert.throws(() => quantize(new Float32Array(1), { ...config, scale: 1.5 }, new SeededRandom(1)), code('FL_INVALID_QUANTIZATION')))
  it('clips to the L2 bound and leaves smaller updates alone', () => {
    const big = Float32Array.of(30, 40)
    assert.equal(clipL2(big, 5), 50)
    assert.ok(Math.abs(l2Norm(big) - 5) < 1e-5)
    const small = Float32Array.of(3, 4)
    clipL2(small, 10)
    assert.deepEqual(small, Float32Array.of(3, 4))
  })
  it('computes deltas and applies aggregates on the same scale', () => {
    const global = Float32Array.of(1, 2)
    assert.deepEqual(computeDelta(Float32Array.of(1.5, 1), global), Float32Array.of(0.5, -1))
    assert.deepEqual(applyAggregate(global, Int32Array.of(2, -4), 4), Float32Array.of(1.5, 1))
    assert.throws(() => computeDelta(new Float32Array(1), global), code('FL_PARAMETER_LENGTH'))
  })
})

describe('differential privacy at the trainer', () => {
  it('clips then adds noise of standard deviation z·C', () => {
    const delta = new Float32Array(40000).fill(1)
    privatizeUpdate(delta, { clipNorm: 2, noiseMultiplier: 1.5 }, new SeededRandom(3))
    const clipped = 2 / Math.sqrt(40000)
    const mean = delta.reduce((a, b) => a + b, 0) / delta.length
    const sd = Math.sqrt(delta.reduce((a, b) => a + (b - mean) ** 2, 0) / delta.length)
    assert.ok(Math.abs(mean - clipped) < 0.05)
    assert.ok(Math.abs(sd - 3) < 0.05, `sd ${sd}`)
  })
  it('draws CSPRNG noise (CryptoNormal): standard normal, different in every source', () => {
    const draw = (source: CryptoNormal) => Float64Array.from({ length: 40000 }, () => source.normal())
    const a = draw(new CryptoNormal())
    const mean = a.reduce((s, v) => s + v, 0) / a.length
    const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length)
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(sd - 1) < 0.03, `mean ${mean} sd ${sd}`)
    assert.ok(a.filter((v) => Math.abs(v) > 3).length < 0.01 * a.length, 'tails of a normal')
    const b = draw(new CryptoNormal())
    assert.ok(a.some((v, i) => v !== b[i]))
    const delta = new Float32Array(40000).fill(1)
    privatizeUpdate(delta, { clipNorm: 2, noiseMultiplier: 1.5 }, new CryptoNormal())
    const noisySd = Math.sqrt(delta.reduce((s, v) => s + (v - 0.01) ** 2, 0) / delta.length)
    assert.ok(Math.abs(noisySd - 3) < 0.06, `sd ${noisySd}`)
  })
  it('accounts ε by zCDP: grows with rounds, shrinks with noise', () => {
    const one = dpEpsilon(1, 1, 1e-5)
    assert.ok(Math.abs(one - (0.5 + 2 * Math.sqrt(0.5 * Math.log(1e5)))) < 1e-12)
    assert.ok(dpEpsilon(1, 20, 1e-5) > one)
    assert.ok(dpEpsilon(4, 20, 1e-5) < dpEpsilon(1, 20, 1e-5))
    assert.throws(() => dpEpsilon(0, 1, 1e-5), code('FL_INVALID_TRAINING_CONFIG'))
  })
})
