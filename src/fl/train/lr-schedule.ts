import { FlError } from '../errors.js'

/**
 * How a trainer's local learning rate changes across federated rounds (the server announces the
 * round; every trainer scales its base rate the same way).
 * - `constant`: the base rate every round.
 * - `cosine`: base·(floor + (1 − floor)·½(1 + cos(π·(r − 1)/R))) for round r of R — the base rate in
 *   round 1, falling to base·floor in the limit (cosine annealing, Loshchilov & Hutter 2017).
 * - `step`: base·factor^⌊(r − 1)/every⌋.
 */
export type LearningRateSchedule =
  | { readonly kind: 'constant' }
  | { readonly kind: 'cosine'; readonly floor: number }
  | { readonly kind: 'step'; readonly every: number; readonly factor: number }

export const CONSTANT_LEARNING_RATE: LearningRateSchedule = { kind: 'constant' }

/** The local learning rate of round `round` (1-based) of `rounds`. */
export function scheduledLearningRate(schedule: LearningRateSchedule, base: number, round: number, rounds: number): number {
  switch (schedule.kind) {
    case 'constant':
      return base
    case 'cosine':
      return base * (schedule.floor + (1 - schedule.floor) * 0.5 * (1 + Math.cos((Math.PI * (round - 1)) / rounds)))
    case 'step':
      return base * schedule.factor ** Math.floor((round - 1) / schedule.every)
  }
}

/** `constant`, `cosine`, `cosine:FLOOR` (0 ≤ FLOOR ≤ 1, default 0) or `step:EVERY:FACTOR` (0 < FACTOR ≤ 1). */
export function parseLearningRateSchedule(text: string): LearningRateSchedule {
  const bad = (): never => {
    throw new FlError(
      'FL_INVALID_TRAINING_CONFIG',
      `unknown learning-rate schedule "${text}" (constant, cosine[:FLOOR], step:EVERY:FACTOR)`,
      { field: 'lrSchedule', value: text },
    )
  }
  const [kind, ...rest] = text.split(':')
  if (kind === 'constant' && rest.length === 0) return CONSTANT_LEARNING_RATE
  if (kind === 'cosine' && rest.length <= 1) {
    const floor = rest.length === 0 ? 0 : Number(rest[0])
    if (rest[0] === '' || !(floor >= 0 && floor <= 1)) bad()
    return { kind: 'cosine', floor }
  }
  if (kind === 'step' && rest.length === 2) {
    const every = Number(rest[0])
    const factor = Number(rest[1])
    if (!Number.isInteger(every) || every < 1 || rest[1] === '' || !(factor > 0 && factor <= 1)) bad()
    return { kind: 'step', every, factor }
  }
  return bad()
}

export function formatLearningRateSchedule(schedule: LearningRateSchedule): string {
  switch (schedule.kind) {
    case 'constant':
      return 'constant'
    case 'cosine':
      return schedule.floor === 0 ? 'cosine' : `cosine:${schedule.floor}`
    case 'step':
      return `step:${schedule.every}:${schedule.factor}`
  }
}
