import assert from 'node:assert/strict'
import { subset, type Dataset } from '../../../src/fl/data/dataset.js'
import { loadMnist } from '../../../src/fl/data/mnist.js'
import { initialParameters } from '../../../src/fl/model/init.js'
import { Network } from '../../../src/fl/model/network.js'
import { mlpSpec, smallCnnSpec, type ModelSpec } from '../../../src/fl/model/spec.js'
import { ensureTfBackend, tf } from '../../../src/fl/model/tf.js'
import { DEFAULT_TRAINING, trainLocal, type TrainingConfig, type TrainingResult } from '../../../src/fl/train/local-training.js'
import { TrainingWorker, trainInWorker } from '../../../src/fl/train/training-worker.js'

const code =
  (expected: string) =>
  (error: unknown): boolean =>
    (error as { code?: string }).code === expected

/** Same floats bit for bit (Object.is: -0 ≠ 0, NaN = NaN), same loss, same steps. */
function assertIdentical(actual: TrainingResult, expected: TrainingResult): void {
  assert.equal(actual.parameters.length, expected.parameters.length)
  const first = actual.parameters.findIndex((v, i) => !Object.is(v, expected.parameters[i]))
  assert.equal(first, -1, `parameter ${first} differs: ${actual.parameters[first]} vs ${expected.parameters[first]}`)
  assert.ok(Object.is(actual.lastEpochLoss, expected.lastEpochLoss))
  assert.equal(actual.steps, expected.steps)
}

describe('training in a worker thread', function () {
  const mlp = mlpSpec([784, 200, 10])
  const cnn = smallCnnSpec()
  let rows: Dataset
  let worker: TrainingWorker
  // Momentum, weight decay and the proximal term all on: every term of the loop crosses the thread.
  const config: TrainingConfig = { ...DEFAULT_TRAINING, epochs: 2, momentum: 0.9, weightDecay: 1e-4, proxMu: 0.01, seed: 77 }

  /** trainLocal on this thread, on the wasm backend (another test file may have left tfjs on cpu). */
  async function onMainThread(spec: ModelSpec, data: Dataset, start: Float32Array, training: TrainingConfig): Promise<TrainingResult> {
    await ensureTfBackend()
    await tf.setBackend('wasm')
    const network = new Network(spec)
    try {
      return trainLocal(network, data, start, training)
    } finally {
      network.dispose()
    }
  }

  before(async function () {
    this.timeout(60_000)
    const { train } = loadMnist()
    rows = subset(
      train,
      Array.from({ length: 200 }, (_, i) => i),
    )
    worker = await TrainingWorker.start()
  })
  after(async () => {
    await worker?.close()
  })

  it('returns the MLP bit-identical to trainLocal on the main thread', async () => {
    const start = initialParameters(mlp, 3)
    assertIdentical(await worker.train({ spec: mlp, data: rows, start, config }), await onMainThread(mlp, rows, start, config))
  })

  it('returns the CNN bit-identical to trainLocal on the main thread, two models queued in one thread', async () => {
    const data = subset(
      rows,
      Array.from({ length: 96 }, (_, i) => i),
    )
    const cnnStart = initialParameters(cnn, 4)
    const mlpStart = initialParameters(mlp, 5)
    const cnnConfig = { ...config, epochs: 1 }
    const [fromCnn, fromMlp] = await Promise.all([
      worker.train({ spec: cnn, data, start: cnnStart, config: cnnConfig }),
      worker.train({ spec: mlp, data, start: mlpStart, config }),
    ])
    assertIdentical(fromCnn, await onMainThread(cnn, data, cnnStart, cnnConfig))
    assertIdentical(fromMlp, await onMainThread(mlp, data, mlpStart, config))
  })

  it('moves the buffers with transfer: true and still matches, a view onto a larger buffer copied', async () => {
    const start = initialParameters(mlp, 6)
    const expected = await onMainThread(mlp, rows, start, config)
    const wide = new Float32Array(start.length + 8)
    wide.set(start, 8)
    const view = wide.subarray(8)
    const moved = subset(
      rows,
      Array.from({ length: rows.count }, (_, i) => i),
    )
    const result = await worker.train({ spec: mlp, data: moved, start: view, config }, { transfer: true })
    assertIdentical(result, expected)
    assert.equal(moved.features.length, 0, 'the features buffer was moved to the thread')
    assert.equal(view.length, start.length, 'a view onto a larger buffer is copied, not detached')
  })

  it("reports a job's FlError with its code and context, and keeps serving", async () => {
    const start = initialParameters(mlp, 3)
    await assert.rejects(worker.train({ spec: mlp, data: rows, start, config: { ...config, batchSize: 0 } }), (error: unknown) => {
      assert.ok(code('FL_INVALID_TRAINING_CONFIG')(error))
      assert.deepEqual((error as { context: unknown }).context, { field: 'batchSize', value: '0' })
      return true
    })
    await assert.rejects(worker.train({ spec: mlp, data: rows, start: start.subarray(1), config }), code('FL_PARAMETER_LENGTH'))
    await assert.rejects(
      worker.train({ spec: { inputShape: [784], layers: [] }, data: rows, start, config }),
      code('FL_INVALID_MODEL_SPEC'),
    )
    assert.equal(
      (await worker.train({ spec: mlp, data: rows, start, config: { ...config, epochs: 1 } })).steps,
      Math.floor(rows.count / config.batchSize),
    )
  })

  it('trains one job in a thread of its own with trainInWorker', async () => {
    const start = initialParameters(mlp, 8)
    const single = { ...config, epochs: 1 }
    assertIdentical(await trainInWorker(mlp, rows, start, single), await onMainThread(mlp, rows, start, single))
  })

  it('rejects a pending job and later ones with TRAINING_WORKER_CLOSED once closed', async () => {
    const closing = await TrainingWorker.start()
    const pending = closing.train({ spec: mlp, data: rows, start: initialParameters(mlp, 3), config })
    await closing.close()
    await assert.rejects(pending, code('TRAINING_WORKER_CLOSED'))
    await assert.rejects(closing.train({ spec: mlp, data: rows, start: initialParameters(mlp, 3), config }), code('TRAINING_WORKER_CLOSED'))
    await closing.close()
  })

  it('reports a thread that dies as TRAINING_WORKER_CRASHED, without taking the process down', async () => {
    // A 4 MiB heap cannot even load tfjs: the thread runs out of memory and exits.
    await assert.rejects(
      TrainingWorker.start({ resourceLimits: { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 } }),
      (error: unknown) => {
        assert.ok(code('TRAINING_WORKER_CRASHED')(error))
        assert.match((error as { context: { reason: string } }).context.reason, /memory/i)
        return true
      },
    )
  })
})
