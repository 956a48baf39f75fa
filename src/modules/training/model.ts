import { FlError } from '../../fl/errors.js'
import { roundDivBig } from '../../fl/int-math.js'
import { REPUTATION_UNIT } from '../../fl/rules/repfedavg.js'
import type { AggregationRule } from '../../fl/rules/types.js'
import { type QuantizedUpdate, type UpdateDtype, decodeUpdateBlob, encodeUpdateBlob } from '../../fl/update/blob.js'
import { blobCid } from './blob-cid.js'
import { trainingError } from './errors.js'

/**
 * The chain's integer work on blobs, all of it synchronous and deterministic (DESIGN §3.4): an
 * update checked against its round, an aggregate recomputed with the subnet's rule, and the new
 * global model derived from it.
 *
 * The global model on chain is an update blob (src/fl/update/blob.ts) of dtype int32 and shape
 * [parameterCount] whose values are the parameters in fixed point (θ·scale, its own `scale`).
 * The next model is base + aggregate coordinate by coordinate (the aggregate rescaled to the
 * base model's scale when the round's differs: roundDiv(a·s_model, s_round), the library's one
 * rounding rule), saturated at ±(2^31 − 1), and keeps the base model's scale. The aggregate blob
 * is the rule's output as an update blob of the round's dtype, shape and scale. Trainers and
 * aggregators dequantize the same way (value / scale) to train.
 */
export const MODEL_DTYPE: UpdateDtype = 'int32'
const INT32_LIMIT = 2147483647

/** What a round expects of every update. */
export interface RoundFormat {
  dtype: string
  scale: number
  maxAbs: number
  parameterCount: number
}

/** The bytes of `cid` must hash to it; throws BLOB_MISMATCH. */
export function checkBlobCid(bytes: Uint8Array, cid: string, what: string): void {
  const actual = blobCid(bytes)
  if (actual !== cid) throw trainingError('BLOB_MISMATCH', `the bytes loaded for ${what} ${cid} hash to ${actual}: that blob is not available`, { cid, actual })
}

/**
 * An update blob checked against its round (validateUpdateBlob's checks, synchronously, each
 * with its own code): MALFORMED_UPDATE, WRONG_QUANTIZATION, WRONG_SHAPE, OUT_OF_RANGE.
 */
export function checkUpdate(bytes: Uint8Array, format: RoundFormat): QuantizedUpdate {
  let update: QuantizedUpdate
  try {
    update = decodeUpdateBlob(bytes)
  } catch (error) {
    if (error instanceof FlError) throw trainingError('MALFORMED_UPDATE', `not an update blob: ${error.plainMessage}`, { reason: error.code })
    throw error
  }
  if (update.dtype !== format.dtype) throw trainingError('WRONG_QUANTIZATION', `the update is ${update.dtype}; the round's dtype is ${format.dtype}`, { field: 'dtype' })
  if (update.scale !== format.scale) throw trainingError('WRONG_QUANTIZATION', `the update's scale is ${update.scale}; the round's is ${format.scale}`, { field: 'scale' })
  if (update.shape.length !== 1 || update.shape[0] !== format.parameterCount) {
    throw trainingError('WRONG_SHAPE', `the update's shape is [${update.shape.join(', ')}]; the model's is [${format.parameterCount}]`, { shape: update.shape.join('x') })
  }
  const { values } = update
  const limit = format.maxAbs
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (v > limit || v < -limit) throw trainingError('OUT_OF_RANGE', `update value ${v} at ${i} is outside ±${limit}`, { index: i, value: v, maxAbs: limit })
  }
  return update
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1
const DTYPE_CODE: Record<string, number> = { int8: 1, int16: 2, int32: 3 }
const HEADER_BYTES = 16
const DTYPE_BY_CODE: readonly (UpdateDtype | undefined)[] = [undefined, 'int8', 'int16', 'int32']
const WIDTH: Record<UpdateDtype, number> = { int8: 1, int16: 2, int32: 4 }

/** A rank-1 blob's values as one Int32Array, copied from a typed view of its bytes; undefined where that view cannot be taken or holds a value decodeUpdateBlob refuses. */
function widen(bytes: Uint8Array, dtype: UpdateDtype, n: number, checked = false, into?: Int32Array): Int32Array | undefined {
  const width = WIDTH[dtype]
  const offset = bytes.byteOffset + HEADER_BYTES
  if (!LITTLE_ENDIAN || offset % width !== 0) return undefined
  const values = width === 1 ? new Int8Array(bytes.buffer, offset, n) : width === 2 ? new Int16Array(bytes.buffer, offset, n) : new Int32Array(bytes.buffer, offset, n)
  const out = into ?? new Int32Array(n)
  out.set(values)
  // The format excludes the dtype's most negative value (a symmetric range); decodeUpdateBlob
  // refuses it. Bytes that passed it already (`checked`: an update at its submission) need no scan.
  if (!checked && out.indexOf(dtype === 'int8' ? -128 : dtype === 'int16' ? -32768 : -2147483648) !== -1) return undefined
  return out
}

