import { FlError } from '../errors.js'
import { type ModelSpec, adapterLayout, parameterLayout } from './spec.js'

/**
 * A model's flat parameter vector as named tensors, and those tensors as a safetensors file
 * (https://huggingface.co/docs/safetensors: an 8-byte little-endian header length, a JSON
 * header, then the tensors' bytes back to back). Pure functions: the CLI fetches and writes.
 *
 * Names follow the spec's layer indices and ParameterSlot kinds: `layers.<i>.<type>.kernel` and
 * `layers.<i>.<type>.bias` (`layers.0.dense.kernel`); layers without parameters (maxpool2d,
 * flatten) have none, so indices may skip. Shapes are the canonical layout's, which is
 * TensorFlow's: a dense kernel is [in, units] and a conv kernel [kh, kw, inChannels, filters]
 * (Keras' own; PyTorch's Linear and Conv2d want them transposed/permuted). Tensors lie in the
 * buffer in layout order, each row-major.
 */
export interface NamedTensor {
  readonly name: string
  readonly shape: readonly number[]
  readonly values: Float32Array
}

/** The tensor name of a layout slot. */
export const tensorName = (layer: number, type: string, kind: 'kernel' | 'bias'): string => `layers.${layer}.${type}.${kind}`

/**
 * Splits `flat` (the spec's canonical parameter vector, src/fl/model/spec.ts parameterLayout)
 * into its tensors, as views of `flat`. Throws FL_INVALID_MODEL_SPEC for a bad spec and
 * FL_PARAMETER_LENGTH when `flat` is not that spec's length.
 */
export function tensorsOfSpec(spec: ModelSpec, flat: Float32Array): NamedTensor[] {
  const layout = parameterLayout(spec)
  if (flat.length !== layout.size)
    throw new FlError('FL_PARAMETER_LENGTH', `the model has ${flat.length} parameters; its spec defines ${layout.size}`, {
      expected: layout.size,
      actual: flat.length,
    })
  return layout.slots.map((slot) => ({
    name: tensorName(slot.layer, spec.layers[slot.layer]!.type, slot.kind),
    shape: slot.shape,
    values: flat.subarray(slot.offset, slot.offset + slot.size),
  }))
}

/** The PEFT module name of an adapted layer: its tensors' prefix in the base model's names (`layers.0.dense`). */
export const adaptedModuleName = (spec: ModelSpec, layer: number): string => `layers.${layer}.${spec.layers[layer]!.type}`

/**
 * An adapter's flat vector (spec.ts adapterLayout) as PEFT names its tensors:
 * `base_model.model.<module>.lora_A.weight` [rank, in] and `….lora_B.weight` [units, rank], the
 * shapes PEFT and PyTorch use (fan_in_fan_out false), views of `flat`. Throws
 * FL_INVALID_MODEL_SPEC for a spec without a valid adapter, FL_PARAMETER_LENGTH for a vector of
 * another length.
 */
export function adapterTensorsOfSpec(spec: ModelSpec, flat: Float32Array): NamedTensor[] {
  const layout = adapterLayout(spec)
  if (flat.length !== layout.size)
    throw new FlError('FL_PARAMETER_LENGTH', `the adapter has ${flat.length} parameters; its spec defines ${layout.size}`, {
      expected: layout.size,
      actual: flat.length,
    })
  return layout.slots.map((slot) => ({
    name: `base_model.model.${adaptedModuleName(spec, slot.layer)}.${slot.kind === 'lora_a' ? 'lora_A' : 'lora_B'}.weight`,
    shape: slot.shape,
    values: flat.subarray(slot.offset, slot.offset + slot.size),
  }))
}

/**
 * PEFT's adapter_config.json for an adapter spec: LoRA, its rank and alpha, the adapted modules,
 * no dropout or bias; `baseModel` names the base (e.g. `fedra:0/5 bafy…`).
 */
export function peftAdapterConfig(spec: ModelSpec, baseModel: string): Record<string, unknown> {
  adapterLayout(spec)
  const adapter = spec.adapter!
  return {
    peft_type: 'LORA',
    base_model_name_or_path: baseModel,
    r: adapter.rank,
    lora_alpha: adapter.alpha,
    lora_dropout: 0,
    target_modules: adapter.layers.map((layer) => adaptedModuleName(spec, layer)),
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    task_type: null,
  }
}

/** Fixed-point parameters (a global model blob's int32 values) as floats: value / scale. */
export function dequantizeModel(values: Int32Array, scale: number): Float32Array {
  const out = new Float32Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = values[i]! / scale
  return out
}

/**
 * The safetensors file of `tensors`, all F32, in the order given. `metadata` becomes the
 * header's `__metadata__` (string to string, as the format requires). The header is padded
 * with spaces so the data starts 8-byte aligned, as the reference writer does. Throws
 * FL_PARAMETER_LENGTH when a tensor's values do not fill its shape, FL_INVALID_MODEL_SPEC for a
 * name used twice (or `__metadata__`).
 */
export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {}
  if (Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata }
  let offset = 0
  for (const t of tensors) {
    if (t.name === '__metadata__' || Object.hasOwn(header, t.name))
      throw new FlError('FL_INVALID_MODEL_SPEC', `tensor name "${t.name}" is used twice`, { reason: 'duplicate tensor name' })
    const count = t.shape.reduce((a, b) => a * b, 1)
    if (count !== t.values.length)
      throw new FlError(
        'FL_PARAMETER_LENGTH',
        `tensor ${t.name}: shape [${t.shape.join(', ')}] holds ${count} values, not ${t.values.length}`,
        { expected: count, actual: t.values.length },
      )
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * count] }
    offset += 4 * count
  }
  let json = new TextEncoder().encode(JSON.stringify(header))
  const padded = Math.ceil(json.length / 8) * 8
  if (padded !== json.length) {
    const spaced = new Uint8Array(padded).fill(0x20)
    spaced.set(json)
    json = spaced
  }
  const out = new Uint8Array(8 + json.length + offset)
  const view = new DataView(out.buffer)
  view.setBigUint64(0, BigInt(json.length), true)
  out.set(json, 8)
  let at = 8 + json.length
  for (const t of tensors) {
    for (let i = 0; i < t.values.length; i++, at += 4) view.setFloat32(at, t.values[i]!, true)
  }
  return out
}
