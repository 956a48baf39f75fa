import { FlError } from '../errors.js'
import { parameterLayout, type ModelSpec, type ParameterLayout } from './spec.js'
import { tf } from './tf.js'

/** What local training and evaluation need of a model: its trainable variables, in and out as one flat vector, and a forward pass. */
export interface TrainableNetwork {
  readonly variables: tf.Variable[]
  readonly parameterCount: number
  setParameters(flat: Float32Array): void
  getParameters(): Float32Array
  logits(x: tf.Tensor2D): tf.Tensor2D
}

/** A low-rank update of one dense layer's kernel: x·W becomes x·W + scale·(x·Aᵀ)·Bᵀ (src/fl/model/lora.ts). */
export interface LoraFactor {
  readonly layer: number
  readonly a: tf.Tensor
  readonly b: tf.Tensor
  readonly scale: number
}

/** A model's tensors, one per layout slot, from its flat vector (what a server keeps resident). Dispose them when done. */
export function parameterTensors(spec: ModelSpec, flat: Float32Array): tf.Tensor[] {
  const layout = parameterLayout(spec)
  if (flat.length !== layout.size)
    throw new FlError('FL_PARAMETER_LENGTH', 'parameter vector does not fit the model', { expected: layout.size, actual: flat.length })
  return layout.slots.map((slot) => tf.tensor(flat.subarray(slot.offset, slot.offset + slot.size), [...slot.shape]))
}

/**
 * Logits of the spec's layers over `weights` (one tensor per layout slot, in layout order), with
 * the adapters of `lora` applied unmerged on the layers they name.
 */
export function forwardLogits(
  spec: ModelSpec,
  weights: readonly tf.Tensor[],
  x: tf.Tensor2D,
  lora: readonly LoraFactor[] = [],
): tf.Tensor2D {
  return tf.tidy(() => {
    let h: tf.Tensor = x.reshape([x.shape[0], ...spec.inputShape])
    let v = 0
    spec.layers.forEach((layer, index) => {
      switch (layer.type) {
        case 'dense': {
          let z = tf.matMul(h as tf.Tensor2D, weights[v]! as tf.Tensor2D)
          const factor = lora.find((f) => f.layer === index)
          if (factor !== undefined) {
            const down = tf.matMul(h as tf.Tensor2D, factor.a as tf.Tensor2D, false, true)
            const up = tf.matMul(down, factor.b as tf.Tensor2D, false, true)
            z = tf.add(z, factor.scale === 1 ? up : tf.mul(up, factor.scale))
          }
          h = tf.add(z, weights[v + 1]!)
          v += 2
          if (layer.activation === 'relu') h = tf.relu(h)
          break
        }
        case 'conv2d':
          h = tf.add(tf.conv2d(h as tf.Tensor4D, weights[v]! as tf.Tensor4D, 1, 'same'), weights[v + 1]!)
          v += 2
          if (layer.activation === 'relu') h = tf.relu(h)
          break
        case 'maxpool2d':
          h = tf.maxPool(h as tf.Tensor4D, layer.poolSize, layer.poolSize, 'valid')
          break
        case 'flatten':
          h = h.reshape([h.shape[0]!, -1])
          break
      }
    })
    return h as tf.Tensor2D
  })
}

/**
 * A spec instantiated as TensorFlow.js variables in the canonical layout. The flat vector is
 * the only way parameters enter or leave, so the chain never depends on tfjs internals.
 * Call `ensureTfBackend()` before creating one.
 */
export class Network implements TrainableNetwork {
  readonly layout: ParameterLayout
  readonly variables: tf.Variable[]

  constructor(readonly spec: ModelSpec) {
    this.layout = parameterLayout(spec)
    this.variables = this.layout.slots.map((slot) => tf.variable(tf.zeros([...slot.shape]), true))
  }

  get parameterCount(): number {
    return this.layout.size
  }

  setParameters(flat: Float32Array): void {
    if (flat.length !== this.layout.size)
      throw new FlError('FL_PARAMETER_LENGTH', 'parameter vector does not fit the model', {
        expected: this.layout.size,
        actual: flat.length,
      })
    this.layout.slots.forEach((slot, i) => {
      const values = tf.tensor(flat.subarray(slot.offset, slot.offset + slot.size), [...slot.shape])
      this.variables[i]!.assign(values)
      values.dispose()
    })
  }

  getParameters(): Float32Array {
    const flat = new Float32Array(this.layout.size)
    this.layout.slots.forEach((slot, i) => flat.set(this.variables[i]!.dataSync() as Float32Array, slot.offset))
    return flat
  }

  /** Logits for a batch of flat feature rows [batch, prod(inputShape)]. */
  logits(x: tf.Tensor2D): tf.Tensor2D {
    return forwardLogits(this.spec, this.variables, x)
  }

  dispose(): void {
    for (const variable of this.variables) variable.dispose()
  }
}