/**
 * The values of an update that passed checkUpdate when it was submitted (its CID's bytes never
 * change): the fixed header compared in place and the values widened with one typed-array copy,
 * instead of decodeUpdateBlob's per-element reads. The result is the same Int32Array; anything
 * unexpected (another header, a big-endian host, a misaligned view) takes checkUpdate's path.
 */
export function submittedValues(bytes: Uint8Array, format: RoundFormat, into?: Int32Array): Int32Array {
  const width = format.dtype === 'int8' ? 1 : format.dtype === 'int16' ? 2 : 4
  const n = format.parameterCount
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const header =
    bytes.length === HEADER_BYTES + n * width &&
    view.getUint32(0) === 0x464c5531 &&
    view.getUint8(4) === 1 &&
    view.getUint8(5) === DTYPE_CODE[format.dtype] &&
    view.getUint8(6) === 1 &&
    view.getUint8(7) === 0 &&
    view.getUint32(8, true) === format.scale &&
    view.getUint32(12, true) === n
  const values = header ? widen(bytes, format.dtype as UpdateDtype, n, true, into) : undefined
  return values ?? checkUpdate(bytes, format).values
}

/** The base model as checkModel reads it (any dtype, shape [parameterCount]), widened with one typed-array copy when the header is the usual one. */
export function modelOf(bytes: Uint8Array, parameterCount: number, cid: string): QuantizedUpdate {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const dtype = bytes.length >= HEADER_BYTES ? DTYPE_BY_CODE[view.getUint8(5)] : undefined
  if (dtype !== undefined) {
    const scale = view.getUint32(8, true)
    const header =
      bytes.length === HEADER_BYTES + parameterCount * WIDTH[dtype] &&
      view.getUint32(0) === 0x464c5531 &&
      view.getUint8(4) === 1 &&
      view.getUint8(6) === 1 &&
      view.getUint8(7) === 0 &&
      scale >= 1 &&
      view.getUint32(12, true) === parameterCount
    const values = header ? widen(bytes, dtype, parameterCount) : undefined
    if (values !== undefined) return { dtype, shape: [parameterCount], scale, values }
  }
  return checkModel(bytes, parameterCount, cid)
}

/**
 * encodeUpdateBlob's bytes for a rank-1 blob whose values fit `dtype` (the rule's output fits the
 * round's dtype by its declared ranges; the next model is saturated to int32), with one
 * typed-array copy; the library's encoder elsewhere. Tests hold the two equal.
 */
export function encodeVector(dtype: UpdateDtype, scale: number, values: Int32Array): Uint8Array {
  const width = WIDTH[dtype]
  if (!LITTLE_ENDIAN) return encodeUpdateBlob({ dtype, shape: [values.length], scale, values })
  const bytes = new Uint8Array(HEADER_BYTES + values.length * width)
  const view = new DataView(bytes.buffer)
  view.setUint32(0, 0x464c5531)
  view.setUint8(4, 1)
  view.setUint8(5, DTYPE_CODE[dtype]!)
  view.setUint8(6, 1)
  view.setUint32(8, scale, true)
  view.setUint32(12, values.length, true)
  const body = width === 1 ? new Int8Array(bytes.buffer, HEADER_BYTES) : width === 2 ? new Int16Array(bytes.buffer, HEADER_BYTES) : new Int32Array(bytes.buffer, HEADER_BYTES)
  body.set(values)
  return bytes
}

/** The base model of a round: an update blob of shape [parameterCount] (any dtype); throws BAD_BASE_MODEL. */
export function checkModel(bytes: Uint8Array, parameterCount: number, cid: string): QuantizedUpdate {
  let model: QuantizedUpdate
  try {
    model = decodeUpdateBlob(bytes)
  } catch (error) {
    if (error instanceof FlError) throw trainingError('BAD_BASE_MODEL', `base model ${cid} is not a model blob: ${error.plainMessage}`, { cid })
    throw error
  }
  if (model.shape.length !== 1 || model.shape[0] !== parameterCount) {
    throw trainingError('BAD_BASE_MODEL', `base model ${cid} has shape [${model.shape.join(', ')}], the subnet's model [${parameterCount}]`, { cid })
  }
  return model
}

