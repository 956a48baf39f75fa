import { SecAggError } from './errors.js'
import type { SecAggGraph } from './graph.js'
import { pairSeed } from './keys.js'
import { addMask } from './prg.js'
import { MAX_SIGNED_RESIDUE, MODULUS, PLAIN_MAX_ABS, SECAGG_MAX_UPDATES, checkPlainValues, checkWeight } from './ring.js'
import { checkSelfSeed, selfMaskSeed } from './self-seed.js'

/** A graph neighbour whose round key is published (on chain: it set up before the setup deadline). */
export interface Peer {
  readonly index: number
  readonly publicKey: Uint8Array
}

// Module-local copies for the hot loops: V8 did not inline the imported residue() there (10× slower).
const M = MODULUS
const HALF = MAX_SIGNED_RESIDUE

/** acc[i] ← the signed residue of acc[i] (|acc[i]| < 2^53): residue() and signedResidue() inlined. */
function reduceSigned(acc: Float64Array): void {
  for (let i = 0; i < acc.length; i++) {
    const x = acc[i]!
    let r = x - Math.floor(x / M) * M
    if (r < 0) r += M
    else if (r >= M) r -= M
    acc[i] = r > HALF ? r - M : r
  }
}

/** +1 when i < j, −1 otherwise: the pair's two masks are opposite and cancel in the sum. */
const maskSign = (i: number, j: number): 1 | -1 => (i < j ? 1 : -1)

function checkPeers(graph: SecAggGraph, self: number, peers: readonly Peer[], what: string): void {
  const seen = new Set<number>()
  for (const p of peers) {
    if (seen.has(p.index)) throw new SecAggError('SECAGG_DUPLICATE_TRAINER', `${what} ${p.index} named twice`, { what, index: p.index })
    seen.add(p.index)
    if (p.index === self || !graph.areNeighbours(self, p.index))
      throw new SecAggError('SECAGG_UNKNOWN_TRAINER', `${p.index} is no graph neighbour of member ${self}`, { what, index: p.index })
  }
}

/**
 * A trainer's masked update (Bell et al. 2020, round 2 "MaskedInputCollection", double masking):
 *
 *   y_i = w_i·x_i + mask(selfMaskSeed(b_i)) + Σ_{j ∈ peers(i)} ±mask(s_ij)   (mod 2^32 − 1; + when i < j)
 *
 * returned as signed residues, i.e. the values of an int32 update blob. `values` are the plain
 * quantized update (|x| ≤ PLAIN_MAX_ABS), `weight` its capped sample count (what the chain will
 * record for it), `selfSeed` its fresh self-mask seed b_i (self-seed.ts; why: shares.ts), `peers`
 * the graph neighbours whose round keys are published.
 */
export function maskUpdate(options: {
  roundId: Uint8Array
  graph: SecAggGraph
  self: number
  secretKey: Uint8Array
  selfSeed: Uint8Array
  values: Int32Array
  weight: number
  peers: readonly Peer[]
}): Int32Array {
  const { roundId, graph, self, secretKey, selfSeed, values, weight, peers } = options
  graph.neighbours(self)
  checkPeers(graph, self, peers, 'peer')
  checkPlainValues(values)
  checkWeight(weight, self)
  const acc = new Float64Array(values.length)
  for (let i = 0; i < values.length; i++) acc[i] = weight * values[i]!
  addMask(acc, selfMaskSeed(selfSeed, roundId, self), 1)
  for (const peer of peers) addMask(acc, pairSeed(secretKey, peer.publicKey, roundId), maskSign(self, peer.index))
  reduceSigned(acc)
  return Int32Array.from(acc)
}

/**
 * What must be added to the sum of the survivors' masked updates to remove every mask left in it:
 * each survivor's self mask, −mask(selfMaskSeed(b_v)) (b_v rebuilt from its revealed self shares;
 * `selfSeeds` names every survivor exactly once, SECAGG_SELF_SEED otherwise), and the masks the
 * survivors share with dropped members: for each dropped u (its round secret reconstructed from
 * shares) and each surviving peer v of u, −(v's mask towards u) = −sign(v, u)·mask(s_uv). Masks
 * between two dropped members are in no surviving vector and are left out. Residues in [0, M).
 */
