import assert from 'node:assert/strict'
import { loadMnist } from '../../../src/fl/data/mnist.js'
import { type Dataset, subset } from '../../../src/fl/data/dataset.js'
import { initialParameters } from '../../../src/fl/model/init.js'
import { AdapterNetwork, adapterFactors, baseTensors, disposeFactors, initialAdapter, mergeAdapter } from '../../../src/fl/model/lora.js'
import { Network, forwardLogits } from '../../../src/fl/model/network.js'
import { type ModelSpec, adapterLayout, baseSpecOf, mlpSpec, parseModelSpec, trainableSize } from '../../../src/fl/model/spec.js'
import { ensureTfBackend, tf } from '../../../src/fl/model/tf.js'
import { evaluate } from '../../../src/fl/train/evaluate.js'
import { DEFAULT_TRAINING, trainLocal } from '../../../src/fl/train/local-training.js'
import { SeededRandom } from '../../../src/fl/random.js'
import { DEVNET_MODELS } from '../../../src/devnet/training.js'

const code =
  (expected: string) =>
  (error: unknown): boolean =>
    (error as { code?: string }).code === expected
const withAdapter = (spec: ModelSpec, rank: number, layers = [0, 1], alpha = 2 * rank): ModelSpec => ({
  ...spec,
  adapter: { base: { subnet: '0', version: '3' }, rank, alpha, layers, seed: 7 },
})

function randomVector(n: number, seed: number, amplitude = 0.1): Float32Array {
  const random = new SeededRandom(seed)
  return Float32Array.from({ length: n }, () => (2 * random.next() - 1) * amplitude)
}

describe('LoRA adapters: layout', () => {
  it('an adapter of rank r on the devnet MLP has r·(in + units) parameters per adapted layer', () => {
    const spec = withAdapter(DEVNET_MODELS.mlp.spec(), 4)
    const layout = adapterLayout(spec)
    assert.equal(layout.size, 4 * (784 + 200) + 4 * (200 + 10))
    assert.equal(trainableSize(spec), 4776)
    assert.equal(layout.base.size, 159_010)
    assert.deepEqual(
      layout.slots.map((s) => [s.layer, s.kind, s.shape.join('x'), s.offset]),
      [
        [0, 'lora_a', '4x784', 0],
        [0, 'lora_b', '200x4', 3136],
        [1, 'lora_a', '4x200', 3936],
        [1, 'lora_b', '10x4', 4736],
      ],
    )
    assert.equal(trainableSize(DEVNET_MODELS.mlp.spec()), 159_010)
  })
  it('rejects bad adapter declarations with typed errors naming the layer', () => {
    const mlp = mlpSpec([20, 8, 3])
    assert.throws(() => adapterLayout(mlp), code('FL_INVALID_MODEL_SPEC'))
    assert.throws(
      () => adapterLayout(withAdapter(mlp, 9, [0])),
      (e: { code: string; context: { layer?: number } }) => e.code === 'FL_INVALID_MODEL_SPEC' && e.context.layer === 0,
    )
    assert.throws(() => adapterLayout(withAdapter(mlp, 2, [1, 0])), code('FL_INVALID_MODEL_SPEC'))
    assert.throws(() => adapterLayout(withAdapter(mlp, 2, [2])), code('FL_INVALID_MODEL_SPEC'))
    assert.throws(() => adapterLayout(withAdapter(mlp, 0, [0])), code('FL_INVALID_MODEL_SPEC'))
    assert.throws(
      () => adapterLayout({ ...withAdapter(mlp, 2), adapter: { ...withAdapter(mlp, 2).adapter!, alpha: 0.5 } }),
      code('FL_INVALID_MODEL_SPEC'),
    )
    assert.throws(
      () => adapterLayout({ ...withAdapter(mlp, 2), adapter: { ...withAdapter(mlp, 2).adapter!, base: { subnet: 'x', version: '0' } } }),
      code('FL_INVALID_MODEL_SPEC'),
    )
    const cnn = {
      inputShape: [8, 8, 1],
      layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'flatten' }, { type: 'dense', units: 3 }],
    } as ModelSpec
    assert.throws(
      () => adapterLayout(withAdapter(cnn, 1, [0])),
      (e: { context: { layer?: number } }) => e.context.layer === 0,
    )
    assert.equal(adapterLayout(withAdapter(cnn, 1, [2])).size, 128 + 3)
    assert.throws(() => parseModelSpec(JSON.stringify(withAdapter(mlp, 9, [0]))), code('FL_INVALID_MODEL_SPEC'))
    assert.deepEqual(parseModelSpec(JSON.stringify(withAdapter(mlp, 2))), withAdapter(mlp, 2))
  })
  it('the initial adapter is seeded and has B = 0, so merging it gives the base exactly', () => {
    const spec = withAdapter(mlpSpec([20, 8, 3]), 2)
    const a = initialAdapter(spec)
    assert.deepEqual(a, initialAdapter(spec))
    const layout = adapterLayout(spec)
    for (const slot of layout.slots) {
      const values = a.subarray(slot.offset, slot.offset + slot.size)
      if (slot.kind === 'lora_b') assert.ok(values.every((v) => v === 0))
      else assert.ok(values.some((v) => v !== 0) && values.every((v) => Math.abs(v) <= 1 / Math.sqrt(slot.shape[1])))
    }
    const base = initialParameters(baseSpecOf(spec), 3)
    assert.deepEqual(mergeAdapter(spec, base, a), base)
  })
  it('merge rejects vectors of the wrong length', () => {
    const spec = withAdapter(mlpSpec([20, 8, 3]), 2)
    const base = initialParameters(baseSpecOf(spec), 3)
    assert.throws(() => mergeAdapter(spec, base.subarray(1), initialAdapter(spec)), code('FL_PARAMETER_LENGTH'))
    assert.throws(() => mergeAdapter(spec, base, new Float32Array(3)), code('FL_PARAMETER_LENGTH'))
  })
})

