import { sha256 } from '../crypto/hash.js'

/**
 * SHA-256 (FIPS 180-4) in plain JS for the state tree's hot path, writing digests into the
 * caller's buffer or handing them back as words. Through node:crypto a 65-byte node costs
 * ~0.9 µs, nearly all of it call overhead and a fresh Buffer per digest (its two compressions
 * take ~0.1 µs with SHA-NI); here the same node costs ~0.5 µs and allocates nothing. Inputs
 * longer than SHORT_MAX go to the platform hash, whose throughput wins there. Bit-identical to
 * node:crypto by definition (test/unit/state/smt-sha256.test.ts, and the pinned roots of
 * smt-pinned.test.ts for the word forms).
 *
 * Tried and dropped: the same compression as an unrolled WebAssembly module assembled at load
 * time. Alone it was ~1.6× faster per node, but inside a block commit the tree got ~5 % faster,
 * within the noise of this machine, for 190 lines of assembler and a browser fallback.
 */

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])
const IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])

/** Inputs up to this length (three blocks with padding) are hashed here; longer ones natively. */
export const SHORT_MAX = 3 * 64 - 9

// Scratch shared by every call: the chaining state, one block's schedule (W[i] + K[i]) and the
// padded message of a short input. Single-threaded and never re-entered, so one copy suffices.
const H = new Int32Array(8)
const WK = new Int32Array(64)
const PADDED = new Uint8Array(3 * 64)

/** Extends W[0..15] (already in WK) to the full schedule and adds the round constants. */
function schedule(): void {
  for (let i = 16; i < 64; i++) {
    const a = WK[i - 15]!
    const b = WK[i - 2]!
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3)
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10)
    WK[i] = (WK[i - 16]! + s0 + WK[i - 7]! + s1) | 0
  }
  for (let i = 0; i < 64; i++) WK[i] = (WK[i]! + K[i]!) | 0
}

/** The 64 rounds over a prepared schedule `wk[at..at+64)`, folded into H. */
function rounds(wk: Int32Array, at: number): void {
  let a = H[0]!
  let b = H[1]!
  let c = H[2]!
  let d = H[3]!
  let e = H[4]!
  let f = H[5]!
  let g = H[6]!
  let h = H[7]!
  for (let i = at; i < at + 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + wk[i]!) | 0
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  H[0] = (H[0]! + a) | 0
  H[1] = (H[1]! + b) | 0
  H[2] = (H[2]! + c) | 0
  H[3] = (H[3]! + d) | 0
  H[4] = (H[4]! + e) | 0
  H[5] = (H[5]! + f) | 0
  H[6] = (H[6]! + g) | 0
  H[7] = (H[7]! + h) | 0
}

/**
 * The second block of a 65-byte message is its last byte, the 0x80 terminator, zeros and the
 * length (520 bits): it depends on one byte only, so its 256 possible schedules are computed
 * once (64 KiB) and a node costs one schedule instead of two.
 */
const TAIL65 = (() => {
  const table = new Int32Array(256 * 64)
  for (let last = 0; last < 256; last++) {
    WK.fill(0)
    WK[0] = (last << 24) | 0x800000
    WK[15] = 65 * 8
    schedule()
    table.set(WK, last * 64)
  }
  return table
})()

function writeDigest(out: Uint8Array, at: number): void {
  for (let i = 0; i < 8; i++) {
    const v = H[i]!
    const o = at + 4 * i
    out[o] = v >>> 24
    out[o + 1] = v >>> 16
    out[o + 2] = v >>> 8
    out[o + 3] = v
  }
}

/** Loads the message words of domain ‖ left ‖ right, one byte off the word grid because of `domain`. */
function loadNode(domain: number, left: Uint8Array, right: Uint8Array): void {
  WK[0] = (domain << 24) | (left[0]! << 16) | (left[1]! << 8) | left[2]!
  for (let k = 1; k < 8; k++) {
    const j = 4 * k - 1
    WK[k] = (left[j]! << 24) | (left[j + 1]! << 16) | (left[j + 2]! << 8) | left[j + 3]!
  }
  WK[8] = (left[31]! << 24) | (right[0]! << 16) | (right[1]! << 8) | right[2]!
  for (let k = 9; k < 16; k++) {
    const j = 4 * k - 33
    WK[k] = (right[j]! << 24) | (right[j + 1]! << 16) | (right[j + 2]! << 8) | right[j + 3]!
  }
}

/** Compresses the 65-byte message in WK[0..16) whose last byte is `last`. */
function compressNode(last: number): void {
  schedule()
  H.set(IV)
  rounds(WK, 0)
  rounds(TAIL65, last * 64)
}

/** SHA-256(domain ‖ left ‖ right) into out[at..at+32): one tree node, `left` and `right` 32 bytes each. */
export function hashNodeInto(domain: number, left: Uint8Array, right: Uint8Array, out: Uint8Array, at: number): void {
  loadNode(domain, left, right)
  compressNode(right[31]!)
  writeDigest(out, at)
}

/** SHA-256(domain ‖ left ‖ right) as eight big-endian words, valid until the next call. */
export function hashNodeDigest(domain: number, left: Uint8Array, right: Uint8Array): Int32Array {
  loadNode(domain, left, right)
  compressNode(right[31]!)
  return H
}

/**
 * The 16 big-endian message words of a 65-byte node message, for callers that hold digests
 * as words (the tree's nodes): fill all of them, then call compressNodeMessage. Every hash
 * overwrites them.
 */
export const NODE_MESSAGE: Int32Array = WK.subarray(0, 16)

/** SHA-256 of the node message in NODE_MESSAGE, whose 65th byte is `last`: eight big-endian words, valid until the next call. */
export function compressNodeMessage(last: number): Int32Array {
  compressNode(last)
  return H
}

/** SHA-256(data) into out[at..at+32), for inputs of any length. */
export function hashInto(data: Uint8Array, out: Uint8Array, at: number): void {
  const length = data.length
  if (length > SHORT_MAX) {
    out.set(sha256(data), at)
    return
  }
  const end = length + 9 <= 64 ? 64 : length + 9 <= 128 ? 128 : 192
  PADDED.set(data)
  PADDED[length] = 0x80
  PADDED.fill(0, length + 1, end - 4)
  const bits = length * 8
  PADDED[end - 4] = bits >>> 24
  PADDED[end - 3] = bits >>> 16
  PADDED[end - 2] = bits >>> 8
  PADDED[end - 1] = bits
  H.set(IV)
  for (let block = 0; block < end; block += 64) {
    for (let k = 0; k < 16; k++) {
      const j = block + 4 * k
      WK[k] = (PADDED[j]! << 24) | (PADDED[j + 1]! << 16) | (PADDED[j + 2]! << 8) | PADDED[j + 3]!
    }
    schedule()
    rounds(WK, 0)
  }
  writeDigest(out, at)
}
