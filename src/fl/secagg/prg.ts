import { createCipheriv } from 'node:crypto'
import { MODULUS } from './ring.js'

/**
 * The mask PRG (specified here, consensus-critical: validators expand dropped trainers' masks):
 *
 *   mask(seed, n) = the first n little-endian u32 words of the ChaCha20 keystream (RFC 8439:
 *   key = seed (32 bytes), nonce = 12 zero bytes, block counter from 0) that are not
 *   0xFFFFFFFF, each one a residue in [0, 2^32 − 1).
 *
 * Skipping the one word ≥ M keeps the residues exactly uniform (rejection, probability 2^−32 per
 * word). The zero nonce is safe because every seed is used for one mask only: seeds are derived
 * per pair and per round (keys.ts).
 */
export function maskStream(seed: Uint8Array, n: number): Uint32Array {
  if (seed.length !== 32) throw new RangeError('mask seed must be 32 bytes')
  // OpenSSL's chacha20 takes a 16-byte IV: the 32-bit block counter (little-endian), then the nonce.
  const cipher = createCipheriv('chacha20', seed, new Uint8Array(16))
  const first = cipher.update(new Uint8Array(4 * n))
  // the usual case, one word in 2^32 apart: no word to skip, and the keystream's own buffer is the mask
  if (first.byteOffset % 4 === 0) {
    const words = new Uint32Array(first.buffer, first.byteOffset, n)
    if (words.indexOf(MODULUS) === -1) return words
  }
  const out = new Uint32Array(n)
  let filled = 0
  let bytes: Uint8Array = first
  for (;;) {
    const words = new Uint32Array(Uint8Array.from(bytes).buffer)
    for (let i = 0; i < words.length && filled < n; i++) {
      const w = words[i]!
      if (w !== MODULUS) out[filled++] = w
    }
    if (filled === n) return out
    bytes = cipher.update(new Uint8Array(4 * Math.max(16, n - filled)))
  }
}

/** acc[i] += sign · mask(seed)[i]: the hot loop of masking and of removing a dropped trainer's masks. */
export function addMask(acc: Float64Array, seed: Uint8Array, sign: 1 | -1): void {
  const mask = maskStream(seed, acc.length)
  if (sign === 1) for (let i = 0; i < acc.length; i++) acc[i]! += mask[i]!
  else for (let i = 0; i < acc.length; i++) acc[i]! -= mask[i]!
}
