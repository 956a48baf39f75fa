import { logger } from '../../log/index.js'
import { FlError } from '../errors.js'
import { encodeModule, F64, I32, op, V128, type ValueType, type WasmFunction } from './wasm-binary.js'

/**
 * The FedAvg-family weighted mean, out[i] = roundDiv(Σ_k w_k·q_k[i], Σ_k w_k), as a WebAssembly
 * SIMD kernel: the same integers as `weightedMeanReference`, 4 lanes at a time.
 *
 * Why it is exact:
 * - Updates are summed in groups whose weights satisfy maxAbs·Σ_group w ≤ 2^31 − 1, so every
 *   product w·q and every partial sum of a group fits an i32 lane: the integer sum is exact and
 *   never wraps. (With the FedAvg ranges, maxAbs = 32767 and w ≤ 4096, a group holds ≥ 16
 *   updates; the usual K = 10 × weights ≤ 1000 is one group.)
 * - Group sums are converted to f64 and added there: |Σ| ≤ maxAbs·Σw < 2^15·2^28 = 2^43 under
 *   the bounds below, so f64 holds every partial sum exactly.
 * - roundDiv(a, b) = floor(a/b + 1/2): a/b rounded to the nearest integer, halves up. It is
 *   taken as y = a·(1/b) + 2^−32, then y + M with M = 1.5·2^52, the f64 whose ulp is 1: that
 *   addition rounds y to the nearest integer and leaves it in the low mantissa bits (two's
 *   complement, for |y| < 2^51), which the kernel reads as the i32 result. Exact whenever
 *   Σw ≤ 2^28 and maxAbs < 2^15 (`simdWeightedMeanApplies`; the FedAvg ranges give exactly
 *   that): |a/b| ≤ maxAbs, so a·(1/b) (two roundings, relative 2^−53 each) is within 2^−37 of
 *   a/b, and adding 2^−32 rounds by at most 2^−39 more (half an ulp below 2^15). A tie a/b = m + 1/2 therefore lands
 *   strictly above m + 1/2 and rounds up, as roundDiv does; any other a/b is at least
 *   1/(2b) ≥ 2^−29 from a half-integer (2a − (2m+1)b is a non-zero integer), farther than y
 *   moved, so it rounds to its own nearest integer.
 * - Every value is range-checked (lane-wise min/max); on a violation the caller re-scans in the
 *   reference's order so the error names the same update and index.
 *
 * Updates live in JS heap arrays that WebAssembly cannot address, so each block of coordinates
 * is copied into the module's memory first (one pass over the bytes, into a cache-sized buffer)
 * and summed there while it is still in cache.
 */
export interface SimdWeightedMeanPlan {
  /** Coordinates per block (a multiple of SIMD_CHUNK): the copy-in buffer is groupSize × this. */
  readonly coordsPerBlock: number
  /** Largest Σ w of one i32 group: floor((2^31 − 1) / maxAbs). */
  readonly maxGroupWeight: number
  /** Most updates per group (bounds the copy-in buffer). */
  readonly maxGroupSize: number
}

const MAX_I32 = 2 ** 31 - 1
/** The rounding step's proof needs Σw ≤ 2^28 and maxAbs < 2^15 (see above); FedAvg's ranges meet both. */
const MAX_TOTAL_WEIGHT = 2 ** 28
const MAX_ABS_VALUE = 2 ** 15
/**
 * Coordinates per loop iteration: eight v128 of i32 (eight i32x4 accumulators). Measured here at
 * K = 10 × N = 1e5: 16 coordinates (four accumulators) took ~10 % longer, the per-update loop
 * overhead (weight splat, pointer and counter updates, branch) being paid twice as often; 48
 * (twelve) took ~12 % longer — presumably spills: twelve accumulators plus the value, weight and
 * range vectors exceed x64's 16 vector registers. (i32x4.dot_i16x8_s in place of i32x4.mul, exact
 * here since valid values fit i16, measured no faster.)
 */
export const SIMD_CHUNK = 32
const CHUNK = SIMD_CHUNK
const log = logger('fl.kernels')

