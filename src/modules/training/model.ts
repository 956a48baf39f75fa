import { FlError } from '../../fl/errors.js'
import { testSwitch } from '../../test-switch.js'
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
  if (actual !== cid)
    throw trainingError('BLOB_MISMATCH', `the bytes loaded for ${what} ${cid} hash to ${actual}: that blob is not available`, {
      cid,
      actual,
    })
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
    if (error instanceof FlError)
      throw trainingError('MALFORMED_UPDATE', `not an update blob: ${error.plainMessage}`, { reason: error.code })
    throw error
  }
  if (update.dtype !== format.dtype)
    throw trainingError('WRONG_QUANTIZATION', `the update is ${update.dtype}; the round's dtype is ${format.dtype}`, { field: 'dtype' })
  if (update.scale !== format.scale)
    throw trainingError('WRONG_QUANTIZATION', `the update's scale is ${update.scale}; the round's is ${format.scale}`, { field: 'scale' })
  if (update.shape.length !== 1 || update.shape[0] !== format.parameterCount) {
    throw trainingError('WRONG_SHAPE', `the update's shape is [${update.shape.join(', ')}]; the model's is [${format.parameterCount}]`, {
      shape: update.shape.join('x'),
    })
  }
  const { values } = update
  const limit = format.maxAbs
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (v > limit || v < -limit)
      throw trainingError('OUT_OF_RANGE', `update value ${v} at ${i} is outside ±${limit}`, { index: i, value: v, maxAbs: limit })
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
  const values =
    width === 1
      ? new Int8Array(bytes.buffer, offset, n)
      : width === 2
        ? new Int16Array(bytes.buffer, offset, n)
        : new Int32Array(bytes.buffer, offset, n)
  const out = into ?? new Int32Array(n)
  out.set(values)
  // The format excludes the dtype's most negative value (a symmetric range); decodeUpdateBlob
  // refuses it. Bytes that passed it already (`checked`: an update at its submission) need no scan.
  if (!checked && out.indexOf(dtype === 'int8' ? -128 : dtype === 'int16' ? -32768 : -2147483648) !== -1) return undefined
  return out
}

/** Whether `bytes` carry exactly the rank-1 header (and length) an update of this round encodes to. */
function hasRoundHeader(bytes: Uint8Array, format: RoundFormat, width: number): boolean {
  const n = format.parameterCount
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return (
    bytes.length === HEADER_BYTES + n * width &&
    view.getUint32(0) === 0x464c5531 &&
    view.getUint8(4) === 1 &&
    view.getUint8(5) === DTYPE_CODE[format.dtype] &&
    view.getUint8(6) === 1 &&
    view.getUint8(7) === 0 &&
    view.getUint32(8, true) === format.scale &&
    view.getUint32(12, true) === n
  )
}

/**
 * The values of an update that passed checkUpdate when it was submitted (its CID's bytes never
 * change): the fixed header compared in place and the values widened with one typed-array copy,
 * instead of decodeUpdateBlob's per-element reads. The result is the same Int32Array; anything
 * unexpected (another header, a big-endian host, a misaligned view) takes checkUpdate's path.
 */
export function submittedValues(bytes: Uint8Array, format: RoundFormat, into?: Int32Array): Int32Array {
  const width = format.dtype === 'int8' ? 1 : format.dtype === 'int16' ? 2 : 4
  const values = hasRoundHeader(bytes, format, width)
    ? widen(bytes, format.dtype as UpdateDtype, format.parameterCount, true, into)
    : undefined
  return values ?? checkUpdate(bytes, format).values
}

/**
 * The values of a submitted int16 update read in place: an Int16Array over the blob's body, no
 * copy. Undefined unless the round is int16, the header is the round's, the host is
 * little-endian and the body is 2-byte aligned in its buffer; the caller then widens with
 * submittedValues. Like submittedValues it does not re-scan for −32768 (checked at submission);
 * a rule reading such a value would refuse it by its own range check.
 */
