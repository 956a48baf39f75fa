import { FlError } from '../errors.js'
import type { SeededRandom } from '../random.js'

/**
 * The round's fixed-point format: a parameter delta δ travels as the integer q ≈ δ·scale with
 * |q| ≤ maxAbs. The subnet fixes all three numbers, so every update of a round is comparable
 * and the chain can check the range.
 */
export interface QuantizationConfig {
  /** Integer steps per unit of parameter value. */
  readonly scale: number
  /** Largest |q| (the aggregation rules' declared maxAbsValue or less). */
  readonly maxAbs: number
  /** L2 bound a trainer clips its float delta to before quantizing. */
  readonly clipNorm: number
}

export const DEFAULT_QUANTIZATION: QuantizationConfig = { scale: 16384, maxAbs: 32767, clipNorm: 5 }

export function checkQuantizationConfig(config: QuantizationConfig): void {
  if (!Number.isInteger(config.scale) || config.scale < 1 || config.scale > 2 ** 30)
    throw new FlError('FL_INVALID_QUANTIZATION', 'scale must be a positive integer ≤ 2^30', { field: 'scale', value: config.scale })
  if (!Number.isInteger(config.maxAbs) || config.maxAbs < 1 || config.maxAbs > 2 ** 31 - 1)
    throw new FlError('FL_INVALID_QUANTIZATION', 'maxAbs must be a positive int32', { field: 'maxAbs', value: config.maxAbs })
  if (!(config.clipNorm > 0))
    throw new FlError('FL_INVALID_QUANTIZATION', 'clipNorm must be positive', { field: 'clipNorm', value: config.clipNorm })
}

/** local − global, coordinate by coordinate. */
export function computeDelta(local: Float32Array, global: Float32Array): Float32Array {
  if (local.length !== global.length)
    throw new FlError('FL_PARAMETER_LENGTH', 'models differ in size', { expected: global.length, actual: local.length })
  const delta = new Float32Array(local.length)
  for (let i = 0; i < local.length; i++) delta[i] = local[i]! - global[i]!
  return delta
}

export function l2Norm(values: Float32Array): number {
  let s = 0
  for (let i = 0; i < values.length; i++) s += values[i]! * values[i]!
  return Math.sqrt(s)
}

/** Scales `delta` in place so its L2 norm is at most `bound`; returns the norm before clipping. */
export function clipL2(delta: Float32Array, bound: number): number {
  const norm = l2Norm(delta)
  if (norm > bound) {
    const factor = bound / norm
    for (let i = 0; i < delta.length; i++) delta[i] = delta[i]! * factor
  }
  return norm
}

/**
 * Stochastic rounding: q = floor(x) + 1 with probability frac(x), so E[q] = x — the rounding
 * error averages out across trainers and rounds instead of biasing the model (the values a
 * seeded generator draws make it reproducible). Values beyond ±maxAbs are clamped.
 */
export function quantize(delta: Float32Array, config: QuantizationConfig, random: SeededRandom): Int32Array {
  checkQuantizationConfig(config)
  const out = new Int32Array(delta.length)
  const { scale, maxAbs } = config
  for (let i = 0; i < delta.length; i++) {
    const x = delta[i]! * scale
    const floor = Math.floor(x)
    const q = random.next() < x - floor ? floor + 1 : floor
    out[i] = q > maxAbs ? maxAbs : q < -maxAbs ? -maxAbs : q
  }
  return out
}

export function dequantize(values: Int32Array, scale: number): Float32Array {
  const out = new Float32Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = values[i]! / scale
  return out
}

/** global + aggregate/scale: the next global model (not consensus: floats are fine here). */
export function applyAggregate(global: Float32Array, aggregate: Int32Array, scale: number): Float32Array {
  if (aggregate.length !== global.length)
    throw new FlError('FL_PARAMETER_LENGTH', 'aggregate and model differ in size', { expected: global.length, actual: aggregate.length })
  const next = new Float32Array(global.length)
  for (let i = 0; i < global.length; i++) next[i] = global[i]! + aggregate[i]! / scale
  return next
}