export function maskCorrection(options: {
  roundId: Uint8Array
  graph: SecAggGraph
  length: number
  dropped: readonly { index: number; secretKey: Uint8Array }[]
  survivors: readonly Peer[]
  selfSeeds: readonly { index: number; seed: Uint8Array }[]
}): Uint32Array {
  const { roundId, graph, length, dropped, survivors, selfSeeds } = options
  const seen = new Set<number>()
  for (const d of dropped) {
    if (seen.has(d.index))
      throw new SecAggError('SECAGG_DUPLICATE_TRAINER', `dropped member ${d.index} named twice`, { what: 'dropped member', index: d.index })
    seen.add(d.index)
    graph.neighbours(d.index)
  }
  const survivorSet = new Set<number>()
  for (const s of survivors) {
    if (survivorSet.has(s.index) || seen.has(s.index))
      throw new SecAggError('SECAGG_DUPLICATE_TRAINER', `member ${s.index} named twice among survivors and dropped`, {
        what: 'survivor',
        index: s.index,
      })
    survivorSet.add(s.index)
    graph.neighbours(s.index)
  }
  const seeded = new Set<number>()
  for (const s of selfSeeds) {
    if (!survivorSet.has(s.index) || seeded.has(s.index))
      throw new SecAggError(
        'SECAGG_SELF_SEED',
        `member ${s.index}'s self-mask seed: ${seeded.has(s.index) ? 'named twice' : 'not a survivor'}`,
        {
          index: s.index,
          reason: seeded.has(s.index) ? 'duplicate' : 'not a survivor',
        },
      )
    checkSelfSeed(s.seed, s.index)
    seeded.add(s.index)
  }
  const unseeded = survivors.find((s) => !seeded.has(s.index))
  if (unseeded !== undefined)
    throw new SecAggError('SECAGG_SELF_SEED', `survivor ${unseeded.index} has no self-mask seed: its self mask would stay in the sum`, {
      index: unseeded.index,
      reason: 'missing',
    })
  const acc = new Float64Array(length)
  // ≤ 128 self masks below 2^32 each: |acc| < 2^39, reduced once (and in signed range for the output even with nobody dropped)
  for (const s of selfSeeds) addMask(acc, selfMaskSeed(s.seed, roundId, s.index), -1)
  reduceSigned(acc)
  for (const u of dropped) {
    for (const v of survivors) {
      if (!graph.areNeighbours(u.index, v.index)) continue
      addMask(acc, pairSeed(u.secretKey, v.publicKey, roundId), maskSign(v.index, u.index) === 1 ? -1 : 1)
    }
    // keep |acc| < 2^53 however many dropped members: reduce after each one
    reduceSigned(acc)
  }
  const out = new Uint32Array(length)
  for (let i = 0; i < length; i++) out[i] = acc[i]! < 0 ? acc[i]! + M : acc[i]!
  return out
}

/**
 * The exact weighted sum Σ w_k·x_k of the survivors' plain updates from their masked updates:
 * (Σ y_k + correction) mod (2^32 − 1), as a signed residue. Exact because an admissible round's
 * |Σ w_k·x_k| ≤ Σ w_k · PLAIN_MAX_ABS < 2^31 (ring.ts).
 */
export function unmaskedSum(masked: readonly (Int32Array | Int16Array)[], correction?: Uint32Array): Float64Array {
  const n = checkMasked(masked, correction)
  const acc = new Float64Array(n)
  if (correction !== undefined) acc.set(correction)
  // ≤ 128 terms of |y| ≤ 2^31 plus a correction < 2^32: below 2^40, exact in float64.
  for (const y of masked) for (let i = 0; i < n; i++) acc[i]! += y[i]!
  reduceSigned(acc)
  return acc
}