export function submittedInt16View(bytes: Uint8Array, format: RoundFormat): Int16Array | undefined {
  const offset = bytes.byteOffset + HEADER_BYTES
  if (format.dtype !== 'int16' || !LITTLE_ENDIAN || offset % 2 !== 0 || !hasRoundHeader(bytes, format, 2)) return undefined
  return new Int16Array(bytes.buffer, offset, format.parameterCount)
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
  if (!LITTLE_ENDIAN) return encodeUpdateBlob({ dtype, shape: [values.length], scale, values })
  const bytes = vectorHeader(dtype, scale, values.length, new Uint8Array(HEADER_BYTES + values.length * WIDTH[dtype]))
  const body =
    dtype === 'int8'
      ? new Int8Array(bytes.buffer, HEADER_BYTES)
      : dtype === 'int16'
        ? new Int16Array(bytes.buffer, HEADER_BYTES)
        : new Int32Array(bytes.buffer, HEADER_BYTES)
  body.set(values)
  return bytes
}

/** `bytes` (a buffer of its own, offset 0, length 16 + n·width) with the rank-1 header written. */
function vectorHeader(dtype: UpdateDtype, scale: number, n: number, bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES)
  view.setUint32(0, 0x464c5531)
  view.setUint8(4, 1)
  view.setUint8(5, DTYPE_CODE[dtype]!)
  view.setUint8(6, 1)
  view.setUint8(7, 0)
  view.setUint32(8, scale, true)
  view.setUint32(12, n, true)
  return bytes
}

/** The base model of a round: an update blob of shape [parameterCount] (any dtype); throws BAD_BASE_MODEL. */
export function checkModel(bytes: Uint8Array, parameterCount: number, cid: string): QuantizedUpdate {
  let model: QuantizedUpdate
  try {
    model = decodeUpdateBlob(bytes)
  } catch (error) {
    if (error instanceof FlError)
      throw trainingError('BAD_BASE_MODEL', `base model ${cid} is not a model blob: ${error.plainMessage}`, { cid })
    throw error
  }
  if (model.shape.length !== 1 || model.shape[0] !== parameterCount) {
    throw trainingError(
      'BAD_BASE_MODEL',
      `base model ${cid} has shape [${model.shape.join(', ')}], the subnet's model [${parameterCount}]`,
      { cid },
    )
  }
  return model
}

/** The rule's result on the round's updates (weights: capped sample counts; reputations: all REPUTATION_UNIT until a reputation module supplies them). */
export function aggregate(
  rule: AggregationRule,
  updates: readonly Int32Array[],
  weights: readonly number[],
  into?: Int32Array,
): Int32Array {
  return refusalsAsAggregationFailed(
    rule,
    () => rule.fast({ updates, weights, reputations: weights.map(() => REPUTATION_UNIT) }, into).values,
  )
}

function refusalsAsAggregationFailed(rule: AggregationRule, run: () => Int32Array): Int32Array {
  try {
    return run()
  } catch (error) {
    if (error instanceof FlError)
      throw trainingError('AGGREGATION_FAILED', `${rule.name} refused the round's updates: ${error.plainMessage}`, { reason: error.code })
    throw error
  }
}

