import { FlError } from '../errors.js'
import { SeededRandom } from '../random.js'
import { type LoraFactor, type TrainableNetwork, forwardLogits, parameterTensors } from './network.js'
import { type AdapterLayout, type AdapterSpec, type ModelSpec, adapterLayout, baseSpecOf } from './spec.js'
import { tf } from './tf.js'

/**
 * Low-rank adapters (LoRA, Hu et al. 2021) over a frozen base model: the adapter's flat vector
 * (spec.ts adapterLayout) is all a fine-tune subnet trains, quantizes and stores, so an update is
 * small and one base serves many adapters. The maths, with the canonical (TensorFlow) kernel W
 * [in, units], A [rank, in], B [units, rank] and s = alpha / rank:
 *
 *   merged kernel  W' = W + s·Aᵀ·Bᵀ            (PEFT's W + s·B·A in PyTorch's [out, in] layout)
 *   forward        x·W' = x·W + s·(x·Aᵀ)·Bᵀ   (unmerged: the base is never copied)
 */

export const adapterScale = (adapter: AdapterSpec): number => adapter.alpha / adapter.rank

function requireAdapter(spec: ModelSpec): { adapter: AdapterSpec; layout: AdapterLayout } {
  const layout = adapterLayout(spec)
  return { adapter: spec.adapter!, layout }
}

function checkLength(expected: number, actual: number): void {
  if (expected !== actual)
    throw new FlError('FL_PARAMETER_LENGTH', `the vector has ${actual} values; the model needs ${expected}`, { expected, actual })
}

/**
 * The adapter every fine-tune starts from (its subnet's version 0): A uniform in ±1/√in drawn
 * from SeededRandom(adapter.seed) in layout order (PEFT's Kaiming-uniform bound), B zero, so the
 * merged model is the base exactly. Same spec, same vector, anywhere.
 */
export function initialAdapter(spec: ModelSpec): Float32Array {
  const { adapter, layout } = requireAdapter(spec)
  const out = new Float32Array(layout.size)
  const random = new SeededRandom(adapter.seed)
  for (const slot of layout.slots) {
    if (slot.kind !== 'lora_a') continue
    const limit = 1 / Math.sqrt(slot.shape[1])
    for (let i = 0; i < slot.size; i++) out[slot.offset + i] = (2 * random.next() - 1) * limit
  }
  return out
}

/**
 * The full model (the base spec's vector) of `base` with `adapterParams` folded into the adapted
 * kernels: W' = W + s·Aᵀ·Bᵀ, summed in float64, rounded once to float32. `base` is not changed.
 * Throws FL_INVALID_MODEL_SPEC for a spec without a valid adapter, FL_PARAMETER_LENGTH for vectors
 * of the wrong lengths.
 */
export function mergeAdapter(spec: ModelSpec, base: Float32Array, adapterParams: Float32Array): Float32Array {
  const { adapter, layout } = requireAdapter(spec)
  checkLength(layout.base.size, base.length)
  checkLength(layout.size, adapterParams.length)
  const merged = Float32Array.from(base)
  const s = adapterScale(adapter)
  const r = adapter.rank
  for (let i = 0; i < layout.slots.length; i += 2) {
    const a = layout.slots[i]!
    const b = layout.slots[i + 1]!
    const kernel = layout.base.slots.find((slot) => slot.layer === a.layer && slot.kind === 'kernel')!
    const [inputs, units] = kernel.shape as [number, number]
    for (let row = 0; row < inputs; row++) {
      for (let unit = 0; unit < units; unit++) {
        let sum = 0
        for (let k = 0; k < r; k++) sum += adapterParams[a.offset + k * inputs + row]! * adapterParams[b.offset + unit * r + k]!
        merged[kernel.offset + row * units + unit] = base[kernel.offset + row * units + unit]! + s * sum
      }
    }
  }
  return merged
}

/** The base model's tensors, one per layout slot, from its flat vector (what a server keeps resident once). */
export function baseTensors(spec: ModelSpec, base: Float32Array): tf.Tensor[] {
  return parameterTensors(baseSpecOf(spec), base)
}

/**
 * An adapter's factors as tensors, for forwardLogits (dispose them with disposeFactors). The
 * scale alpha/rank is folded into B once here, so a forward pass spends no op on it.
 */
export function adapterFactors(spec: ModelSpec, adapterParams: Float32Array): LoraFactor[] {
  const { adapter, layout } = requireAdapter(spec)
  checkLength(layout.size, adapterParams.length)
  const s = adapterScale(adapter)
  const factors: LoraFactor[] = []
  for (let i = 0; i < layout.slots.length; i += 2) {
    const a = layout.slots[i]!
    const b = layout.slots[i + 1]!
    factors.push({
      layer: a.layer,
      a: tf.tensor2d(adapterParams.subarray(a.offset, a.offset + a.size), [...a.shape]),
      b: tf.tensor2d(
        Float32Array.from(adapterParams.subarray(b.offset, b.offset + b.size), (v) => v * s),
        [...b.shape],
      ),
      scale: 1,
    })
  }
  return factors
}

export function disposeFactors(factors: readonly LoraFactor[]): void {
  for (const f of factors) {
    f.a.dispose()
    f.b.dispose()
  }
}

/**
 * A fine-tune's model for local training and evaluation: the base as constant tensors (frozen: no
 * gradient reaches it, since only `variables` go to the optimizer) and the adapter's A and B as
 * the trainable variables, so its flat vector in and out is the adapter's alone. Call
 * `ensureTfBackend()` first.
 */
export class AdapterNetwork implements TrainableNetwork {
  readonly layout: AdapterLayout
  readonly variables: tf.Variable[]
  readonly #base: tf.Tensor[]
  readonly #baseSpec: ModelSpec
  readonly #scale: number

  constructor(
    readonly spec: ModelSpec,
    base: Float32Array,
  ) {
    const { adapter, layout } = requireAdapter(spec)
    this.layout = layout
    this.#baseSpec = baseSpecOf(spec)
    this.#scale = adapterScale(adapter)
    this.#base = baseTensors(spec, base)
    this.variables = layout.slots.map((slot) => tf.variable(tf.zeros([...slot.shape]), true))
  }

  get parameterCount(): number {
    return this.layout.size
  }

  setParameters(flat: Float32Array): void {
    checkLength(this.layout.size, flat.length)
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

  logits(x: tf.Tensor2D): tf.Tensor2D {
    const factors: LoraFactor[] = []
    for (let i = 0; i < this.layout.slots.length; i += 2)
      factors.push({ layer: this.layout.slots[i]!.layer, a: this.variables[i]!, b: this.variables[i + 1]!, scale: this.#scale })
    return forwardLogits(this.#baseSpec, this.#base, x, factors)
  }

  /** The base vector it trains over, read back (the base is frozen: it never changes). */
  baseParameters(): Float32Array {
    const flat = new Float32Array(this.layout.base.size)
    this.layout.base.slots.forEach((slot, i) => flat.set(this.#base[i]!.dataSync() as Float32Array, slot.offset))
    return flat
  }

  dispose(): void {
    for (const v of this.variables) v.dispose()
    for (const t of this.#base) t.dispose()
  }
}