/** The plan that is exact for values |q| ≤ maxAbs (see the module comment). */
export function planSimdWeightedMean(maxAbs: number, updates: number): SimdWeightedMeanPlan {
  const maxGroupSize = 64
  const group = Math.max(1, Math.min(updates, maxGroupSize))
  // Measured here (K = 10 and 50, N = 1e5 and 1e6): blocks of ~10k coordinates are best. Each
  // block costs one TypedArray.set per update (~0.3 µs of call overhead), so short blocks lose
  // to that; past ~12k coordinates per update the block falls out of L2 with no gain. At most
  // 2 MiB of copied updates (64 × 8192 × 4 B) per block.
  const coords = Math.floor(2 ** 19 / group / CHUNK) * CHUNK
  return { coordsPerBlock: Math.min(12288, Math.max(8192, coords)), maxGroupWeight: Math.floor(MAX_I32 / maxAbs), maxGroupSize }
}

/** Whether the SIMD kernel is exact for these weights (else the caller uses the reference). */
export function simdWeightedMeanApplies(weights: readonly number[], maxAbs: number, plan: SimdWeightedMeanPlan): boolean {
  let total = 0
  for (const w of weights) {
    if (w > plan.maxGroupWeight) return false
    total += w
  }
  return total <= MAX_TOTAL_WEIGHT && maxAbs < MAX_ABS_VALUE
}

// --- the module ------------------------------------------------------------------------------

/** Local slots of the block function, by name: parameters first, then declared locals. */
const PARAMS = ['src', 'stride', 'count', 'weights', 'acc', 'out', 'bytes', 'range'] as const
const LOCALS_I32 = ['i', 'p', 'w', 'c'] as const
const LOCALS_V128 = [
  'vmin',
  'vmax',
  'v',
  'ws',
  'inv',
  'tieBias',
  'magic',
  'low',
  'high',
  's0',
  's1',
  's2',
  's3',
  's4',
  's5',
  's6',
  's7',
] as const
type Slot = (typeof PARAMS)[number] | 'inverse' | (typeof LOCALS_I32)[number] | (typeof LOCALS_V128)[number]
const SLOTS: readonly Slot[] = [...PARAMS, 'inverse', ...LOCALS_I32, ...LOCALS_V128]
const slot = (name: Slot): number => SLOTS.indexOf(name)
const get = (name: Slot): readonly number[] => op.localGet(slot(name))
const set = (name: Slot): readonly number[] => op.localSet(slot(name))
const tee = (name: Slot): readonly number[] => op.localTee(slot(name))
const SUMS = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'] as const
/** Lanes 2–3 of an i32x4 moved to lanes 0–1 (for the second f64x2 conversion). */
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]
/** The low 32 bits of each i64 lane of the first operand, then of the second. */
const LOW_WORDS = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]
/** 1.5·2^52: adding it rounds an f64 |x| < 2^51 to an integer held in the low mantissa bits. */
const MAGIC = 1.5 * 2 ** 52
/** Moves exact ties a/b = m + 1/2 above the half so they round up (see the module comment). */
const TIE_BIAS = 2 ** -32

/**
 * One block of coordinates for one group of updates. `first`: the f64 accumulators start at
 * this group's sums (else they are added to). `last`: the result is rounded and written to
 * `out` as i32 (else the accumulators are stored for the next group).
 */
