import { SecAggError } from './errors.js'

/**
 * Shamir secret sharing (t-of-n) over the prime field F_p, p = 2^521 − 1 (a Mersenne prime above
 * every 32-byte secret). Share j (holder x = j + 1) is f(x) for a random polynomial f of degree
 * t − 1 with f(0) = secret; any t shares give f(0) by Lagrange interpolation, and t − 1 shares
 * are consistent with every secret (information-theoretic hiding). Shares travel as 66-byte
 * big-endian field elements.
 */
export const FIELD_PRIME = (1n << 521n) - 1n
export const SHARE_BYTES = 66
/**
 * One dealt share sealed with AES-256-GCM (shares.ts): the holder's share of the dealer's round
 * secret key, then its share of the dealer's self-mask seed, and the 16-byte tag. Here, not in
 * shares.ts, so that the message codec stays free of node:crypto.
 */
export const SHARE_CIPHERTEXT_BYTES = 2 * SHARE_BYTES + 16

export interface Share {
  /** The evaluation point, 1..n. */
  readonly x: number
  readonly y: bigint
}

/** A uniform field element from `randomBytes` by rejection (521 of 528 bits kept; only p itself is redrawn). */
function randomElement(randomBytes: (n: number) => Uint8Array): bigint {
  for (;;) {
    const bytes = randomBytes(SHARE_BYTES)
    bytes[0] = bytes[0]! & 0x01
    const v = bytesToBig(bytes)
    if (v < FIELD_PRIME) return v
  }
}

/** n shares of `secret` (0 ≤ secret < p) with threshold t (1 ≤ t ≤ n). */
export function splitSecret(secret: bigint, n: number, t: number, randomBytes: (n: number) => Uint8Array): Share[] {
  if (secret < 0n || secret >= FIELD_PRIME)
    throw new SecAggError('SECAGG_PARAMS', 'the secret is not a field element', { reason: 'secret' })
  if (!Number.isInteger(t) || !Number.isInteger(n) || t < 1 || t > n)
    throw new SecAggError('SECAGG_PARAMS', `threshold ${t} must lie in 1..${n}`, { reason: 'threshold' })
  const coefficients = [secret]
  for (let i = 1; i < t; i++) coefficients.push(randomElement(randomBytes))
  const shares: Share[] = []
  for (let x = 1; x <= n; x++) {
    // Horner from the top coefficient
    let y = 0n
    const bx = BigInt(x)
    for (let i = coefficients.length - 1; i >= 0; i--) y = (y * bx + coefficients[i]!) % FIELD_PRIME
    shares.push({ x, y })
  }
  return shares
}

/**
 * f(0) from at least t shares of distinct x (the first t by x are used). Throws
 * SECAGG_TOO_FEW_SHARES below t, SECAGG_DUPLICATE_TRAINER for a repeated x, SECAGG_BAD_SHARE for a
 * y outside the field. `dealer` only labels the errors.
 */
export function combineShares(shares: readonly Share[], t: number, dealer = -1): bigint {
  const seen = new Set<number>()
  for (const s of shares) {
    if (seen.has(s.x))
      throw new SecAggError('SECAGG_DUPLICATE_TRAINER', `two shares at x = ${s.x}`, { what: 'share holder', index: s.x - 1 })
    seen.add(s.x)
    if (!Number.isInteger(s.x) || s.x < 1)
      throw new SecAggError('SECAGG_BAD_SHARE', `share point ${s.x} is not a positive integer`, { dealer, holder: s.x - 1, reason: 'x' })
    if (s.y < 0n || s.y >= FIELD_PRIME)
      throw new SecAggError('SECAGG_BAD_SHARE', 'share value outside the field', { dealer, holder: s.x - 1, reason: 'y' })
  }
  if (shares.length < t)
    throw new SecAggError('SECAGG_TOO_FEW_SHARES', `${shares.length} shares of dealer ${dealer}; ${t} are needed`, {
      dealer,
      count: shares.length,
      threshold: t,
    })
  const used = [...shares].sort((a, b) => a.x - b.x).slice(0, t)
  // Lagrange at 0: f(0) = Σ y_i · n_i / d_i, n_i = Π_{j≠i} x_j, d_i = Π_{j≠i} (x_j − x_i). Over the
  // common denominator D = Π d_i that is (Σ y_i · n_i · D / d_i) / D: one field inversion per
  // secret instead of t (an inversion is ~1,000 521-bit products by Fermat, and validators rebuild
  // a seed for every survivor of every secagg round). Exact field arithmetic either way.
  const nums: bigint[] = []
  const dens: bigint[] = []
  for (let i = 0; i < used.length; i++) {
    const xi = BigInt(used[i]!.x)
    let num = 1n
    let den = 1n
    for (let j = 0; j < used.length; j++) {
      if (j === i) continue
      const xj = BigInt(used[j]!.x)
      num = (num * xj) % FIELD_PRIME
      den = (den * mod(xj - xi)) % FIELD_PRIME
    }
    nums.push(num)
    dens.push(den)
  }
  // others[i] = Π_{j≠i} d_j from prefix and suffix products
  const suffix = new Array<bigint>(used.length + 1).fill(1n)
  for (let i = used.length - 1; i >= 0; i--) suffix[i] = (suffix[i + 1]! * dens[i]!) % FIELD_PRIME
  let prefix = 1n
  let sum = 0n
  for (let i = 0; i < used.length; i++) {
    const others = (prefix * suffix[i + 1]!) % FIELD_PRIME
    sum = (sum + ((((used[i]!.y * nums[i]!) % FIELD_PRIME) * others) % FIELD_PRIME)) % FIELD_PRIME
    prefix = (prefix * dens[i]!) % FIELD_PRIME
  }
  return (sum * inverse(suffix[0]!)) % FIELD_PRIME
}

const mod = (a: bigint): bigint => ((a % FIELD_PRIME) + FIELD_PRIME) % FIELD_PRIME

/**
 * a⁻¹ mod p by the extended Euclidean algorithm (a ≠ 0 mod p; p is prime, so it exists): a few
 * hundred bigint divisions, against Fermat's a^(p−2) at ~1,000 521-bit products.
 */
function inverse(a: bigint): bigint {
  let [r0, r1] = [FIELD_PRIME, mod(a)]
  let [s0, s1] = [0n, 1n]
  while (r1 !== 0n) {
    const q = r0 / r1
    ;[r0, r1] = [r1, r0 - q * r1]
    ;[s0, s1] = [s1, s0 - q * s1]
  }
  if (r0 !== 1n) throw new RangeError('no inverse: the value is 0 mod p')
  return mod(s0)
}

export function bytesToBig(bytes: Uint8Array): bigint {
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return v
}

export function bigToBytes(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = v
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn)
    x >>= 8n
  }
  if (x !== 0n) throw new RangeError(`value does not fit ${length} bytes`)
  return out
}

export const encodeShare = (y: bigint): Uint8Array => bigToBytes(y, SHARE_BYTES)

export function decodeShare(bytes: Uint8Array, dealer: number, holder: number): bigint {
  if (bytes.length !== SHARE_BYTES)
    throw new SecAggError('SECAGG_BAD_SHARE', `a share is ${SHARE_BYTES} bytes, not ${bytes.length}`, { dealer, holder, reason: 'length' })
  const y = bytesToBig(bytes)
  if (y >= FIELD_PRIME) throw new SecAggError('SECAGG_BAD_SHARE', 'share value outside the field', { dealer, holder, reason: 'y' })
  return y
}