describe('LoRA adapters: forward passes and training', function () {
  this.timeout(120_000)
  before(() => ensureTfBackend())

  it('merged and unmerged forward passes agree within float tolerance', () => {
    const spec = withAdapter(DEVNET_MODELS.mlp.spec(), 8)
    const base = initialParameters(baseSpecOf(spec), 11)
    const adapter = randomVector(adapterLayout(spec).size, 5, 0.2)
    const merged = mergeAdapter(spec, base, adapter)
    const x = tf.tensor2d(randomVector(16 * 784, 9, 1), [16, 784])
    const full = new Network(baseSpecOf(spec))
    full.setParameters(merged)
    const expected = full.logits(x).dataSync() as Float32Array
    const weights = baseTensors(spec, base)
    const factors = adapterFactors(spec, adapter)
    const unmerged = forwardLogits(baseSpecOf(spec), weights, x, factors).dataSync() as Float32Array
    const bare = forwardLogits(baseSpecOf(spec), weights, x).dataSync() as Float32Array
    let worst = 0
    let moved = 0
    for (let i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i]! - unmerged[i]!) / (1 + Math.abs(expected[i]!)))
      moved = Math.max(moved, Math.abs(expected[i]! - bare[i]!))
    }
    assert.ok(worst < 1e-4, `relative gap ${worst}`)
    assert.ok(moved > 0.1, 'the adapter changes the output (else the comparison proves nothing)')
    const network = new AdapterNetwork(spec, base)
    network.setParameters(adapter)
    const viaNetwork = network.logits(x).dataSync() as Float32Array
    for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(expected[i]! - viaNetwork[i]!) < 1e-3)
    for (const t of weights) t.dispose()
    disposeFactors(factors)
    full.dispose()
    network.dispose()
    x.dispose()
  })

  it('training an adapter on label-shifted MNIST digits lifts accuracy there, with the base frozen', () => {
    const { train, test } = loadMnist()
    const baseSpec = DEVNET_MODELS.mlp.spec()
    const full = new Network(baseSpec)
    const config = { ...DEFAULT_TRAINING, epochs: 1, seed: 3 }
    const base = trainLocal(
      full,
      subset(
        train,
        Array.from({ length: 3000 }, (_, i) => i),
      ),
      initialParameters(baseSpec, 1),
      config,
    ).parameters
    const shift = (data: Dataset): Dataset => ({ ...data, labels: data.labels.map((l) => (l + 1) % 10) })
    const shiftedTrain = shift(
      subset(
        train,
        Array.from({ length: 2000 }, (_, i) => 3000 + i),
      ),
    )
    const shiftedTest = shift(
      subset(
        test,
        Array.from({ length: 1000 }, (_, i) => i),
      ),
    )
    const spec = withAdapter(baseSpec, 8, [0, 1], 16)
    const network = new AdapterNetwork(spec, base)
    const start = initialAdapter(spec)
    const before = evaluate(network, start, shiftedTest).accuracy
    const trained = trainLocal(network, shiftedTrain, start, { ...config, epochs: 2, learningRate: 0.01 })
    const after = evaluate(network, trained.parameters, shiftedTest).accuracy
    assert.equal(trained.parameters.length, 8 * (784 + 200) + 8 * (200 + 10))
    assert.ok(before < 0.2, `the base scores ${before} on shifted labels`)
    assert.ok(after > before + 0.4, `adapter accuracy ${after} vs ${before} before`)
    assert.deepEqual(network.baseParameters(), base, 'the base did not move')
    // the merged model scores what the unmerged adapter scores
    const mergedAccuracy = evaluate(full, mergeAdapter(spec, base, trained.parameters), shiftedTest).accuracy
    assert.ok(Math.abs(mergedAccuracy - after) <= 0.002, `merged ${mergedAccuracy} vs ${after}`)
    network.dispose()
    full.dispose()
  })
})
