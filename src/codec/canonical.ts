import { Packr } from 'msgpackr'
import { bytesEqual, freshView } from '../bytes.js'
import { CodecError } from './errors.js'
import type { Type } from './type.js'

// One configuration for every encode and decode: no records or shared structures (they make
// bytes depend on history), 64-bit integers decode as bigint (never a lossy float).
const packr = new Packr({
  useRecords: false,
  structuredClone: false,
  int64AsType: 'bigint',
  mapsAsObjects: false,
  bundleStrings: false,
})

/** Default cap on decoded input; callers with a tighter bound (transactions, votes) pass theirs. */
export const DEFAULT_MAX_DECODE_BYTES = 16 * 1024 * 1024

/** The one encoding of `value` under `type`. Throws CodecError if the value does not fit the schema. */
export function encode<T>(type: Type<T>, value: T): Uint8Array {
  // msgpackr returns a slice of a shared pool it keeps writing into: hand out a private copy.
  const packed = packr.pack(type.toWire(value, ''))
  return new Uint8Array(packed)
}

/**
 * Decodes `bytes` and accepts them only if they are exactly the canonical encoding of the
 * value they decode to (re-encode and compare), so every value has one byte string and one hash.
 */
export function decode<T>(type: Type<T>, bytes: Uint8Array, options: { maxBytes?: number } = {}): T {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DECODE_BYTES
  if (bytes.length > maxBytes) {
    throw new CodecError('TOO_LARGE', `${bytes.length} bytes exceed the limit of ${maxBytes}`, { limit: maxBytes, size: bytes.length })
  }
  const value = decodeStored(type, bytes)
  const canonical = encode(type, value)
  if (!equalBytes(canonical, bytes)) {
    throw new CodecError('NON_CANONICAL', `input is not the canonical encoding of its ${type.name}`, {
      expected: type.name,
      size: bytes.length,
    })
  }
  return value
}

/**
 * Decodes bytes known to be canonical, skipping the re-encode `decode` does for untrusted input:
 * what this node encoded itself and stored (state values, read back from a store whose root was
 * checked on open), or bytes `decode` already accepted (a committed tx that executed successfully).
 * Never for bytes fresh from a peer, a client or a file.
 */
export function decodeStored<T>(type: Type<T>, bytes: Uint8Array): T {
  let wire: unknown
  try {
    // msgpackr decorates the buffer it reads (a cached DataView): give it a view of our own.
    wire = packr.unpack(freshView(bytes))
  } catch (error) {
    throw new CodecError('MALFORMED', `not a MessagePack value: ${(error as Error).message}`, {}, { cause: error })
  }
  return type.fromWire(wire, '')
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return bytesEqual(a, b)
}
