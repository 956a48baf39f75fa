import { createCipheriv } from 'node:crypto'

export const KiB = 1024
export const MiB = 1024 * 1024

/** Deterministic pseudo-random bytes (AES-128-CTR of zeros under a seed-derived key): fast for 40 MiB. */
export function pseudoRandomBytes(length: number, seed = 1): Uint8Array {
  const key = Buffer.alloc(16)
  key.writeUInt32BE(seed, 0)
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16))
  const out = cipher.update(Buffer.alloc(length))
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}
