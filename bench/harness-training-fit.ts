/**
 * The training bench's raw baseline: the same architecture as a Fedra ModelSpec, built with
 * tf.layers and trained by `model.fit` — plain tfjs-wasm, none of Fedra's code. Imported by
 * bench/training.ts, and run as a worker thread (workerData { role: 'raw-fit' }) for the
 * two-workers baseline.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { parameterLayout, type ModelSpec } from '../src/fl/model/spec.js'
import { ensureTfBackend, tf } from '../src/fl/model/tf.js'
import { permutation, SeededRandom } from '../src/fl/random.js'

export interface RawFitSetup {
  readonly spec: ModelSpec
  readonly start: Float32Array
  readonly features: Float32Array
  readonly labels: Uint8Array
  readonly count: number
  readonly classes: number
  readonly batchSize: number
  readonly learningRate: number
  readonly momentum: number
  readonly seed: number
}

/** A tf.sequential of `spec` (stride-1 'same' convolutions, pools with stride = size, zeros-initialised: no Math.random) holding `start`. */
export function rawModel(spec: ModelSpec, start: Float32Array): tf.Sequential {
  const model = tf.sequential()
  spec.layers.forEach((layer, i) => {
    const first = i === 0 ? { inputShape: [...spec.inputShape] } : {}
    switch (layer.type) {
      case 'dense':
        model.add(tf.layers.dense({ units: layer.units, activation: layer.activation ?? 'linear', kernelInitializer: 'zeros', ...first }))
        break
      case 'conv2d':
        model.add(
          tf.layers.conv2d({
            filters: layer.filters,
            kernelSize: layer.kernelSize,
            strides: 1,
            padding: 'same',
            activation: layer.activation ?? 'linear',
            kernelInitializer: 'zeros',
            ...first,
          }),
        )
        break
      case 'maxpool2d':
        model.add(tf.layers.maxPooling2d({ poolSize: layer.poolSize, strides: layer.poolSize, padding: 'valid', ...first }))
        break
      case 'flatten':
        model.add(tf.layers.flatten(first))
        break
    }
  })
  // tf.layers orders each layer's weights kernel then bias, in TensorFlow's shapes: Fedra's canonical layout.
  const weights = parameterLayout(spec).slots.map((slot) =>
    tf.tensor(start.subarray(slot.offset, slot.offset + slot.size), [...slot.shape]),
  )
  model.setWeights(weights)
  tf.dispose(weights)
  return model
}

/** A compiled raw model with its epoch's tensors: rows permuted once by a seeded shuffle, so `fit` runs with shuffle: false (its own shuffle draws Math.random, and gathers every batch). */
export class RawFit {
  readonly #model: tf.Sequential
  readonly #x: tf.Tensor
  readonly #y: tf.Tensor
  readonly #setup: RawFitSetup

  constructor(setup: RawFitSetup) {
    this.#setup = setup
    this.#model = rawModel(setup.spec, setup.start)
    this.#model.compile({
      optimizer: tf.train.momentum(setup.learningRate, setup.momentum),
      loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
    })
    const featureSize = setup.features.length / setup.count
    const order = permutation(setup.count, new SeededRandom(setup.seed))
    const features = new Float32Array(setup.features.length)
    const labels = new Int32Array(setup.count)
    order.forEach((row, r) => {
      features.set(setup.features.subarray(row * featureSize, (row + 1) * featureSize), r * featureSize)
      labels[r] = setup.labels[row]!
    })
    this.#x = tf.tensor(features, [setup.count, ...setup.spec.inputShape])
    this.#y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), setup.classes), 'float32'))
  }

  get model(): tf.Sequential {
    return this.#model
  }

  /** One epoch of `model.fit(x, y, { batchSize, epochs: 1, shuffle: false })`; returns its last loss. */
  async epoch(): Promise<number> {
    const history = await this.#model.fit(this.#x, this.#y, { batchSize: this.#setup.batchSize, epochs: 1, shuffle: false, verbose: 0 })
    return history.history.loss![0] as number
  }
}

export type RawFitRequest = { readonly kind: 'setup'; readonly setup: RawFitSetup } | { readonly kind: 'epoch' }

const data = workerData as { role?: string } | null
if (parentPort !== null && data?.role === 'raw-fit') {
  const port = parentPort
  const ready = ensureTfBackend()
  let fit: RawFit | null = null
  let queue: Promise<void> = ready.then(() => port.postMessage({ kind: 'ready' }))
  port.on('message', (request: RawFitRequest) => {
    queue = queue.then(async () => {
      if (request.kind === 'setup') fit = new RawFit(request.setup)
      else port.postMessage({ kind: 'done', loss: await fit!.epoch() })
    })
  })
}
