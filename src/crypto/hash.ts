import { hash } from 'node:crypto'

/** SHA-256 through OpenSSL (~15× noble's pure-JS speed here); bit-identical by definition. */
export function sha256(data: Uint8Array): Uint8Array {
  const digest = hash('sha256', data, 'buffer') as unknown as Buffer
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length)
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new TypeError(`not a hex string: ${hex.slice(0, 20)}`)
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}