/** N, after the count and lengths are checked (SECAGG_LENGTH). */
function checkMasked(masked: readonly (Int32Array | Int16Array)[], correction: Uint32Array | undefined): number {
  if (masked.length === 0) throw new SecAggError('SECAGG_LENGTH', 'no masked updates', { what: 'masked updates', length: 0, expected: 1 })
  if (masked.length > SECAGG_MAX_UPDATES)
    throw new SecAggError('SECAGG_LENGTH', `at most ${SECAGG_MAX_UPDATES} masked updates`, {
      what: 'masked updates',
      length: masked.length,
      expected: SECAGG_MAX_UPDATES,
    })
  const n = masked[0]!.length
  masked.forEach((y, k) => {
    if (y.length !== n)
      throw new SecAggError('SECAGG_LENGTH', `masked update ${k} has ${y.length} values, not ${n}`, {
        what: `masked update ${k}`,
        length: y.length,
        expected: n,
      })
  })
  if (correction !== undefined && correction.length !== n)
    throw new SecAggError('SECAGG_LENGTH', `the correction has ${correction.length} values, not ${n}`, {
      what: 'correction',
      length: correction.length,
      expected: n,
    })
  return n
}

/**
 * FedAvg over the survivors from their masked updates: out[i] = roundDiv(S[i], Σ w_k) with S the
 * unmasked weighted sum — the integers weightedMeanReference computes from the plain updates, bit
 * for bit (the same exact sum, the same rounding). A sum outside ±Σw·PLAIN_MAX_ABS cannot come
 * from admissible updates with every mask removed: SECAGG_UNMASKED_RANGE.
 */
export function secAggMean(
  masked: readonly (Int32Array | Int16Array)[],
  weights: readonly number[],
  correction?: Uint32Array,
  into?: Int32Array,
): Int32Array {
  if (weights.length !== masked.length)
    throw new SecAggError('SECAGG_LENGTH', `${weights.length} weights for ${masked.length} masked updates`, {
      what: 'weights',
      length: weights.length,
      expected: masked.length,
    })
  let total = 0
  weights.forEach((w, k) => {
    checkWeight(w, k)
    total += w
  })
  const n = checkMasked(masked, correction)
  const bound = total * PLAIN_MAX_ABS
  const out = into ?? new Int32Array(n)
  if (out.length !== n)
    throw new SecAggError('SECAGG_LENGTH', 'output buffer has the wrong length', { what: 'output', length: out.length, expected: n })
  // unmaskedSum and roundDiv fused, a block of coordinates at a time so the accumulator stays in
  // cache while the K vectors stream through it (the chain's hot path); the same integers
  const acc = new Float64Array(Math.min(BLOCK, n))
  const twoTotal = 2 * total
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const len = Math.min(BLOCK, n - i0)
    const block = acc.subarray(0, len)
    if (correction === undefined) block.fill(0)
    else block.set(correction.subarray(i0, i0 + len))
    for (let k = 0; k < masked.length; k++) {
      const y = masked[k]!
      for (let i = 0; i < len; i++) block[i]! += y[i0 + i]!
    }
    reduceSigned(block)
    for (let i = 0; i < len; i++) {
      const sum = block[i]!
      if (sum > bound || sum < -bound)
        throw new SecAggError('SECAGG_UNMASKED_RANGE', `unmasked sum ${sum} at ${i0 + i} is outside ±${bound}: a mask was not removed`, {
          index: i0 + i,
          sum,
          bound,
        })
      // roundDiv(sum, total) = floor((2·sum + total) / (2·total)), inlined (int-math.ts)
      const a = 2 * sum + total
      let q = Math.floor(a / twoTotal)
      const r = a - q * twoTotal
      if (r < 0) q -= 1
      else if (r >= twoTotal) q += 1
      out[i0 + i] = q
    }
  }
  return out
}

const BLOCK = 4096
