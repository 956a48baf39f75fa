import assert from 'node:assert/strict'
import type { Dataset } from '../../../src/fl/data/dataset.js'
import { initialParameters } from '../../../src/fl/model/init.js'
import { Network } from '../../../src/fl/model/network.js'
import { smallCnnSpec } from '../../../src/fl/model/spec.js'
import { tf } from '../../../src/fl/model/tf.js'
import { registerWasmGradientKernels } from '../../../src/fl/model/wasm-grad-kernels.js'
import { SeededRandom } from '../../../src/fl/random.js'
import { trainLocal } from '../../../src/fl/train/local-training.js'

type Backend = 'cpu' | 'wasm'
type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding

function randomArray(size: number, seed: number): Float32Array {
  const random = new SeededRandom(seed)
  return Float32Array.from({ length: size }, () => random.normal())
}

/** Runs `body` on `backend` with tensors made from plain arrays, and reads its result back. */
async function on(backend: Backend, body: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend)
  return tf.tidy(() => body().dataSync() as Float32Array)
}

/** Largest |a − b| relative to the largest |b| (the cpu reference), so one bound fits every shape. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length)
  let diff = 0
  let scale = 0
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!))
    scale = Math.max(scale, Math.abs(expected[i]!))
  }
  return diff / Math.max(scale, 1e-12)
}

// float32 sums of a few thousand terms in a different order: ~1e-6 relative; 1e-4 leaves margin
// while a wrong offset, stride or padding moves whole entries (relative error ~1).
const TOLERANCE = 1e-4

interface ConvCase {
  readonly name: string
  readonly x: [number, number, number, number]
  readonly filter: [number, number, number, number]
  readonly strides: [number, number]
  readonly pad: Pad
}

const CONV_CASES: readonly ConvCase[] = [
  { name: 'smallCnnSpec conv 1: 28×28×1, 5×5→8, stride 1, same', x: [2, 28, 28, 1], filter: [5, 5, 1, 8], strides: [1, 1], pad: 'same' },
  { name: 'smallCnnSpec conv 2: 14×14×8, 5×5→16, stride 1, same', x: [2, 14, 14, 8], filter: [5, 5, 8, 16], strides: [1, 1], pad: 'same' },
  { name: '9×7×3, 3×3→4, stride 1, valid', x: [3, 9, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid' },
  { name: '9×7×2, 3×3→5, stride 2, same (odd sizes)', x: [2, 9, 7, 2], filter: [3, 3, 2, 5], strides: [2, 2], pad: 'same' },
  {
    name: '8×8×2, 3×3→3, stride 2, valid (a trailing row and column unread)',
    x: [2, 8, 8, 2],
    filter: [3, 3, 2, 3],
    strides: [2, 2],
    pad: 'valid',
  },
  {
    name: '10×11×2, 4×2→3, strides [3, 2], same (asymmetric padding)',
    x: [2, 10, 11, 2],
    filter: [4, 2, 2, 3],
    strides: [3, 2],
    pad: 'same',
  },
  { name: '6×6×3, 1×1→2, stride 1, valid', x: [1, 6, 6, 3], filter: [1, 1, 3, 2], strides: [1, 1], pad: 'valid' },
  {
    name: '7×6×2, 3×3→2, stride 2, explicit padding',
    x: [2, 7, 6, 2],
    filter: [3, 3, 2, 2],
    strides: [2, 2],
    pad: [
      [0, 0],
      [2, 1],
      [0, 3],
      [0, 0],
    ],
  },
  {
    name: '6×7×2, 3×3→3, stride 1, explicit asymmetric padding',
    x: [2, 6, 7, 2],
    filter: [3, 3, 2, 3],
    strides: [1, 1],
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
  {
    name: '5×5×2, 3×3→2, stride 1, explicit padding as wide as the filter',
    x: [2, 5, 5, 2],
    filter: [3, 3, 2, 2],
    strides: [1, 1],
    pad: [
      [0, 0],
      [3, 0],
      [1, 3],
      [0, 0],
    ],
  },
]

function convOutShape(c: ConvCase): [number, number, number, number] {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape
}

describe('wasm gradient kernels', () => {
  before(async () => {
    await tf.setBackend('wasm')
    await tf.ready()
  })
  after(async () => {
    await tf.setBackend('wasm')
  })

  it('gives the wasm backend every kernel that smallCnnSpec’s backward pass runs', () => {
    for (const name of [tf.Conv2D, tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput, tf.MaxPool, tf.MaxPoolGrad, tf.Relu, tf.Step])
      assert.ok(tf.getKernel(name, 'wasm'), `${name} is registered for wasm`)
  })

  it('registers each kernel once, leaving the registry unchanged on a second call', () => {
    assert.deepEqual(registerWasmGradientKernels(), [])
  })

  it('frees the wasm memory of its intermediates (conv and max-pool gradients, stride 1 and 2)', async () => {
    await tf.setBackend('wasm')
    const x = tf.tensor4d(randomArray(4 * 9 * 7 * 3, 8), [4, 9, 7, 3])
    const w = tf.tensor4d(randomArray(3 * 3 * 3 * 4, 9), [3, 3, 3, 4])
    const step = (stride: number) =>
      tf.tidy(() => {
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.maxPool(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, 'same'), 2, 2, 'valid'))
        for (const g of tf.grads(f)([x, w])) g.dataSync()
      })
    step(1)
    step(2)
    const before = tf.engine().backend.numDataIds()
    for (let i = 0; i < 5; i++) {
      step(1)
      step(2)
    }
    assert.equal(tf.engine().backend.numDataIds(), before)
    x.dispose()
    w.dispose()
  })

  describe('Conv2DBackpropFilter (registered here) equals the cpu backend', () => {
    for (const c of CONV_CASES) {
      it(c.name, async () => {
        const x = randomArray(
          c.x.reduce((a, b) => a * b),
          1,
        )
        const outShape = convOutShape(c)
        const dy = randomArray(
          outShape.reduce((a, b) => a * b),
          2,
        )
        const run = () =>
          tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: tf.tensor4d(x, c.x), dy: tf.tensor4d(dy, outShape) }, {
            strides: c.strides,
            pad: c.pad,
            dataFormat: 'NHWC',
            filterShape: c.filter,
          } as unknown as tf.NamedAttrMap) as tf.Tensor
        const expected = await on('cpu', run)
        const actual = await on('wasm', run)
        assert.equal(
          actual.length,
          c.filter.reduce((a, b) => a * b),
        )
        assert.ok(relativeError(actual, expected) < TOLERANCE, `relative error ${relativeError(actual, expected)}`)
      })
    }
  })

  describe('conv2d gradients through tf.grads (both registered here; input: the backend’s own for strides > 1) equal the cpu backend', () => {
    for (const c of CONV_CASES) {
      it(c.name, async () => {
        const x = randomArray(
          c.x.reduce((a, b) => a * b),
          3,
        )
        const w = randomArray(
          c.filter.reduce((a, b) => a * b),
          4,
        )
        const dy = randomArray(
          convOutShape(c).reduce((a, b) => a * b),
          5,
        )
        const grads = (part: 0 | 1) => () => {
          const f = (xs: tf.Tensor, ws: tf.Tensor) => tf.conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, c.strides, c.pad)
          return tf.grads(f)([tf.tensor4d(x, c.x), tf.tensor4d(w, c.filter)], tf.tensor4d(dy, convOutShape(c)))[part]!
        }
        for (const part of [0, 1] as const) {
          const expected = await on('cpu', grads(part))
          const actual = await on('wasm', grads(part))
          assert.ok(
            relativeError(actual, expected) < TOLERANCE,
            `${part === 0 ? 'dx' : 'dw'} relative error ${relativeError(actual, expected)}`,
          )
        }
      })
    }
  })

  describe('pooling gradients (MaxPoolGrad registered here, AvgPoolGrad the backend’s own) equal the cpu backend', () => {
    const cases = [
      { name: 'max 2×2 stride 2 valid on 28×28×8 (smallCnnSpec)', shape: [2, 28, 28, 8], size: 2, stride: 2, pad: 'valid', max: true },
      {
        name: 'max 2×2 stride 2 valid on 7×7×3 (a row and column dropped)',
        shape: [2, 7, 7, 3],
        size: 2,
        stride: 2,
        pad: 'valid',
        max: true,
      },
      { name: 'max 3×3 stride 2 same on 9×8×2', shape: [2, 9, 8, 2], size: 3, stride: 2, pad: 'same', max: true },
      { name: 'average 2×2 stride 2 valid on 14×14×4', shape: [2, 14, 14, 4], size: 2, stride: 2, pad: 'valid', max: false },
    ] as const
    it('max: sends each window’s gradient to its maximum when the maximum is ≤ 0 (the backend’s own kernel does not)', async () => {
      // windows [-3 -2; -5 -6], [-1 -4; -7 -8], [1 -2; -1 -1], [-9 0; -1 -1]: maxima at -2, -1, 1, 0
      const x = [-3, -2, -1, -4, -5, -6, -7, -8, 1, -2, -9, 0, -1, -1, -1, -1]
      const run = () =>
        tf.grad((xs: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(xs as tf.Tensor4D, 2, 2, 'valid'), tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]))))(
          tf.tensor4d(x, [1, 4, 4, 1]),
        )
      assert.deepEqual(Array.from(await on('wasm', run)), [0, 1, 2, 0, 0, 0, 0, 0, 3, 0, 0, 4, 0, 0, 0, 0])
    })
    for (const c of cases) {
      it(c.name, async () => {
        const x = randomArray(
          c.shape.reduce((a, b) => a * b, 1),
          6,
        )
        const run = () =>
          tf.grad((xs: tf.Tensor) => {
            const pooled = c.max
              ? tf.maxPool(xs as tf.Tensor4D, c.size, c.stride, c.pad)
              : tf.avgPool(xs as tf.Tensor4D, c.size, c.stride, c.pad)
            return tf.sum(tf.mul(pooled, tf.range(1, pooled.size + 1).reshape(pooled.shape)))
          })(tf.tensor4d(x, [...c.shape]))
        assert.ok(relativeError(await on('wasm', run), await on('cpu', run)) < TOLERANCE)
      })
    }
  })

  describe('smallCnnSpec on wasm', () => {
    const spec = smallCnnSpec()
    const batch = 8
    const random = new SeededRandom(7)
    const data: Dataset = {
      features: Float32Array.from({ length: batch * 784 }, () => random.next()),
      labels: Uint8Array.from({ length: batch }, (_, i) => i % 10),
      count: batch,
      featureSize: 784,
      classes: 10,
    }
    const start = initialParameters(spec, 1)

    it('has the cpu backend’s loss gradient for every parameter', async () => {
      const gradients = async (backend: Backend): Promise<Float32Array[]> => {
        await tf.setBackend(backend)
        const network = new Network(spec)
        try {
          network.setParameters(start)
          return tf.tidy(() => {
            const x = tf.tensor2d(data.features, [batch, 784])
            const y = tf.oneHot(tf.tensor1d(Int32Array.from(data.labels), 'int32'), 10)
            const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, network.logits(x)) as tf.Scalar, network.variables)
            return network.variables.map((v) => grads[v.name]!.dataSync() as Float32Array)
          })
        } finally {
          network.dispose()
        }
      }
      const expected = await gradients('cpu')
      const actual = await gradients('wasm')
      actual.forEach((g, i) =>
        assert.ok(relativeError(g, expected[i]!) < TOLERANCE, `parameter ${i}: relative error ${relativeError(g, expected[i]!)}`),
      )
    })

    it('takes the cpu backend’s SGD steps with trainLocal and lowers the loss', async () => {
      const config = { epochs: 3, batchSize: 4, learningRate: 0.05, momentum: 0.9, weightDecay: 0, proxMu: 0, seed: 1 }
      const train = async (backend: Backend) => {
        await tf.setBackend(backend)
        const network = new Network(spec)
        try {
          return trainLocal(network, data, start, config)
        } finally {
          network.dispose()
        }
      }
      const first = await train('wasm')
      const again = await train('wasm')
      const reference = await train('cpu')
      const delta = (p: Float32Array) => p.map((v, i) => v - start[i]!)
      assert.ok(relativeError(delta(first.parameters), delta(reference.parameters)) < 1e-3, 'same parameter change as cpu')
      assert.deepEqual(again.parameters, first.parameters, 'deterministic on wasm')
      const lossAt = async (params: Float32Array) => {
        const network = new Network(spec)
        try {
          network.setParameters(params)
          return tf.tidy(
            () =>
              tf.losses
                .softmaxCrossEntropy(
                  tf.oneHot(tf.tensor1d(Int32Array.from(data.labels), 'int32'), 10),
                  network.logits(tf.tensor2d(data.features, [batch, 784])),
                )
                .dataSync()[0]!,
          )
        } finally {
          network.dispose()
        }
      }
      await tf.setBackend('wasm')
      assert.ok((await lossAt(first.parameters)) < (await lossAt(start)), 'the loss decreased')
    })
  })
})
