import { FlError } from '../errors.js'

/**
 * A model as a subnet stores it: JSON, framework-neutral. The network maps inputs of
 * `inputShape` through `layers`; the last layer's outputs are class logits trained with
 * softmax cross-entropy. Activations default to linear (as in Keras). Convolutions use stride 1 and "same" padding; pools are square with
 * stride = size.
 */
export type Activation = 'relu' | 'linear'
export type LayerSpec =
  | { readonly type: 'dense'; readonly units: number; readonly activation?: Activation }
  | { readonly type: 'conv2d'; readonly filters: number; readonly kernelSize: number; readonly activation?: Activation }
  | { readonly type: 'maxpool2d'; readonly poolSize: number }
  | { readonly type: 'flatten' }

export interface ModelSpec {
  readonly inputShape: readonly number[]
  readonly layers: readonly LayerSpec[]
  /**
   * Low-rank adapters (LoRA, Hu et al. 2021) over a frozen base: the model is then
   * `inputShape` + `layers` with the base version's parameters, and every update, aggregate and
   * model blob of the subnet is the adapters' vector alone (adapterLayout).
   */
  readonly adapter?: AdapterSpec
}

/**
 * LoRA on chosen dense layers: kernel W [in, units] becomes W + (alpha/rank)·(B·A)ᵀ with A
 * [rank, in] and B [units, rank] (PEFT's shapes: lora_A.weight, lora_B.weight). A starts seeded
 * uniform, B at zero, so an untrained adapter leaves the base unchanged.
 */
export interface AdapterSpec {
  /** The frozen base: a model version of a subnet whose spec is `inputShape` + `layers` without an adapter. */
  readonly base: { readonly subnet: string; readonly version: string }
  readonly rank: number
  /** An integer; the update is scaled by alpha / rank. */
  readonly alpha: number
  /** Indices (into `layers`) of the dense layers adapted, ascending. */
  readonly layers: readonly number[]
  /** Seeds A's initialisation (src/fl/random.ts). */
  readonly seed: number
}

/** One adapter tensor inside an adapter's flat vector. */
export interface AdapterSlot {
  readonly layer: number
  readonly kind: 'lora_a' | 'lora_b'
  readonly shape: readonly [number, number]
  readonly offset: number
  readonly size: number
}

/**
 * An adapter's canonical order: adapted layers ascending, and within a layer A [rank, in] then
 * B [units, rank], each row-major. `base` is the base model's own layout.
 */
export interface AdapterLayout {
  readonly slots: readonly AdapterSlot[]
  readonly size: number
  readonly base: ParameterLayout
}

/** One parameter tensor inside the flat vector. */
export interface ParameterSlot {
  readonly layer: number
  readonly kind: 'kernel' | 'bias'
  readonly shape: readonly number[]
  readonly offset: number
  readonly size: number
  /** Inputs feeding one output unit (for initialisation). */
  readonly fanIn: number
}

/**
 * The canonical parameter order, fixed forever for a spec: layers in order, and within a
 * layer its kernel then its bias, each flattened row-major in TensorFlow's layout (dense
 * kernel [in, units], conv kernel [kh, kw, inChannels, filters]). Every update, aggregate and
 * model blob on chain is a vector in exactly this order.
 */
export interface ParameterLayout {
  readonly slots: readonly ParameterSlot[]
  readonly size: number
  readonly outputSize: number
}

/** The usual multilayer perceptron: `mlpSpec([784, 200, 10])`, ReLU between layers. */
export function mlpSpec(sizes: readonly number[]): ModelSpec {
  if (sizes.length < 2)
    throw new FlError('FL_INVALID_MODEL_SPEC', 'an MLP needs input and output sizes', { reason: `sizes ${sizes.join('-')}` })
  return {
    inputShape: [sizes[0]!],
    layers: sizes.slice(1).map((units, i) => ({ type: 'dense', units, activation: i === sizes.length - 2 ? 'linear' : 'relu' }) as const),
  }
}