/** base + aggregate (rescaled to the base's scale), saturated to int32: the next global model's values. */
export function nextModelValues(base: QuantizedUpdate, aggregateValues: Int32Array, roundScale: number, into?: Int32Array): Int32Array {
  const n = base.values.length
  const out = into ?? new Int32Array(n)
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

/** The bytes an aggregator claims: the blobs its MsgSubmitAggregate names as result and next model. */
export interface AggregateClaim {
  aggregate: Uint8Array
  model: Uint8Array
}

/** MsgSubmitAggregate's verdict: the claim matches the recomputation, or the CIDs it should have named. */
export type AggregateVerdict = { matches: true } | { matches: false; aggregateCid: string; modelCid: string }

/**
 * Everything MsgSubmitAggregate computes from blobs (what bench/round-verify.ts times): the
 * values of each included update, the base model, then recompute, and the result held against
 * the two blobs the aggregator claims. The inputs are not hashed again here: the block's reader
 * answers a CID with that CID's bytes (the node's store checks every block against its CID on
 * the way in, DESIGN §5), and each update's bytes were hashed and checked against this round
 * when submitted (BLOB_MISMATCH and the update codes, at submit). A node whose reader broke that
 * promise would compute another verdict and leave consensus, as it would with any corrupted
 * local state; re-hashing K·N bytes on every node would cost more than the rule itself.
 *
 * The same promise makes the claim cheap to check: the message declares its result and model
 * blobs (the node holds them before it executes), so equal bytes are equal CIDs, and a byte
 * comparison replaces hashing both outputs to their UnixFS CIDs — which took as long as the
 * rule itself at K = 10, N = 159,010 (docs/perf.md). Only a claim that differs is hashed, for
 * the rejection record's expected CIDs. Throws BAD_BASE_MODEL, AGGREGATION_FAILED (or an update
 * code if an input is not what was submitted).
 *
 * The bytes are those of `recompute` on the same inputs, bit for bit (test/unit/modules/
 * training/verify-views.test.ts); the work differs only in copies. A rule with `fastInt16` reads
 * int16 updates in place (when every blob gives an aligned view; else all are widened, one
 * element type per call), an int32 base model is read in place, and the aggregate, the next
 * model and both blobs live in buffers reused from one verification to the next (nothing but
 * the verdict leaves).
 */
export function verifyAggregate(
  rule: AggregationRule,
  updates: readonly NamedBlob[],
  weights: readonly number[],
  base: NamedBlob,
  format: RoundFormat,
  claimed: AggregateClaim,
): AggregateVerdict {
  // The harness's planted bug (test-only): any claim is taken on trust.
  if (ACCEPT_AGGREGATE) return { matches: true }
  const n = format.parameterCount
  const inputs = updateInputs(rule, updates, format)
  const model = baseModelOf(base.bytes, n, base.cid)
  const reputations = weights.map(() => REPUTATION_UNIT)
  const into = reused.aggregate(n)
  const values = refusalsAsAggregationFailed(rule, () =>
    inputs.int16 !== undefined
      ? rule.fastInt16!({ updates: inputs.int16, weights, reputations }, into).values
      : rule.fast({ updates: inputs.int32, weights, reputations }, into).values,
  )
  const aggregateBytes = encodeVectorInto(
    format.dtype as UpdateDtype,
    format.scale,
    values,
    reused.aggregateBlob(HEADER_BYTES + n * WIDTH[format.dtype as UpdateDtype]),
  )
  const modelBytes = reused.modelBlob(HEADER_BYTES + 4 * n)
  if (LITTLE_ENDIAN)
    nextModelValues(
      model,
      values,
      format.scale,
      new Int32Array(vectorHeader(MODEL_DTYPE, model.scale, n, modelBytes).buffer, HEADER_BYTES, n),
    )
  else modelBytes.set(encodeVector(MODEL_DTYPE, model.scale, nextModelValues(model, values, format.scale)))
  if (sameBytes(aggregateBytes, claimed.aggregate) && sameBytes(modelBytes, claimed.model)) return { matches: true }
  return { matches: false, aggregateCid: blobCid(aggregateBytes), modelCid: blobCid(modelBytes) }
}

const ACCEPT_AGGREGATE = testSwitch('accept-aggregate')

/** Byte equality through Buffer's memcmp (a JS loop over a 636 kB model costs a good part of the hashing it replaces). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length))
}

/** The updates as the rule will read them: int16 views where it has `fastInt16` and every blob gives one, else widened into the reused scratch (throwing the update codes as submittedValues does). */
function updateInputs(
  rule: AggregationRule,
  updates: readonly NamedBlob[],
  format: RoundFormat,
): { int16: Int16Array[]; int32?: undefined } | { int16?: undefined; int32: Int32Array[] } {
  if (rule.fastInt16 !== undefined) {
    const views = updates.map((u) => submittedInt16View(u.bytes, format))
    if (views.every((v) => v !== undefined)) return { int16: views as Int16Array[] }
  }
  const n = format.parameterCount
  const buffer = reused.updates(updates.length * n)
  return { int32: updates.map((u, j) => submittedValues(u.bytes, format, buffer.subarray(j * n, (j + 1) * n))) }
}

/** modelOf, except that an int32 body aligned in its buffer is read in place (scanned for −2^31, which decodeUpdateBlob refuses) instead of copied. */
function baseModelOf(bytes: Uint8Array, parameterCount: number, cid: string): QuantizedUpdate {
  const offset = bytes.byteOffset + HEADER_BYTES
  if (LITTLE_ENDIAN && offset % 4 === 0 && bytes.length === HEADER_BYTES + 4 * parameterCount) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const scale = view.getUint32(8, true)
    const header =
      view.getUint32(0) === 0x464c5531 &&
      view.getUint8(4) === 1 &&
      view.getUint8(5) === DTYPE_CODE[MODEL_DTYPE] &&
      view.getUint8(6) === 1 &&
      view.getUint8(7) === 0 &&
      scale >= 1 &&
      view.getUint32(12, true) === parameterCount
    const values = header ? new Int32Array(bytes.buffer, offset, parameterCount) : undefined
    if (values !== undefined && values.indexOf(-2147483648) === -1) return { dtype: MODEL_DTYPE, shape: [parameterCount], scale, values }
  }
  return modelOf(bytes, parameterCount, cid)
}

