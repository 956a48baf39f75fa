import assert from 'node:assert/strict'
import { FlError } from '../../../src/fl/errors.js'
import {
  adapterTensorsOfSpec,
  dequantizeModel,
  encodeSafetensors,
  peftAdapterConfig,
  tensorsOfSpec,
} from '../../../src/fl/model/safetensors.js'
import { type ModelSpec, mlpSpec, parameterLayout, smallCnnSpec } from '../../../src/fl/model/spec.js'

/**
 * A reader of the safetensors format written from its specification alone
 * (https://github.com/huggingface/safetensors#format), sharing no code with the writer, with
 * the checks the reference loader makes: header length, JSON object header, known dtype, shape
 * matching the byte range, tensors contiguous from 0 and covering the buffer exactly.
 */
function readSafetensors(file: Uint8Array): {
  metadata: Record<string, string>
  tensors: Map<string, { dtype: string; shape: number[]; values: Float32Array }>
} {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  assert.ok(file.length >= 8, 'shorter than its header length')
  const headerLength = Number(view.getBigUint64(0, true))
  assert.ok(8 + headerLength <= file.length, 'header runs past the file')
  const headerText = Buffer.from(file.subarray(8, 8 + headerLength)).toString('utf8')
  assert.equal(headerText[0], '{', 'the header must start with {')
  assert.equal((8 + headerLength) % 8, 0, 'the data should start 8-byte aligned')
  const header = JSON.parse(headerText) as Record<string, any>
  const data = file.subarray(8 + headerLength)
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>
  for (const [k, v] of Object.entries(metadata)) assert.equal(typeof v, 'string', `__metadata__.${k} must be a string`)
  const entries = Object.entries(header).filter(([name]) => name !== '__metadata__')
  const ranges = entries.map(([name, info]) => {
    assert.deepEqual(Object.keys(info).sort(), ['data_offsets', 'dtype', 'shape'], name)
    assert.equal(info.dtype, 'F32', name)
    const [begin, end] = info.data_offsets as [number, number]
    const count = (info.shape as number[]).reduce((a, b) => a * b, 1)
    assert.equal(end - begin, 4 * count, `${name}: the byte range does not hold its shape`)
    return { name, begin, end }
  })
  ranges.sort((a, b) => a.begin - b.begin)
  let at = 0
  for (const r of ranges) {
    assert.equal(r.begin, at, `${r.name} does not start where the previous tensor ends`)
    at = r.end
  }
  assert.equal(at, data.length, 'the tensors do not cover the data exactly')
  const tensors = new Map<string, { dtype: string; shape: number[]; values: Float32Array }>()
  for (const [name, info] of entries) {
    const [begin, end] = info.data_offsets as [number, number]
    const values = new Float32Array((end - begin) / 4)
    const dv = new DataView(data.buffer, data.byteOffset + begin, end - begin)
    for (let i = 0; i < values.length; i++) values[i] = dv.getFloat32(4 * i, true)
    tensors.set(name, { dtype: info.dtype, shape: info.shape, values })
  }
  return { metadata, tensors }
}

/** Fixed-point model values, distinct per coordinate, positive and negative. */
const fixedPoint = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1) * (i * 37 + 5))

