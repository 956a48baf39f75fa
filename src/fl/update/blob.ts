import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { FlError } from '../errors.js'

/**
 * The wire format of a quantized update, self-describing and canonical (one value, one byte
 * string, one CID). Little-endian throughout:
 *
 *   offset 0  magic   "FLU1" (4 bytes)
 *          4  version u8 = 1
 *          5  dtype   u8: 1 = int8, 2 = int16, 3 = int32
 *          6  rank    u8 in 1..4
 *          7  reserved u8 = 0
 *          8  scale   u32 ≥ 1 (integer steps per unit)
 *         12  dims    u32 × rank, each ≥ 1
 *          …  values  prod(dims) × width(dtype), two's complement
 *
 * Nothing may follow the values. The subnet fixes dtype, shape and scale, so an update has
 * exactly one valid encoding for its round.
 */
export type UpdateDtype = 'int8' | 'int16' | 'int32'

export interface QuantizedUpdate {
  readonly dtype: UpdateDtype
  readonly shape: readonly number[]
  readonly scale: number
  readonly values: Int32Array
}

const MAGIC = [0x46, 0x4c, 0x55, 0x31] // "FLU1"
export const BLOB_VERSION = 1
export const BLOB_HEADER_BYTES = 12
export const MAX_BLOB_RANK = 4
/** Upper bound on elements a decoder accepts before allocating anything. */
export const MAX_BLOB_ELEMENTS = 2 ** 28

const DTYPE_CODES: Record<UpdateDtype, number> = { int8: 1, int16: 2, int32: 3 }
const DTYPE_WIDTH: Record<UpdateDtype, number> = { int8: 1, int16: 2, int32: 4 }
const DTYPE_LIMIT: Record<UpdateDtype, number> = { int8: 127, int16: 32767, int32: 2147483647 }
const DTYPE_BY_CODE: readonly (UpdateDtype | undefined)[] = [undefined, 'int8', 'int16', 'int32']

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

/** Encodes an update; throws if it would not decode back to itself. */
export function encodeUpdateBlob(update: QuantizedUpdate): Uint8Array {
  const { dtype, shape, scale, values } = update
  const code = DTYPE_CODES[dtype]
  if (code === undefined) throw new FlError('FL_BLOB_DTYPE', `unknown dtype ${String(dtype)}`, { dtype: -1 })
  if (shape.length < 1 || shape.length > MAX_BLOB_RANK) throw new FlError('FL_BLOB_RANK', 'rank must be 1..4', { rank: shape.length })
  if (!shape.every((d) => Number.isInteger(d) && d >= 1 && d <= 0xffffffff))
    throw new FlError('FL_BLOB_SHAPE', 'dimensions must be integers ≥ 1', { shape })
  if (!Number.isInteger(scale) || scale < 1 || scale > 0xffffffff) throw new FlError('FL_BLOB_SCALE', 'scale must be a u32 ≥ 1', { scale })
  const count = elementCount(shape)
  if (count > MAX_BLOB_ELEMENTS) throw new FlError('FL_BLOB_SIZE', 'too many elements', { elements: count, max: MAX_BLOB_ELEMENTS })
  if (values.length !== count)
    throw new FlError('FL_BLOB_LENGTH', 'values do not match the shape', { length: values.length, expected: count })
  const limit = DTYPE_LIMIT[dtype]
  const width = DTYPE_WIDTH[dtype]
  const headerBytes = BLOB_HEADER_BYTES + 4 * shape.length
  const bytes = new Uint8Array(headerBytes + count * width)
  const view = new DataView(bytes.buffer)
  bytes.set(MAGIC, 0)
  view.setUint8(4, BLOB_VERSION)
  view.setUint8(5, code)
  view.setUint8(6, shape.length)
  view.setUint8(7, 0)
  view.setUint32(8, scale, true)
  shape.forEach((d, i) => view.setUint32(BLOB_HEADER_BYTES + 4 * i, d, true))
  for (let i = 0; i < count; i++) {
    const v = values[i]!
    // symmetric range: -2^(bits-1) is excluded so that negating an update stays in range
    if (v > limit || v < -limit) throw new FlError('FL_VALUE_RANGE', `value does not fit ${dtype}`, { index: i, value: v, maxAbs: limit })
    const at = headerBytes + i * width
    if (width === 1) view.setInt8(at, v)
    else if (width === 2) view.setInt16(at, v, true)
    else view.setInt32(at, v, true)
  }
  return bytes
}

