/**
 * Byte helpers that run in Node and in a browser. Node's Buffer does these natively and is kept
 * on the node's hot paths (hex of every tx hash, memo keys); a browser bundle of the client has
 * no Buffer and gets the plain loops, which give the same results.
 */
const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
const utf8 = new TextEncoder()

export function toHex(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')
  let hex = ''
  for (const byte of bytes) hex += HEX[byte]
  return hex
}

/** @throws TypeError for anything but an even number of hex digits. */
export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new TypeError(`not a hex string: ${hex.slice(0, 20)}`)
  if (NodeBuffer !== undefined) return Uint8Array.from(NodeBuffer.from(hex, 'hex'))
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  if (NodeBuffer !== undefined) return NodeBuffer.compare(a, b) === 0
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** One char per byte: a cheap exact Map key for short byte strings (keys, addresses). */
export function latin1(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1')
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return text
}

export function utf8Length(text: string): number {
  return NodeBuffer !== undefined ? NodeBuffer.byteLength(text, 'utf8') : utf8.encode(text).length
}

/** A view msgpackr may decorate (it caches a DataView on what it reads): a Buffer in Node. */
export function freshView(bytes: Uint8Array): Uint8Array {
  return NodeBuffer !== undefined
    ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)
}