/** encodeVector's bytes, written into `bytes` (a buffer of its own at offset 0, of exactly the blob's length). */
function encodeVectorInto(dtype: UpdateDtype, scale: number, values: Int32Array, bytes: Uint8Array): Uint8Array {
  if (!LITTLE_ENDIAN) {
    bytes.set(encodeVector(dtype, scale, values))
    return bytes
  }
  vectorHeader(dtype, scale, values.length, bytes)
  const n = values.length
  const body =
    dtype === 'int8'
      ? new Int8Array(bytes.buffer, HEADER_BYTES, n)
      : dtype === 'int16'
        ? new Int16Array(bytes.buffer, HEADER_BYTES, n)
        : new Int32Array(bytes.buffer, HEADER_BYTES, n)
  body.set(values)
  return bytes
}

// Buffers of the last aggregate verified, kept for the next: the widened updates (K·N int32, the
// largest allocation of a verification when the rule cannot read int16 in place), the aggregate
// and the two blobs hashed; fresh memory costs a page fault per 4 KiB (several times the rule's
// own time at K = 50, N = 1M). Every element is written before it is read, and nothing outlives
// the call (only the verdict leaves), so reuse cannot change a result. Execution is synchronous: no two
// verifications share them at once. Each blob is a prefix of its own buffer (offset 0, so the
// bodies are aligned) of exactly its length, and is hashed as such.
const reused = (() => {
  let updates = new Int32Array(0)
  let aggregateValues = new Int32Array(0)
  let aggregateBlob = new Uint8Array(0)
  let modelBlob = new Uint8Array(0)
  return {
    updates(length: number): Int32Array {
      if (updates.length < length) updates = new Int32Array(length)
      return updates
    },
    aggregate(length: number): Int32Array {
      if (aggregateValues.length < length) aggregateValues = new Int32Array(length)
      return aggregateValues.subarray(0, length)
    },
    aggregateBlob(length: number): Uint8Array {
      if (aggregateBlob.length < length) aggregateBlob = new Uint8Array(length)
      return aggregateBlob.subarray(0, length)
    },
    modelBlob(length: number): Uint8Array {
      if (modelBlob.length < length) modelBlob = new Uint8Array(length)
      return modelBlob.subarray(0, length)
    },
  }
})()

/** The aggregate blob and the next model blob, encoded as the FL library does, and their CIDs. */
export function recompute(
  rule: AggregationRule,
  updates: readonly Int32Array[],
  weights: readonly number[],
  base: QuantizedUpdate,
  format: RoundFormat,
): Recomputed {
  const values = aggregate(rule, updates, weights)
  const aggregateBytes = encodeVector(format.dtype as UpdateDtype, format.scale, values)
  const modelBytes = encodeVector(MODEL_DTYPE, base.scale, nextModelValues(base, values, format.scale))
  return { aggregateBytes, aggregateCid: blobCid(aggregateBytes), modelBytes, modelCid: blobCid(modelBytes) }
}
