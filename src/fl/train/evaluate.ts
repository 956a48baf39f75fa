import type { Dataset } from '../data/dataset.js'
import type { TrainableNetwork } from '../model/network.js'
import { tf } from '../model/tf.js'

export interface Evaluation {
  /** Mean softmax cross-entropy. */
  readonly loss: number
  /** Fraction of rows whose arg-max logit is the label. */
  readonly accuracy: number
  readonly count: number
}

/** Loss and accuracy of `parameters` on `data` (the scorer's and the simulator's metric). */
export function evaluate(network: TrainableNetwork, parameters: Float32Array, data: Dataset, batchSize = 1000): Evaluation {
  network.setParameters(parameters)
  let lossSum = 0
  let correct = 0
  for (let b0 = 0; b0 < data.count; b0 += batchSize) {
    const n = Math.min(batchSize, data.count - b0)
    const [loss, predictions] = tf.tidy(() => {
      const x = tf.tensor2d(data.features.subarray(b0 * data.featureSize, (b0 + n) * data.featureSize), [n, data.featureSize])
      const labels = tf.tensor1d(Int32Array.from(data.labels.subarray(b0, b0 + n)), 'int32')
      const logits = network.logits(x)
      const l = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, data.classes), logits, undefined, undefined, tf.Reduction.SUM)
      return [l.dataSync()[0]!, tf.argMax(logits, 1).dataSync() as Int32Array] as const
    })
    lossSum += loss
    for (let i = 0; i < n; i++) if (predictions[i] === data.labels[b0 + i]) correct++
  }
  return { loss: lossSum / data.count, accuracy: correct / data.count, count: data.count }
}
