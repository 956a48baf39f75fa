import { Dec } from '../../state/index.js'

/**
 * The chain's exact integer tests of an update against free-riding (DESIGN §6: "caught by the
 * chain itself from the blobs"), on the values of updates that passed checkUpdate (|v| ≤ the
 * round's maxAbs < 2^31). No floats decide anything: squared norms and dot products are exact
 * integers (bigint at the end), and the cosine threshold is compared in rationals,
 *
 *   cos(a, b) ≥ N/D  ⇔  a·b > 0  and  (a·b)² · D² ≥ |a|² · |b|² · N²
 *
 * with N/D the Dec threshold (raw / 10^18). The sums are built in doubles only where every
 * partial sum is an integer below 2^53, so exact: with maxAbs ≤ 2^26 a product is ≤ 2^52 and
 * CHUNK(maxAbs) = ⌊2^53 / maxAbs²⌋ of them are summed before the partial moves into a bigint;
 * above that (int32 rounds with a wide range) each value splits into 16-bit halves whose
 * products are ≤ 2^32 (free-riders.test.ts holds both against a bigint reference on extreme
 * vectors, and shows where float64 and int32 accumulation would misjudge).
 */

const TWO_53 = 2 ** 53
const SPLIT_ABOVE = 2 ** 26
// Split path: three sums of products ≤ 2^32 (hi·lo + lo·hi: ≤ 2^33), 2^19 per flush keeps each < 2^53.
const SPLIT_CHUNK = 2 ** 19

function chunkFor(maxAbs: number): number {
  const m = Math.max(1, maxAbs)
  return Math.max(1, Math.floor(TWO_53 / (m * m)))
}

/** Σ a[i]·b[i], exactly, for |a[i]|, |b[i]| ≤ maxAbs < 2^31. */
export function exactDot(a: Int32Array, b: Int32Array, maxAbs: number): bigint {
  const n = a.length
  if (b.length !== n) throw new RangeError(`vectors of ${n} and ${b.length} values`)
  if (maxAbs > SPLIT_ABOVE) return splitDot(a, b)
  const chunk = chunkFor(maxAbs)
  let total = 0n
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk)
    let s = 0
    for (let i = start; i < end; i++) s += a[i]! * b[i]!
    total += BigInt(s)
  }
  return total
}

function splitDot(a: Int32Array, b: Int32Array): bigint {
  // v = hi·2^16 + lo with lo = v & 0xffff ∈ [0, 65535] and hi = v >> 16 ∈ [−2^15, 2^15): exact for every int32.
  const n = a.length
  let hh = 0n
  let mid = 0n
  let ll = 0n
  for (let start = 0; start < n; start += SPLIT_CHUNK) {
    const end = Math.min(n, start + SPLIT_CHUNK)
    let sHH = 0
    let sMid = 0
    let sLL = 0
    for (let i = start; i < end; i++) {
      const x = a[i]!
      const y = b[i]!
      const xh = x >> 16
      const xl = x & 0xffff
      const yh = y >> 16
      const yl = y & 0xffff
      sHH += xh * yh
      sMid += xh * yl + xl * yh
      sLL += xl * yl
    }
    hh += BigInt(sHH)
    mid += BigInt(sMid)
    ll += BigInt(sLL)
  }
  return (hh << 32n) + (mid << 16n) + ll
}

/** |a|², exactly. */
export const exactNormSq = (a: Int32Array, maxAbs: number): bigint => exactDot(a, a, maxAbs)

const ONE_RAW = Dec.ONE.raw

/** Whether cos(a, b) ≥ threshold, from the exact dot product and squared norms (both norms > 0; threshold in (0, 1]). */
export function cosineAtLeast(dot: bigint, normSqA: bigint, normSqB: bigint, threshold: Dec): boolean {
  if (dot <= 0n) return false
  return dot * dot * ONE_RAW * ONE_RAW >= normSqA * normSqB * threshold.raw * threshold.raw
}

/** ⌊√x⌋ for x ≥ 0: Newton's method on bigints from a power of two above the root. */
export function isqrt(x: bigint): bigint {
  if (x < 0n) throw new RangeError('square root of a negative number')
  if (x < 2n) return x
  let r = 1n << BigInt(Math.ceil(x.toString(2).length / 2))
  for (;;) {
    const next = (r + x / r) >> 1n
    if (next >= r) return r
    r = next
  }
}

/** cos(a, b) truncated to a Dec (18 digits), for the record: ⌊√(dot² · 10^36 / (|a|²·|b|²))⌋ · sign, exact. 0 if a norm is 0. */
export function cosineDec(dot: bigint, normSqA: bigint, normSqB: bigint): Dec {
  const denominator = normSqA * normSqB
  if (denominator === 0n) return Dec.ZERO
  const magnitude = isqrt((dot * dot * ONE_RAW * ONE_RAW) / denominator)
  return Dec.fromRaw(dot < 0n ? -magnitude : magnitude)
}

/** Whether |a|² is below min² (min in the round's quantized units; min 0 never is). */
export const belowNorm = (normSq: bigint, minNorm: bigint): boolean => normSq < minNorm * minNorm

/** One earlier update of the round, as the near-copy test reads it. */
export interface ComparedUpdate {
  trainer: Uint8Array
  values: Int32Array
}

export interface NearCopyMatch {
  trainer: Uint8Array
  cosine: Dec
}

/**
 * The earlier update the candidate is closest to among those with cos ≥ threshold (the first in
 * trainer order among equals), or undefined. Exact: the comparison between two candidates is
 * dot₁²·|b₂|² vs dot₂²·|b₁|² in bigints (both dots positive). O(K·N).
 */
export function nearestCopy(
  candidate: Int32Array,
  candidateNormSq: bigint,
  earlier: readonly ComparedUpdate[],
  threshold: Dec,
  maxAbs: number,
): NearCopyMatch | undefined {
  let best: { trainer: Uint8Array; dot: bigint; normSq: bigint } | undefined
  for (const other of earlier) {
    const dot = exactDot(candidate, other.values, maxAbs)
    if (dot <= 0n) continue
    const normSq = exactNormSq(other.values, maxAbs)
    if (normSq === 0n || !cosineAtLeast(dot, candidateNormSq, normSq, threshold)) continue
    if (best === undefined || dot * dot * best.normSq > best.dot * best.dot * normSq) best = { trainer: other.trainer, dot, normSq }
  }
  return best === undefined ? undefined : { trainer: best.trainer, cosine: cosineDec(best.dot, candidateNormSq, best.normSq) }
}
