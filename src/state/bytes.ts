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
