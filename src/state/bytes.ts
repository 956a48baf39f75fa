/**
 * State keys are byte strings; in memory they are held as latin1 strings (one char per byte),
 * which Maps hash quickly and which sort in the same order as the bytes.
 */
export function keyId(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1')
}

export function keyBytes(id: string): Uint8Array {
  return Uint8Array.from(Buffer.from(id, 'latin1'))
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

const ENCODER = new TextEncoder()
export const utf8 = (text: string): Uint8Array => ENCODER.encode(text)

/** A u64 as 8 big-endian bytes: how module keys hold ids, rounds and heights, so that keys sort as the numbers do. */
export function u64Bytes(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8)
  new DataView(bytes.buffer).setBigUint64(0, value)
  return bytes
}

/** The big-endian u64 at `at` of `bytes` (a key's id part). */
export const readU64 = (bytes: Uint8Array, at = 0): bigint => new DataView(bytes.buffer, bytes.byteOffset + at, 8).getBigUint64(0)

/**
 * A key parser's shape check: `key` starts with the layout's first byte and has its length
 * (`null`: any length). Throws naming the module and the layout; a parser is handed only keys
 * its module wrote, so a failure is a bug, not bad input.
 */
export function expectKey(module: string, key: Uint8Array, first: number, length: number | null, what: string): void {
  if (key[0] !== first || (length !== null && key.length !== length))
    throw new Error(`not a ${module} ${what} key: ${Buffer.from(key).toString('hex')}`)
}
