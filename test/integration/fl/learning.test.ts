import assert from 'node:assert/strict'
import { mnistSplit, runSimulation } from '../../../src/fl/sim/simulation.js'
import { parseAttackSpec } from '../../../src/fl/sim/attacks.js'
import { ensureTfBackend } from '../../../src/fl/model/tf.js'
import { Network } from '../../../src/fl/model/network.js'
import { initialParameters } from '../../../src/fl/model/init.js'
import { mlpSpec, smallCnnSpec } from '../../../src/fl/model/spec.js'
import { DEFAULT_TRAINING, trainLocal } from '../../../src/fl/train/local-training.js'
import { parseLearningRateSchedule } from '../../../src/fl/train/lr-schedule.js'
import { evaluate } from '../../../src/fl/train/evaluate.js'
import { subset } from '../../../src/fl/data/dataset.js'

/** Small but real: 3 trainers on 1,500 MNIST digits, scored on 500 held-out digits. */
const small = { trainers: 3, rounds: 2, partition: { kind: 'iid' } as const, seed: 1, trainRows: 1500, testRows: 500 }

describe('federated learning on MNIST (smoke)', function () {
  this.timeout(120_000)

  it('fedavg rises far above chance within two rounds, through blobs and validation', async () => {
    const result = await runSimulation({ ...small, rule: 'fedavg' })
    assert.equal(result.rounds.length, 2)
    assert.ok(result.final.accuracy > 0.75, `accuracy ${result.final.accuracy}`)
  })

  it('is reproducible: the same seed gives the same accuracy and loss every round', async () => {
    const a = await runSimulation({ ...small, rounds: 1, rule: 'median' })
    const b = await runSimulation({ ...small, rounds: 1, rule: 'median' })
    assert.deepEqual(
      a.rounds.map((r) => [r.accuracy, r.loss]),
      b.rounds.map((r) => [r.accuracy, r.loss]),
    )
  })

  it('gives the same model whether the rule runs on the reference or a gpu.js backend', async () => {
    const reference = await runSimulation({ ...small, rounds: 1, rule: 'trimmed:0.2', trainers: 5 })
    const webasm = await runSimulation({ ...small, rounds: 1, rule: 'trimmed:0.2', trainers: 5, backend: 'webasm' })
    assert.deepEqual(
      webasm.rounds.map((r) => r.loss),
      reference.rounds.map((r) => r.loss),
    )
  })

  it('median resists boosted sign-flip attackers that wreck fedavg', async () => {
    const config = { ...small, trainers: 5, rounds: 2, attackers: { fraction: 0.4, attack: parseAttackSpec('signflip') } }
    const robust = await runSimulation({ ...config, rule: 'median' })
    const plain = await runSimulation({ ...config, rule: 'fedavg' })
    assert.ok(robust.final.accuracy > 0.7, `median ${robust.final.accuracy}`)
    assert.ok(plain.final.accuracy < robust.final.accuracy - 0.2, `fedavg ${plain.final.accuracy} vs median ${robust.final.accuracy}`)
  })

  it('runs with trainer momentum and with server-side norm clipping', async () => {
    const config = { ...small, rounds: 2, rule: 'median', attackers: { fraction: 0.34, attack: parseAttackSpec('signflip') } }
    const momentum = await runSimulation({ ...config, trainerMomentum: 0.5 })
    const clipped = await runSimulation({ ...config, serverNormClip: true })
    assert.ok(momentum.final.accuracy > 0.6, `trainer momentum ${momentum.final.accuracy}`)
    assert.ok(clipped.final.accuracy > 0.6, `server clip ${clipped.final.accuracy}`)
    await assert.rejects(
      runSimulation({ ...config, trainerMomentum: 1 }),
      (e: { code?: string }) => e.code === 'FL_INVALID_TRAINING_CONFIG',
    )
  })

  it('applies the learning-rate schedule to the trainers: round 1 as constant, later rounds differ', async () => {
    const config = { ...small, rounds: 2, rule: 'fedavg' }
    const constant = await runSimulation(config)
    const stepped = await runSimulation({ ...config, lrSchedule: parseLearningRateSchedule('step:1:0.1') })
    assert.equal(stepped.rounds[0]!.loss, constant.rounds[0]!.loss)
    assert.notEqual(stepped.rounds[1]!.loss, constant.rounds[1]!.loss)
    assert.ok(stepped.final.accuracy > 0.6, `step schedule ${stepped.final.accuracy}`)
  })

  it('trains the FedProx objective; evaluates and trains a small CNN on wasm', async () => {
    await ensureTfBackend()
    const { train, test } = mnistSplit(600, 200)
    const proxed = await runSimulation({ ...small, rounds: 1, rule: 'fedprox', trainRows: 600, testRows: 200, training: { proxMu: 0.1 } })
    assert.ok(proxed.final.accuracy > 0.3)
    const cnn = new Network(smallCnnSpec())
    try {
      const start = initialParameters(smallCnnSpec(), 1)
      const before = evaluate(cnn, start, test)
      assert.ok(Number.isFinite(before.loss) && before.accuracy < 0.5)
      const digits = subset(
        train,
        Array.from({ length: 32 }, (_, i) => i),
      )
      const trained = trainLocal(cnn, digits, start, { ...DEFAULT_TRAINING, epochs: 3, seed: 1 })
      assert.ok(evaluate(cnn, trained.parameters, digits).loss < evaluate(cnn, start, digits).loss)
    } finally {
      cnn.dispose()
    }
  })

  it('local training is deterministic for a seed', async () => {
    await ensureTfBackend()
    const { train } = mnistSplit(256, 10)
    const spec = mlpSpec([784, 32, 10])
    const network = new Network(spec)
    try {
      const start = initialParameters(spec, 3)
      const a = trainLocal(network, train, start, { ...DEFAULT_TRAINING, seed: 9, weightDecay: 1e-4 })
      const b = trainLocal(network, train, start, { ...DEFAULT_TRAINING, seed: 9, weightDecay: 1e-4 })
      assert.deepEqual(a.parameters, b.parameters)
    } finally {
      network.dispose()
    }
  })
})