/**
 * Decodes a blob, rejecting every malformed input with a typed error: short header, wrong
 * magic, version, dtype code, rank, reserved byte, zero scale or dimension, too many elements,
 * truncated or trailing bytes, and values outside the dtype's symmetric range.
 */
export function decodeUpdateBlob(bytes: Uint8Array): QuantizedUpdate {
  if (bytes.length < BLOB_HEADER_BYTES)
    throw new FlError('FL_BLOB_TRUNCATED', 'shorter than the header', { length: bytes.length, needed: BLOB_HEADER_BYTES })
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i])
      throw new FlError('FL_BLOB_MAGIC', 'not an update blob', {
        magic: Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(''),
      })
  }
  const version = view.getUint8(4)
  if (version !== BLOB_VERSION) throw new FlError('FL_BLOB_VERSION', `unsupported version ${version}`, { version })
  const code = view.getUint8(5)
  const dtype = DTYPE_BY_CODE[code]
  if (dtype === undefined) throw new FlError('FL_BLOB_DTYPE', `unknown dtype code ${code}`, { dtype: code })
  const rank = view.getUint8(6)
  if (rank < 1 || rank > MAX_BLOB_RANK) throw new FlError('FL_BLOB_RANK', `rank ${rank} outside 1..${MAX_BLOB_RANK}`, { rank })
  const reserved = view.getUint8(7)
  if (reserved !== 0) throw new FlError('FL_BLOB_RESERVED', 'reserved byte must be zero', { value: reserved })
  const scale = view.getUint32(8, true)
  if (scale === 0) throw new FlError('FL_BLOB_SCALE', 'scale must be ≥ 1', { scale })
  const headerBytes = BLOB_HEADER_BYTES + 4 * rank
  if (bytes.length < headerBytes) throw new FlError('FL_BLOB_TRUNCATED', 'shape cut short', { length: bytes.length, needed: headerBytes })
  const shape: number[] = []
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(BLOB_HEADER_BYTES + 4 * i, true))
  if (shape.some((d) => d === 0)) throw new FlError('FL_BLOB_SHAPE', 'zero dimension', { shape })
  const count = elementCount(shape)
  if (count > MAX_BLOB_ELEMENTS) throw new FlError('FL_BLOB_SIZE', 'too many elements', { elements: count, max: MAX_BLOB_ELEMENTS })
  const width = DTYPE_WIDTH[dtype]
  const expected = headerBytes + count * width
  if (bytes.length < expected) throw new FlError('FL_BLOB_TRUNCATED', 'values cut short', { length: bytes.length, needed: expected })
  if (bytes.length > expected) throw new FlError('FL_BLOB_LENGTH', 'trailing bytes after the values', { length: bytes.length, expected })
  const values = new Int32Array(count)
  const limit = DTYPE_LIMIT[dtype]
  for (let i = 0; i < count; i++) {
    const at = headerBytes + i * width
    const v = width === 1 ? view.getInt8(at) : width === 2 ? view.getInt16(at, true) : view.getInt32(at, true)
    if (v < -limit) throw new FlError('FL_VALUE_RANGE', `value outside the symmetric ${dtype} range`, { index: i, value: v, maxAbs: limit })
    values[i] = v
  }
  return { dtype, shape, scale, values }
}

/** CIDv1, raw codec, sha2-256: the same address IPFS gives these bytes. */
export async function updateBlobCid(bytes: Uint8Array): Promise<CID> {
  return CID.create(1, raw.code, await sha256.digest(bytes))
}
