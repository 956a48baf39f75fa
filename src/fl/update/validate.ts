import { FlError } from '../errors.js'
import { decodeUpdateBlob, updateBlobCid, type QuantizedUpdate, type UpdateDtype } from './blob.js'

/** What a round expects of every update: the subnet's model shape and quantization. */
export interface UpdateExpectations {
  readonly dtype: UpdateDtype
  readonly shape: readonly number[]
  readonly scale: number
  readonly maxAbs: number
  /** When given, the blob must hash to this CID (string form). */
  readonly cid?: string
}

/**
 * The chain's check of a submitted update: decode strictly, then match the round's dtype,
 * shape and scale, and the declared value range. Returns the decoded update.
 */
export async function validateUpdateBlob(bytes: Uint8Array, expected: UpdateExpectations): Promise<QuantizedUpdate> {
  if (expected.cid !== undefined) {
    const actual = (await updateBlobCid(bytes)).toString()
    if (actual !== expected.cid)
      throw new FlError('FL_CID_MISMATCH', 'blob does not hash to the submitted CID', { expected: expected.cid, actual })
  }
  const update = decodeUpdateBlob(bytes)
  if (update.dtype !== expected.dtype)
    throw new FlError('FL_UPDATE_MISMATCH', 'dtype differs from the round', {
      field: 'dtype',
      expected: expected.dtype,
      actual: update.dtype,
    })
  if (update.shape.length !== expected.shape.length || update.shape.some((d, i) => d !== expected.shape[i]))
    throw new FlError('FL_UPDATE_MISMATCH', 'shape differs from the model', {
      field: 'shape',
      expected: expected.shape.join('x'),
      actual: update.shape.join('x'),
    })
  if (update.scale !== expected.scale)
    throw new FlError('FL_UPDATE_MISMATCH', 'scale differs from the round', {
      field: 'scale',
      expected: String(expected.scale),
      actual: String(update.scale),
    })
  const { values } = update
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (v > expected.maxAbs || v < -expected.maxAbs)
      throw new FlError('FL_VALUE_RANGE', 'value outside the round range', { index: i, value: v, maxAbs: expected.maxAbs })
  }
  return update
}
