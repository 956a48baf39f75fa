import { array, bool, bytes, fixedBytes, optional, string, u16, u32, u64, u8, uint } from './primitives.js'
import { struct, union } from './struct.js'

/** Schema constructors: `t.u32`, `t.array(t.bytes({ max: 64 }), { max: 8 })`, `t.union(...)`. */
export const t = { bool, u8, u16, u32, u64, uint, bytes, fixedBytes, string, array, optional, struct, union }

export { struct, union, type StructType, type StructValue, type Tagged } from './struct.js'
export { encode, decode, decodeStored, equalBytes, DEFAULT_MAX_DECODE_BYTES } from './canonical.js'
export { peekStructTag } from './peek.js'
export { CodecError, type CodecErrorCode, type CodecErrorContext } from './errors.js'
export type { Type, Infer, Wire } from './type.js'
export { CODEC_TAG_RANGES, tagOwner, type CodecTagOwner } from './tags.js'