function blockFunction(first: boolean, last: boolean): WasmFunction {
  const body: (readonly number[])[] = []
  const emit = (...code: (readonly number[])[]): void => void body.push(...code)
  emit(
    get('inverse'),
    op.f64x2Splat,
    set('inv'),
    op.f64Const(TIE_BIAS),
    op.f64x2Splat,
    set('tieBias'),
    op.f64Const(MAGIC),
    op.f64x2Splat,
    set('magic'),
  )
  emit(get('range'), op.v128Load(0), set('vmin'), get('range'), op.v128Load(16), set('vmax'))
  emit(op.i32Const(0), set('i'), op.block, op.loop)
  emit(get('i'), get('bytes'), op.i32LtU, op.i32Eqz, op.brIf(1))
  // s_u = Σ_k w_k·q_k over this chunk of 16 coordinates, in i32 lanes (exact: see above)
  for (const s of SUMS) emit(op.v128Zero, set(s))
  emit(get('src'), get('i'), op.i32Add, set('p'), get('weights'), set('w'), get('count'), set('c'))
  emit(op.loop)
  emit(get('w'), op.v128Load32Splat(0), set('ws'))
  SUMS.forEach((s, u) => {
    emit(get('p'), op.v128Load(16 * u), tee('v'), get('ws'), op.i32x4Mul, get(s), op.i32x4Add, set(s))
    emit(get('v'), get('vmin'), op.i32x4MinS, set('vmin'), get('v'), get('vmax'), op.i32x4MaxS, set('vmax'))
  })
  emit(get('p'), get('stride'), op.i32Add, set('p'), get('w'), op.i32Const(4), op.i32Add, set('w'))
  emit(get('c'), op.i32Const(1), op.i32Sub, tee('c'), op.brIf(0), op.end)
  // widen to f64 (two lanes at a time), add the earlier groups, then store or round
  const accAddress = [...get('acc'), ...get('i'), ...get('i'), ...op.i32Add, ...op.i32Add]
  SUMS.forEach((s, u) => {
    for (const half of [0, 1]) {
      const offset = 32 * u + 16 * half
      if (!last) emit(accAddress)
      emit(get(s))
      if (half === 1) emit(get(s), op.i8x16Shuffle(HIGH_HALF))
      emit(op.f64x2ConvertLowI32x4S)
      if (!first) emit(accAddress, op.v128Load(offset), op.f64x2Add)
      if (!last) {
        emit(op.v128Store(offset))
        continue
      }
      // roundDiv: (a·(1/b) + 2^−32) + M, the integer in the low 32 bits of each lane
      emit(get('inv'), op.f64x2Mul, get('tieBias'), op.f64x2Add, get('magic'), op.f64x2Add)
      if (half === 0) emit(set('low'))
      else emit(set('high'), get('out'), get('i'), op.i32Add, get('low'), get('high'), op.i8x16Shuffle(LOW_WORDS), op.v128Store(16 * u))
    }
  })
  emit(get('i'), op.i32Const(4 * CHUNK), op.i32Add, set('i'), op.br(0), op.end, op.end)
  emit(get('range'), get('vmin'), op.v128Store(0), get('range'), get('vmax'), op.v128Store(16))
  const params: ValueType[] = [...PARAMS.map((): ValueType => I32), F64]
  const locals: ValueType[] = [...LOCALS_I32.map((): ValueType => I32), ...LOCALS_V128.map((): ValueType => V128)]
  return { name: `block${first ? '_first' : ''}${last ? '_last' : ''}`, params, locals, body }
}

type BlockFn = (
  src: number,
  stride: number,
  count: number,
  weights: number,
  acc: number,
  out: number,
  bytes: number,
  range: number,
  inverse: number,
) => void
interface SimdModule {
  readonly memory: WebAssembly.Memory
  /** Indexed by (first ? 1 : 0) | (last ? 2 : 0). */
  readonly blocks: readonly BlockFn[]
}

let instance: SimdModule | null | undefined
/** The compiled module, or null where WebAssembly SIMD is unavailable (then callers use the reference). */
export function simdModule(): SimdModule | null {
  if (instance !== undefined) return instance
  const variants = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const
  const bytes = encodeModule(
    variants.map(([first, last]) => blockFunction(first, last)),
    1,
  )
  let compiled: WebAssembly.Module
  try {
    compiled = new WebAssembly.Module(bytes)
  } catch (error) {
    // an engine without WebAssembly SIMD (or without WebAssembly) rejects the module
    log.warn({ err: error }, 'WebAssembly SIMD unavailable: the FedAvg family runs on the plain TypeScript reference')
    instance = null
    return instance
  }
  const exports = new WebAssembly.Instance(compiled, {}).exports as Record<string, unknown>
  const blocks = variants.map(([first, last]) => exports[`block${first ? '_first' : ''}${last ? '_last' : ''}`] as BlockFn)
  instance = { memory: exports['memory'] as WebAssembly.Memory, blocks }
  return instance
}

