import { createRequire } from 'node:module'
import { permutation, SeededRandom } from '../random.js'
import { subset, type Dataset } from './dataset.js'

/** The fixed seed of Fedra's MNIST split: everyone's train/test sets are the same rows. */
export const MNIST_SPLIT_SEED = 20240601
export const MNIST_TRAIN_SIZE = 8000
export const MNIST_TEST_SIZE = 2000

let cached: Dataset | undefined
/**
 * All 10,000 digits of the `mnist` package (28×28 grey levels in [0, 1]), in class order. The
 * package's own API draws with Math.random, so the per-digit JSON files are read directly.
 */
export function loadMnistAll(): Dataset {
  if (cached !== undefined) return cached
  const require = createRequire(import.meta.url)
  const perDigit = Array.from({ length: 10 }, (_, d) => (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data)
  const count = perDigit.reduce((n, raw) => n + raw.length / 784, 0)
  const features = new Float32Array(count * 784)
  const labels = new Uint8Array(count)
  let row = 0
  perDigit.forEach((raw, digit) => {
    features.set(raw, row * 784)
    labels.fill(digit, row, row + raw.length / 784)
    row += raw.length / 784
  })
  cached = { features, labels, count, featureSize: 784, classes: 10 }
  return cached
}

/** The fixed seeded split: 8,000 training and 2,000 test digits. */
export function loadMnist(): { train: Dataset; test: Dataset } {
  const all = loadMnistAll()
  const order = permutation(all.count, new SeededRandom(MNIST_SPLIT_SEED))
  return {
    train: subset(all, order.subarray(0, MNIST_TRAIN_SIZE)),
    test: subset(all, order.subarray(MNIST_TRAIN_SIZE, MNIST_TRAIN_SIZE + MNIST_TEST_SIZE)),
  }
}
