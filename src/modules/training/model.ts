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
  const out = new Int32Array(base.values.length)
  const same = base.scale === roundScale
  const sModel = BigInt(base.scale)
  const sRound = BigInt(roundScale)
  for (let i = 0; i < out.length; i++) {
    const a = same ? aggregateValues[i]! : Number(roundDivBig(BigInt(aggregateValues[i]!) * sModel, sRound))
    const v = base.values[i]! + a
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

/** The aggregate blob and the next model blob, encoded as the FL library does, and their CIDs. */
export function recompute(rule: AggregationRule, updates: readonly Int32Array[], weights: readonly number[], base: QuantizedUpdate, format: RoundFormat): Recomputed {
  const values = aggregate(rule, updates, weights)
  const shape = [format.parameterCount]
  const aggregateBytes = encodeUpdateBlob({ dtype: format.dtype as UpdateDtype, shape, scale: format.scale, values })
  const modelBytes = encodeUpdateBlob({ dtype: MODEL_DTYPE, shape, scale: base.scale, values: nextModelValues(base, values, format.scale) })
  return { aggregateBytes, aggregateCid: blobCid(aggregateBytes), modelBytes, modelCid: blobCid(modelBytes) }
}