const align = (n: number, to: number): number => Math.ceil(n / to) * to

/**
 * Σ_k w_k·q_k[i] / Σ_k w_k rounded by roundDiv, for every i. The caller has checked the shape,
 * the weights (integers in range, total > 0) and `simdWeightedMeanApplies`. Returns `undefined`
 * when some value lies outside ±maxAbs; the caller then reports the error exactly as the
 * reference does. Int16 updates are widened by the copy into the module's memory (TypedArray
 * set converts element by element), so they need no int32 copy of their own.
 */
export function weightedMeanSimd(
  module: SimdModule,
  updates: readonly Int32Array[] | readonly Int16Array[],
  weights: readonly number[],
  total: number,
  maxAbs: number,
  plan: SimdWeightedMeanPlan,
  into?: Int32Array,
): Int32Array | undefined {
  const k = updates.length
  const n = updates[0]!.length
  const coords = plan.coordsPerBlock
  // a partial chunk is zero-padded to CHUNK inside its update's slot, so slots must hold whole chunks
  if (coords <= 0 || coords % CHUNK !== 0)
    throw new FlError('FL_RULE_INPUT', 'SIMD plan block is not a whole number of chunks', {
      reason: `coordsPerBlock ${coords}, chunk ${CHUNK}`,
    })
  // groups: consecutive updates with Σw ≤ maxGroupWeight and at most maxGroupSize of them
  const groupStarts: number[] = [0]
  for (let j = 0, size = 0, weight = 0; j < k; j++) {
    if (size === plan.maxGroupSize || weight + weights[j]! > plan.maxGroupWeight) {
      groupStarts.push(j)
      size = 0
      weight = 0
    }
    size++
    weight += weights[j]!
  }
  groupStarts.push(k)
  let largestGroup = 0
  for (let g = 0; g + 1 < groupStarts.length; g++) largestGroup = Math.max(largestGroup, groupStarts[g + 1]! - groupStarts[g]!)

  // memory layout (bytes): [0, 32) lane-wise min and max; weights; f64 accumulators; i32 output; updates
  const RANGE = 0
  const WEIGHTS = 64
  const ACC = align(WEIGHTS + 4 * k, 64)
  const OUT = ACC + 8 * coords
  const SRC = OUT + 4 * coords
  const stride = 4 * coords
  const needed = SRC + largestGroup * stride
  const { memory, blocks } = module
  if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536))
  const heap = new Int32Array(memory.buffer)
  for (let j = 0; j < k; j++) heap[WEIGHTS / 4 + j] = weights[j]!
  heap.fill(0, RANGE / 4, RANGE / 4 + 8)

  const out = into ?? new Int32Array(n)
  if (out.length !== n)
    throw new FlError('FL_RULE_INPUT', 'output buffer has the wrong length', { reason: `output ${out.length}, updates ${n}` })
  const inverse = 1 / total
  for (let i0 = 0; i0 < n; i0 += coords) {
    const len = Math.min(coords, n - i0)
    const padded = align(len, CHUNK)
    for (let g = 0; g + 1 < groupStarts.length; g++) {
      const start = groupStarts[g]!
      const count = groupStarts[g + 1]! - start
      for (let j = 0; j < count; j++) {
        const base = (SRC + j * stride) / 4
        heap.set(updates[start + j]!.subarray(i0, i0 + len), base)
        if (padded > len) heap.fill(0, base + len, base + padded)
      }
      const last = g + 2 === groupStarts.length
      blocks[(g === 0 ? 1 : 0) | (last ? 2 : 0)]!(SRC, stride, count, WEIGHTS + 4 * start, ACC, OUT, 4 * padded, RANGE, inverse)
    }
    out.set(heap.subarray(OUT / 4, OUT / 4 + len), i0)
  }
  for (let lane = 0; lane < 4; lane++) if (heap[RANGE / 4 + lane]! < -maxAbs || heap[RANGE / 4 + 4 + lane]! > maxAbs) return undefined
  return out
}