/** A small CNN for 28×28 grey images: conv(8,5)-pool2-conv(16,5)-pool2-dense(10). */
export function smallCnnSpec(): ModelSpec {
  return {
    inputShape: [28, 28, 1],
    layers: [
      { type: 'conv2d', filters: 8, kernelSize: 5, activation: 'relu' },
      { type: 'maxpool2d', poolSize: 2 },
      { type: 'conv2d', filters: 16, kernelSize: 5, activation: 'relu' },
      { type: 'maxpool2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 10, activation: 'linear' },
    ],
  }
}

const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1 << 20

/** Validates a spec (e.g. parsed from JSON) and computes its parameter layout. */
export function parameterLayout(spec: ModelSpec): ParameterLayout {
  const invalid = (reason: string, layer?: number): FlError<'FL_INVALID_MODEL_SPEC'> =>
    new FlError('FL_INVALID_MODEL_SPEC', reason, layer === undefined ? { reason } : { reason, layer })
  if (!Array.isArray(spec.inputShape) || spec.inputShape.length < 1 || spec.inputShape.length > 3 || !spec.inputShape.every(positiveInt))
    throw invalid('inputShape must be 1 to 3 positive integers')
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) throw invalid('layers must be a non-empty array')
  let shape = [...spec.inputShape]
  let offset = 0
  const slots: ParameterSlot[] = []
  const add = (layer: number, kind: 'kernel' | 'bias', s: number[], fanIn: number): void => {
    const size = s.reduce((a, b) => a * b, 1)
    slots.push({ layer, kind, shape: s, offset, size, fanIn })
    offset += size
  }
  spec.layers.forEach((layer, i) => {
    const activation = 'activation' in layer ? layer.activation : undefined
    if (activation !== undefined && activation !== 'relu' && activation !== 'linear')
      throw invalid(`unknown activation ${String(activation)}`, i)
    switch (layer.type) {
      case 'dense': {
        if (!positiveInt(layer.units)) throw invalid('units must be a positive integer', i)
        if (shape.length !== 1) throw invalid('dense needs a flat input (add a flatten layer)', i)
        add(i, 'kernel', [shape[0]!, layer.units], shape[0]!)
        add(i, 'bias', [layer.units], shape[0]!)
        shape = [layer.units]
        break
      }
      case 'conv2d': {
        if (!positiveInt(layer.filters) || !positiveInt(layer.kernelSize))
          throw invalid('filters and kernelSize must be positive integers', i)
        if (shape.length !== 3) throw invalid('conv2d needs an [h, w, c] input', i)
        const fanIn = layer.kernelSize * layer.kernelSize * shape[2]!
        add(i, 'kernel', [layer.kernelSize, layer.kernelSize, shape[2]!, layer.filters], fanIn)
        add(i, 'bias', [layer.filters], fanIn)
        shape = [shape[0]!, shape[1]!, layer.filters]
        break
      }
      case 'maxpool2d': {
        if (!positiveInt(layer.poolSize)) throw invalid('poolSize must be a positive integer', i)
        if (shape.length !== 3) throw invalid('maxpool2d needs an [h, w, c] input', i)
        shape = [Math.floor(shape[0]! / layer.poolSize), Math.floor(shape[1]! / layer.poolSize), shape[2]!]
        if (shape[0] === 0 || shape[1] === 0) throw invalid('pooling shrinks the input to nothing', i)
        break
      }
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)]
        break
      default:
        throw invalid(`unknown layer type ${String((layer as { type: unknown }).type)}`, i)
    }
  })
  if (shape.length !== 1) throw invalid('the last layer must produce a flat vector of logits')
  if (slots.length === 0) throw invalid('the model has no parameters')
  return { slots, size: offset, outputSize: shape[0]! }
}

const DECIMAL = /^(0|[1-9][0-9]{0,19})$/

