import { FlError } from '../errors.js'
import type { SeededRandom } from '../random.js'

/**
 * Misbehaving trainers for robustness tests and the simulator. Model poisoning attacks rewrite
 * the honest quantized update; `labelflip` poisons the data instead (the simulator trains on
 * labels c → C−1−c); free-riders (`zero`, `replay`, `copy`) skip training altogether.
 */
export type AttackSpec =
  | { readonly kind: 'signflip'; readonly factor: number }
  | { readonly kind: 'scaled'; readonly factor: number }
  | { readonly kind: 'gaussian'; readonly sigma: number }
  | { readonly kind: 'labelflip' }
  | { readonly kind: 'zero' }
  | { readonly kind: 'replay' }
  | { readonly kind: 'copy' }

/** Defaults: sign-flip boosted ×4 (so that −4δ outweighs the honest 70%), scaled ×10, noise σ = 0.05. */
export function parseAttackSpec(text: string): AttackSpec {
  const [kind, arg, ...rest] = text.split(':')
  const bad = (reason: string): FlError<'FL_RULE_PARAMS'> =>
    new FlError('FL_RULE_PARAMS', `bad attack "${text}": ${reason}`, { name: text, reason })
  if (rest.length > 0) throw bad('too many parameters')
  const number = (fallback: number): number => {
    if (arg === undefined) return fallback
    const v = Number(arg)
    if (arg === '' || !Number.isFinite(v) || v <= 0) throw bad('parameter must be a positive number')
    return v
  }
  const none = (): void => {
    if (arg !== undefined) throw bad('takes no parameter')
  }
  switch (kind) {
    case 'signflip':
      return { kind, factor: number(4) }
    case 'scaled':
      return { kind, factor: number(10) }
    case 'gaussian':
      return { kind, sigma: number(0.05) }
    case 'labelflip':
    case 'zero':
    case 'replay':
    case 'copy':
      none()
      return { kind }
    default:
      throw bad('expected signflip[:F], scaled[:F], gaussian[:SIGMA], labelflip, zero, replay or copy')
  }
}

/** Whether attackers of this kind run local training (on honest or flipped labels). */
export function attackTrains(spec: AttackSpec): boolean {
  return spec.kind === 'signflip' || spec.kind === 'scaled' || spec.kind === 'labelflip'
}

export interface AttackContext {
  /** This trainer's honest update this round (for attacks that train). */
  readonly honest: Int32Array | undefined
  /** Last round's aggregate, which every participant saw (replay free-rider). */
  readonly previousAggregate: Int32Array | undefined
  /** An honest trainer's update this round (copy free-rider). */
  readonly victim: Int32Array | undefined
  readonly length: number
  readonly maxAbs: number
  readonly scale: number
  readonly random: SeededRandom
}

/** The update an attacker submits. Values are clamped into the round's range, as they must be to pass validation. */
export function attackUpdate(spec: AttackSpec, ctx: AttackContext): Int32Array {
  const clamp = (v: number): number => Math.max(-ctx.maxAbs, Math.min(ctx.maxAbs, Math.round(v)))
  const map = (source: Int32Array | undefined, f: (v: number) => number): Int32Array => {
    const out = new Int32Array(ctx.length)
    if (source !== undefined) for (let i = 0; i < out.length; i++) out[i] = clamp(f(source[i]!))
    return out
  }
  switch (spec.kind) {
    case 'signflip':
      return map(ctx.honest, (v) => -spec.factor * v)
    case 'scaled':
      return map(ctx.honest, (v) => spec.factor * v)
    case 'labelflip':
      return map(ctx.honest, (v) => v)
    case 'gaussian': {
      const out = new Int32Array(ctx.length)
      for (let i = 0; i < out.length; i++) out[i] = clamp(spec.sigma * ctx.scale * ctx.random.normal())
      return out
    }
    case 'zero':
      return new Int32Array(ctx.length)
    case 'replay':
      return map(ctx.previousAggregate, (v) => v)
    case 'copy':
      return map(ctx.victim, (v) => v)
  }
}
