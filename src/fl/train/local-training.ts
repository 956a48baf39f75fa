import { FlError } from '../errors.js'
import type { Dataset } from '../data/dataset.js'
import type { TrainableNetwork } from '../model/network.js'
import { tf } from '../model/tf.js'
import { permutation, SeededRandom } from '../random.js'

/** Local minibatch SGD, as a trainer runs it each round. */
export interface TrainingConfig {
  readonly epochs: number
  readonly batchSize: number
  readonly learningRate: number
  /** Heavy-ball momentum; its buffer starts at zero every call (every round). */
  readonly momentum: number
  /** L2 penalty (wd/2)·‖θ‖², i.e. coupled weight decay as in torch.optim.SGD. */
  readonly weightDecay: number
  /** FedProx proximal term (μ/2)·‖θ − θ_global‖² (Li et al. 2020); 0 for FedAvg. */
  readonly proxMu: number
  /** Seeds the batch order, so a run is reproducible. */
  readonly seed: number
}

export const DEFAULT_TRAINING: TrainingConfig = {
  epochs: 1,
  batchSize: 32,
  learningRate: 0.05,
  momentum: 0.9,
  weightDecay: 0,
  proxMu: 0,
  seed: 1,
}

export interface TrainingResult {
  readonly parameters: Float32Array
  /** Mean minibatch loss (cross-entropy + penalties) of the last epoch. */
  readonly lastEpochLoss: number
  readonly steps: number
}

function checkConfig(config: TrainingConfig): void {
  const bad = (field: string, value: unknown): never => {
    throw new FlError('FL_INVALID_TRAINING_CONFIG', `invalid ${field}`, { field, value: String(value) })
  }
  if (!Number.isInteger(config.epochs) || config.epochs < 0) bad('epochs', config.epochs)
  if (!Number.isInteger(config.batchSize) || config.batchSize < 1) bad('batchSize', config.batchSize)
  if (!(config.learningRate > 0)) bad('learningRate', config.learningRate)
  if (!(config.momentum >= 0 && config.momentum < 1)) bad('momentum', config.momentum)
  if (!(config.weightDecay >= 0)) bad('weightDecay', config.weightDecay)
  if (!(config.proxMu >= 0)) bad('proxMu', config.proxMu)
}

/**
 * Trains `network` from `start` on `data` and returns the new flat parameters. Batches are
 * drawn by our seeded shuffle and fed one by one (tfjs `fit` shuffles with Math.random);
 * gradients come from tfjs autodiff on the wasm backend (conv2d's filter gradient from
 * model/wasm-grad-kernels.ts).
 */
export function trainLocal(network: TrainableNetwork, data: Dataset, start: Float32Array, config: TrainingConfig): TrainingResult {
  checkConfig(config)
  if (data.count === 0) throw new FlError('FL_INVALID_DATASET', 'no training rows', { reason: 'empty' })
  network.setParameters(start)
  const vars = network.variables
  const anchors = config.proxMu > 0 ? vars.map((v) => tf.keep(v.clone())) : []
  const optimizer = config.momentum > 0 ? tf.train.momentum(config.learningRate, config.momentum) : tf.train.sgd(config.learningRate)
  const random = new SeededRandom(config.seed)
  const { featureSize, batchSize } =
    config.batchSize > data.count ? { ...data, batchSize: data.count } : { ...data, batchSize: config.batchSize }
  const xBuffer = new Float32Array(batchSize * featureSize)
  const yBuffer = new Int32Array(batchSize)
  let steps = 0
  let lastEpochLoss = Number.NaN
  try {
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      const order = permutation(data.count, random)
      let lossSum = 0
      let batches = 0
      // the last partial batch is dropped: fixed-size batches keep one compiled shape
      for (let b0 = 0; b0 + batchSize <= data.count; b0 += batchSize) {
        for (let r = 0; r < batchSize; r++) {
          const row = order[b0 + r]!
          xBuffer.set(data.features.subarray(row * featureSize, (row + 1) * featureSize), r * featureSize)
          yBuffer[r] = data.labels[row]!
        }
        const loss = tf.tidy(() => {
          const x = tf.tensor2d(xBuffer, [batchSize, featureSize])
          const y = tf.oneHot(tf.tensor1d(yBuffer, 'int32'), data.classes)
          return optimizer.minimize(
            () => {
              let total = tf.losses.softmaxCrossEntropy(y, network.logits(x)) as tf.Scalar
              if (config.weightDecay > 0)
                total = tf.add(total, tf.mul(config.weightDecay / 2, tf.addN(vars.map((v) => tf.sum(tf.square(v)))))) as tf.Scalar
              if (config.proxMu > 0)
                total = tf.add(
                  total,
                  tf.mul(config.proxMu / 2, tf.addN(vars.map((v, i) => tf.sum(tf.square(tf.sub(v, anchors[i]!)))))),
                ) as tf.Scalar
              return total
            },
            true,
            vars,
          ) as tf.Scalar
        })
        lossSum += loss.dataSync()[0]!
        loss.dispose()
        batches++
        steps++
      }
      lastEpochLoss = batches > 0 ? lossSum / batches : Number.NaN
    }
    return { parameters: network.getParameters(), lastEpochLoss, steps }
  } finally {
    optimizer.dispose()
    for (const anchor of anchors) anchor.dispose()
  }
}