/**
 * Validates `spec.adapter` against the base layers and lays the adapter out. Throws
 * FL_INVALID_MODEL_SPEC (with the layer where one is at fault) for a spec without an adapter, an
 * adapted layer that is not dense, layers not strictly ascending, a rank above min(in, units), a
 * bad alpha, seed or base reference.
 */
export function adapterLayout(spec: ModelSpec): AdapterLayout {
  const base = parameterLayout(spec)
  const adapter = spec.adapter
  const invalid = (reason: string, layer?: number): FlError<'FL_INVALID_MODEL_SPEC'> =>
    new FlError('FL_INVALID_MODEL_SPEC', `adapter: ${reason}`, layer === undefined ? { reason } : { reason, layer })
  if (typeof adapter !== 'object' || adapter === null) throw invalid('the spec declares no adapter')
  const ref = adapter.base as { subnet?: unknown; version?: unknown } | undefined
  if (
    typeof ref !== 'object' ||
    ref === null ||
    typeof ref.subnet !== 'string' ||
    !DECIMAL.test(ref.subnet) ||
    typeof ref.version !== 'string' ||
    !DECIMAL.test(ref.version)
  )
    throw invalid('base must be { subnet, version } as decimal strings')
  if (!positiveInt(adapter.rank) || adapter.rank > 4096) throw invalid('rank must be an integer 1..4096')
  if (!positiveInt(adapter.alpha) || adapter.alpha > 1 << 16) throw invalid('alpha must be an integer 1..65536')
  if (typeof adapter.seed !== 'number' || !Number.isInteger(adapter.seed) || adapter.seed < 0 || adapter.seed > 0xffffffff)
    throw invalid('seed must be a u32')
  if (!Array.isArray(adapter.layers) || adapter.layers.length === 0) throw invalid('layers must name at least one dense layer')
  const slots: AdapterSlot[] = []
  let offset = 0
  let previous = -1
  for (const layer of adapter.layers) {
    if (!Number.isInteger(layer) || layer <= previous || layer >= spec.layers.length)
      throw invalid("layers must be strictly ascending indices into the spec's layers")
    previous = layer
    const kernel = base.slots.find((slot) => slot.layer === layer && slot.kind === 'kernel')
    if (spec.layers[layer]!.type !== 'dense' || kernel === undefined) throw invalid('only dense layers take an adapter', layer)
    const [inputs, units] = kernel.shape as [number, number]
    if (adapter.rank > Math.min(inputs, units)) throw invalid(`rank ${adapter.rank} exceeds min(in ${inputs}, units ${units})`, layer)
    slots.push({ layer, kind: 'lora_a', shape: [adapter.rank, inputs], offset, size: adapter.rank * inputs })
    offset += adapter.rank * inputs
    slots.push({ layer, kind: 'lora_b', shape: [units, adapter.rank], offset, size: units * adapter.rank })
    offset += units * adapter.rank
  }
  return { slots, size: offset, base }
}

/** The length of the vector a spec's subnet trains and stores: the adapter's when it has one, else the whole model's. */
export function trainableSize(spec: ModelSpec): number {
  return spec.adapter === undefined ? parameterLayout(spec).size : adapterLayout(spec).size
}

/** The spec without its adapter: the base model's. */
export function baseSpecOf(spec: ModelSpec): ModelSpec {
  return { inputShape: spec.inputShape, layers: spec.layers }
}

/** Parses and validates a spec from JSON text. */
export function parseModelSpec(json: string): ModelSpec {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (error) {
    throw new FlError('FL_INVALID_MODEL_SPEC', 'not JSON', { reason: String(error) })
  }
  const spec = value as ModelSpec
  if (typeof spec !== 'object' || spec === null)
    throw new FlError('FL_INVALID_MODEL_SPEC', 'spec must be an object', { reason: typeof value })
  if (spec.adapter !== undefined) adapterLayout(spec)
  else parameterLayout(spec)
  return spec
}