/** The rule's result on the round's updates (weights: capped sample counts; reputations: all REPUTATION_UNIT until a reputation module supplies them). */
export function aggregate(rule: AggregationRule, updates: readonly Int32Array[], weights: readonly number[]): Int32Array {
  try {
    return rule.fast({ updates, weights, reputations: weights.map(() => REPUTATION_UNIT) }).values
  } catch (error) {
    if (error instanceof FlError) throw trainingError('AGGREGATION_FAILED', `${rule.name} refused the round's updates: ${error.plainMessage}`, { reason: error.code })
    throw error
  }
}

/** base + aggregate (rescaled to the base's scale), saturated to int32: the next global model's values. */
export function nextModelValues(base: QuantizedUpdate, aggregateValues: Int32Array, roundScale: number): Int32Array {
  const n = base.values.length
  const out = new Int32Array(n)
  const values = base.values
  if (base.scale === roundScale) {
    for (let i = 0; i < n; i++) {
      const v = values[i]! + aggregateValues[i]!
      out[i] = v > INT32_LIMIT ? INT32_LIMIT : v < -INT32_LIMIT ? -INT32_LIMIT : v
    }
    return out
  }
  const sModel = BigInt(base.scale)
  const sRound = BigInt(roundScale)
  for (let i = 0; i < n; i++) {
    const v = values[i]! + Number(roundDivBig(BigInt(aggregateValues[i]!) * sModel, sRound))
    out[i] = v > INT32_LIMIT ? INT32_LIMIT : v < -INT32_LIMIT ? -INT32_LIMIT : v
  }
  return out
}

export interface Recomputed {
  aggregateBytes: Uint8Array
  aggregateCid: string
  modelBytes: Uint8Array
  modelCid: string
}

/** A blob as the block's reader hands it over, with the CID a message named for it. */
export interface NamedBlob {
  cid: string
  bytes: Uint8Array
}

/**
 * Everything MsgSubmitAggregate computes from blobs (what bench/round-verify.ts times): the
 * values of each included update, the base model, then recompute. The inputs are not hashed
 * again here: the block's reader answers a CID with that CID's bytes (the node's store checks
 * every block against its CID on the way in, DESIGN §5), and each update's bytes were hashed and
 * checked against this round when submitted (BLOB_MISMATCH and the update codes, at submit). A
 * node whose reader broke that promise would compute another verdict and leave consensus, as it
 * would with any corrupted local state; re-hashing K·N bytes on every node would cost more than
 * the rule itself. Throws BAD_BASE_MODEL, AGGREGATION_FAILED (or an update code if an input is
 * not what was submitted).
 */
export function verifyAggregate(rule: AggregationRule, updates: readonly NamedBlob[], weights: readonly number[], base: NamedBlob, format: RoundFormat): Recomputed {
  const n = format.parameterCount
  const buffer = scratch(updates.length * n)
  const values = updates.map((u, j) => submittedValues(u.bytes, format, buffer.subarray(j * n, (j + 1) * n)))
  return recompute(rule, values, weights, modelOf(base.bytes, n, base.cid), format)
}

// The widened inputs of the last aggregate verified, kept for the next: K·N int32 is the largest
// allocation of a verification, and fresh memory costs a page fault per 4 KiB (several times the
// rule's own time at K = 50, N = 1M). Every element is written before it is read, and nothing
// outlives the call (the rule returns a fresh array, only bytes and CIDs leave), so reuse cannot
// change a result. Execution is synchronous: no two verifications share it at once.
let scratchBuffer = new Int32Array(0)
function scratch(length: number): Int32Array {
  if (scratchBuffer.length < length) scratchBuffer = new Int32Array(length)
  return scratchBuffer
}

/** The aggregate blob and the next model blob, encoded as the FL library does, and their CIDs. */
export function recompute(rule: AggregationRule, updates: readonly Int32Array[], weights: readonly number[], base: QuantizedUpdate, format: RoundFormat): Recomputed {
  const values = aggregate(rule, updates, weights)
  const aggregateBytes = encodeVector(format.dtype as UpdateDtype, format.scale, values)
  const modelBytes = encodeVector(MODEL_DTYPE, base.scale, nextModelValues(base, values, format.scale))
  return { aggregateBytes, aggregateCid: blobCid(aggregateBytes), modelBytes, modelCid: blobCid(modelBytes) }
}
