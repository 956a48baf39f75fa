import { FlError } from '../errors.js'
import { parameterLayout, type ModelSpec, type ParameterLayout } from './spec.js'
import { tf } from './tf.js'

/**
 * A spec instantiated as TensorFlow.js variables in the canonical layout. The flat vector is
 * the only way parameters enter or leave, so the chain never depends on tfjs internals.
 * Call `ensureTfBackend()` before creating one.
 */
export class Network {
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
    if (flat.length !== this.layout.size) throw new FlError('FL_PARAMETER_LENGTH', 'parameter vector does not fit the model', { expected: this.layout.size, actual: flat.length })
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
    return tf.tidy(() => {
      let h: tf.Tensor = x.reshape([x.shape[0], ...this.spec.inputShape])
      let v = 0
      for (const layer of this.spec.layers) {
        switch (layer.type) {
          case 'dense':
            h = tf.add(tf.matMul(h as tf.Tensor2D, this.variables[v]! as tf.Tensor2D), this.variables[v + 1]!)
            v += 2
            if (layer.activation === 'relu') h = tf.relu(h)
            break
          case 'conv2d':
            h = tf.add(tf.conv2d(h as tf.Tensor4D, this.variables[v]! as tf.Tensor4D, 1, 'same'), this.variables[v + 1]!)
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
      }
      return h as tf.Tensor2D
    })
  }

  dispose(): void {
    for (const variable of this.variables) variable.dispose()
  }
}