describe('safetensors export of a model', () => {
  it('an MLP: dense kernels [in, units] then biases [units], named by layer, values fixed point / scale', () => {
    const spec = mlpSpec([3, 4, 2])
    const scale = 1024
    const q = fixedPoint(parameterLayout(spec).size)
    const file = encodeSafetensors(tensorsOfSpec(spec, dequantizeModel(q, scale)), { subnet: '7', version: '3' })
    const { metadata, tensors } = readSafetensors(file)
    assert.deepEqual(metadata, { subnet: '7', version: '3' })
    assert.deepEqual([...tensors.keys()].sort(), [
      'layers.0.dense.bias',
      'layers.0.dense.kernel',
      'layers.1.dense.bias',
      'layers.1.dense.kernel',
    ])
    assert.deepEqual(tensors.get('layers.0.dense.kernel')!.shape, [3, 4])
    assert.deepEqual(tensors.get('layers.0.dense.bias')!.shape, [4])
    assert.deepEqual(tensors.get('layers.1.dense.kernel')!.shape, [4, 2])
    assert.deepEqual(tensors.get('layers.1.dense.bias')!.shape, [2])
    // The flat order: layer 0 kernel (12), its bias (4), layer 1 kernel (8), its bias (2); row-major.
    const order = ['layers.0.dense.kernel', 'layers.0.dense.bias', 'layers.1.dense.kernel', 'layers.1.dense.bias']
    const flat = order.flatMap((name) => [...tensors.get(name)!.values])
    assert.deepEqual(
      flat,
      [...q].map((v) => Math.fround(v / scale)),
    )
    // Kernel [in, units] row-major: element (i, j) of layer 0 is flat[i·4 + j].
    assert.equal(tensors.get('layers.0.dense.kernel')!.values[1 * 4 + 2], Math.fround(q[6]! / scale))
  })

  it('a CNN: conv kernels [kh, kw, in, filters], pool and flatten layers have no tensors', () => {
    const spec = smallCnnSpec()
    const layout = parameterLayout(spec)
    const q = fixedPoint(layout.size)
    const { tensors } = readSafetensors(encodeSafetensors(tensorsOfSpec(spec, dequantizeModel(q, 16384))))
    assert.deepEqual(
      [...tensors.entries()].map(([name, t]) => [name, t.shape]),
      [
        ['layers.0.conv2d.kernel', [5, 5, 1, 8]],
        ['layers.0.conv2d.bias', [8]],
        ['layers.2.conv2d.kernel', [5, 5, 8, 16]],
        ['layers.2.conv2d.bias', [16]],
        ['layers.5.dense.kernel', [7 * 7 * 16, 10]],
        ['layers.5.dense.bias', [10]],
      ],
    )
    const last = tensors.get('layers.5.dense.bias')!.values
    assert.equal(last[9], Math.fround(q[layout.size - 1]! / 16384))
  })

  it('the header is padded with spaces to 8 bytes, and an empty metadata map is left out', () => {
    const spec: ModelSpec = { inputShape: [1], layers: [{ type: 'dense', units: 1 }] }
    const file = encodeSafetensors(tensorsOfSpec(spec, Float32Array.of(0.5, -0.25)))
    const length = Number(new DataView(file.buffer).getBigUint64(0, true))
    const text = Buffer.from(file.subarray(8, 8 + length)).toString('utf8')
    assert.equal(text, text.trimEnd() + ' '.repeat(text.length - text.trimEnd().length))
    assert.equal(JSON.parse(text).__metadata__, undefined)
    assert.deepEqual([...readSafetensors(file).tensors.get('layers.0.dense.bias')!.values], [-0.25])
  })

  it('refuses a vector of another length than the spec, and tensors whose values do not fill their shape', () => {
    assert.throws(
      () => tensorsOfSpec(mlpSpec([2, 2]), new Float32Array(5)),
      (e: unknown) => e instanceof FlError && e.code === 'FL_PARAMETER_LENGTH',
    )
    assert.throws(
      () => encodeSafetensors([{ name: 'a', shape: [2, 2], values: new Float32Array(3) }]),
      (e: unknown) => e instanceof FlError && e.code === 'FL_PARAMETER_LENGTH',
    )
    assert.throws(
      () =>
        encodeSafetensors([
          { name: 'a', shape: [1], values: new Float32Array(1) },
          { name: 'a', shape: [1], values: new Float32Array(1) },
        ]),
      (e: unknown) => e instanceof FlError && e.code === 'FL_INVALID_MODEL_SPEC',
    )
  })
})

describe('adapters as PEFT safetensors', () => {
  const spec: ModelSpec = {
    ...mlpSpec([6, 4, 3]),
    adapter: { base: { subnet: '0', version: '2' }, rank: 2, alpha: 4, layers: [0, 1], seed: 1 },
  }
  const flat = Float32Array.from({ length: 2 * 6 + 4 * 2 + 2 * 4 + 3 * 2 }, (_, i) => i / 8)

  it('names and shapes each tensor as PEFT does (lora_A [r, in], lora_B [out, r]), values in layout order', () => {
    const tensors = adapterTensorsOfSpec(spec, flat)
    assert.deepEqual(
      tensors.map((t) => [t.name, t.shape.join('x')]),
      [
        ['base_model.model.layers.0.dense.lora_A.weight', '2x6'],
        ['base_model.model.layers.0.dense.lora_B.weight', '4x2'],
        ['base_model.model.layers.1.dense.lora_A.weight', '2x4'],
        ['base_model.model.layers.1.dense.lora_B.weight', '3x2'],
      ],
    )
    const read = readSafetensors(encodeSafetensors(tensors))
    assert.deepEqual(read.tensors.get('base_model.model.layers.0.dense.lora_B.weight')!.values, flat.subarray(12, 20))
    assert.deepEqual(read.tensors.get('base_model.model.layers.1.dense.lora_B.weight')!.values, flat.subarray(28, 34))
  })
  it('writes the adapter_config.json PEFT loads: LoRA, r, lora_alpha, target modules', () => {
    assert.deepEqual(peftAdapterConfig(spec, 'fedra:0/2'), {
      peft_type: 'LORA',
      base_model_name_or_path: 'fedra:0/2',
      r: 2,
      lora_alpha: 4,
      lora_dropout: 0,
      target_modules: ['layers.0.dense', 'layers.1.dense'],
      bias: 'none',
      fan_in_fan_out: false,
      inference_mode: true,
      task_type: null,
    })
  })
  it('refuses a vector of another length and a spec without an adapter', () => {
    assert.throws(
      () => adapterTensorsOfSpec(spec, flat.subarray(1)),
      (e: FlError) => e.code === 'FL_PARAMETER_LENGTH',
    )
    assert.throws(
      () => adapterTensorsOfSpec(mlpSpec([6, 4, 3]), flat),
      (e: FlError) => e.code === 'FL_INVALID_MODEL_SPEC',
    )
  })
})
