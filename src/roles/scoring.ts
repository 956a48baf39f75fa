import { FlError } from '../fl/errors.js'
import { SeededRandom } from '../fl/random.js'
import { REPUTATION_UNIT } from '../fl/rules/repfedavg.js'
import type { AggregationRule } from '../fl/rules/types.js'
import type { QuantizedUpdate } from '../fl/update/blob.js'
import { nextModelValues } from '../modules/training/index.js'
import { RoleError } from './errors.js'

/**
 * How a validator scores the updates of a round's accepted version (issue 21, docs/reputation.md
 * "Scorers"). Every method measures gains in one utility: the **negative mean cross-entropy
 * loss** of a model on the validation set (higher is better). Loss rather than accuracy: with a
 * thousand validation digits accuracy moves in steps of 0.001 and one honest update of eight
 * rarely moves it a step, so honest updates would tie at 0; the loss moves with every update.
 *
 *   loo       v(N) − v(N \ {j}): the new global model against the aggregate the subnet's own
 *             rule makes without update j, both applied to the parent model as the chain does
 *             (nextModelValues);
 *   marginal  v(parent + u_j) − v(parent): the update alone on the parent model;
 *   shapley   GTG-Shapley (Liu et al., 2022): Monte Carlo over permutations of the updates,
 *             v(S) the rule's aggregate of the coalition S on the parent model, permutations
 *             guided (permutation t starts with update t mod K) and otherwise seeded, truncated
 *             within a permutation once the coalition is within `truncation` of v(N), and
 *             all-zero when v(N) itself is within it of v(∅) (a round that gained nothing).
 *
 * v(∅) is the parent model; a coalition the rule refuses (fewer updates than its minUpdates,
 * or any FlError) is valued as the parent too, so removing an update from a round the rule
 * could not aggregate without it costs that update nothing it did not add.
 *
 * Everything here is a pure function of its arguments (the utility included: give it the same
 * model, it answers the same number), so a seed fixes every score.
 */
export const SCORING_METHODS = ['loo', 'marginal', 'shapley'] as const
export type ScoringMethod = (typeof SCORING_METHODS)[number]

export const isScoringMethod = (text: string): text is ScoringMethod => (SCORING_METHODS as readonly string[]).includes(text)

/** The round as the chain aggregated it: the rule, the parent (base) model, the included updates in the version's order. */
export interface ScoredRound {
  readonly rule: AggregationRule
  /** The round's base model in fixed point (the parent version's global model). */
  readonly parent: QuantizedUpdate
  /** The included updates' values, in the version's (ascending trainer) order. */
  readonly updates: readonly Int32Array[]
  /** Their weights (capped sample counts: the version's `sample_count`). */
  readonly weights: readonly number[]
  /** The round's quantization scale (the updates'). */
  readonly roundScale: number
}

/** A model's value on the validation set, higher is better; `parameters` are floats (fixed point / scale). */
export type Utility = (parameters: Float32Array) => number

export interface ScoringOptions {
  method: ScoringMethod
  /** shapley: most model evaluations (v(∅) and v(N) included); whole permutations only, so up to K − 1 more. Default 100. */
  budget?: number
  /** shapley: the permutations' seed (the scorer derives it from the block hash of the version's height). */
  seed?: number
  /** shapley: utility difference treated as none (truncation and the round's own gain). Default 1e-4. */
  truncation?: number
  /** The loss increase (nats) that scores 0; default HARM_RANGES[method]. */
  harmRange?: number
}

/**
 * Per method, the loss increase that scores 0. A marginal gain is an update applied alone, at
 * full size, to the parent: an honest update trained on ~1,000 digits can raise the validation
 * loss by a tenth of a nat once the model has learned (a devnet run at 0.05 scored honest
 * trainers 0), while a sign-flipped one raises it by more than a nat. Leave-one-out and Shapley
 * gains are differences of whole aggregates, an order of magnitude or two smaller.
 */
export const HARM_RANGES: Record<ScoringMethod, number> = { marginal: 1, loo: 0.05, shapley: 0.05 }

export interface ScoringResult {
  /** Per update, in utility units (nats of loss gained); may be negative. */
  readonly gains: number[]
  /** Per update, quantizeScore(gain): what a reveal carries (SCORE_UNIT = neutral, 0 = harmful). */
  readonly scores: number[]
  /** Models evaluated (distinct coalitions). */
  readonly evaluations: number
  /** shapley: permutations sampled. */
  readonly permutations: number
}

/**
 * A gain as a score: ⌊(1 + gain / harmRange) × SCORE_UNIT⌋ within [0, 2^32 − 1] (harmRange: HARM_RANGES). A neutral update
 * (gain 0) scores SCORE_UNIT, a helpful one more, a harmful one less, down to 0 at a loss increase
 * of harmRange nats (or a gain that is not finite). The offset matters: scores clipped at 0 could
 * not tell a harmful update from a redundant one, and with many similar honest updates (or a
 * robust rule such as median) most leave-one-out gains are ~0, so honest trainers scored 0 and
 * were slashed as harmful on a devnet. With it, 0 means harm, and a redundant update is paid as
 * an equal share.
 */
export const SCORE_UNIT = 1_000_000
export const HARM_RANGE = 0.05
export function quantizeScore(gain: number, harmRange = HARM_RANGE): number {
  if (!Number.isFinite(gain)) return 0
  const score = Math.floor((1 + gain / harmRange) * SCORE_UNIT)
  return score <= 0 ? 0 : Math.min(0xffff_ffff, score)
}

/** The round's updates scored by `options.method` on `utility`. */
export function scoreRound(round: ScoredRound, utility: Utility, options: ScoringOptions): ScoringResult {
  if (round.updates.length !== round.weights.length)
    throw new FlError('FL_PARAMETER_LENGTH', 'one weight per update', { expected: round.updates.length, actual: round.weights.length })
  const values = new CoalitionValues(round, utility)
  let gains: number[]
  let permutations = 0
  switch (options.method) {
    case 'loo':
      gains = looGains(values)
      break
    case 'marginal':
      gains = marginalGains(values)
      break
    case 'shapley': {
      const result = shapleyGains(values, options.budget ?? 100, options.seed ?? 0, options.truncation ?? 1e-4)
      gains = result.gains
      permutations = result.permutations
      break
    }
  }
  const harmRange = options.harmRange ?? HARM_RANGES[options.method]
  return { gains, scores: gains.map((g) => quantizeScore(g, harmRange)), evaluations: values.evaluations, permutations }
}

/** v(N) − v(N \ {j}) for each j. */
function looGains(values: CoalitionValues): number[] {
  const k = values.size
  const all = Array.from({ length: k }, (_, i) => i)
  const full = values.of(all)
  return all.map((j) => full - values.of(all.filter((i) => i !== j)))
}

/** v(parent + u_j) − v(parent) for each j. */
function marginalGains(values: CoalitionValues): number[] {
  const empty = values.of([])
  return Array.from({ length: values.size }, (_, j) => values.alone(j) - empty)
}

/** GTG-Shapley's Monte Carlo estimate; see the file comment. */
function shapleyGains(
  values: CoalitionValues,
  budget: number,
  seed: number,
  truncation: number,
): { gains: number[]; permutations: number } {
  const k = values.size
  const all = Array.from({ length: k }, (_, i) => i)
  const empty = values.of([])
  const full = values.of(all)
  const sums = new Array<number>(k).fill(0)
  // Between-round truncation: a round whose aggregate gained nothing has nothing to share.
  if (Math.abs(full - empty) <= truncation || k === 0) return { gains: sums, permutations: 0 }
  const random = new SeededRandom(seed)
  // Enough permutations to stop even where every coalition is cached (small K): budget of them.
  const maxPermutations = Math.max(1, budget)
  let permutations = 0
  while (permutations < maxPermutations && (permutations === 0 || values.evaluations < budget)) {
    // Guided sampling: each update leads one permutation in turn, the rest in seeded order.
    const first = permutations % k
    const rest = random.shuffle(all.filter((i) => i !== first))
    const order = [first, ...rest]
    const members: number[] = []
    let previous = empty
    for (const player of order) {
      // Within-round truncation: once the coalition is as good as N, the rest add ~nothing.
      if (Math.abs(full - previous) <= truncation) break
      members.push(player)
      const value = members.length === k ? full : values.of(members)
      sums[player]! += value - previous
      previous = value
    }
    permutations++
  }
  return { gains: sums.map((s) => s / permutations), permutations }
}

/**
 * v(S) for coalitions of the round's updates, each evaluated once: the rule's aggregate of S
 * (reputations all REPUTATION_UNIT, as the chain aggregates today) applied to the parent model.
 */
class CoalitionValues {
  readonly #round: ScoredRound
  readonly #utility: Utility
  readonly #cache = new Map<string, number>()
  evaluations = 0

  constructor(round: ScoredRound, utility: Utility) {
    this.#round = round
    this.#utility = utility
  }

  get size(): number {
    return this.#round.updates.length
  }

  /** v(S), S as indices into the round's updates (any order). */
  of(members: readonly number[]): number {
    const sorted = [...members].sort((a, b) => a - b)
    const key = sorted.join(',')
    const cached = this.#cache.get(key)
    if (cached !== undefined) return cached
    const aggregate = this.#aggregate(sorted)
    const value = this.#model(aggregate)
    this.#cache.set(key, value)
    return value
  }

  /** v(parent + u_j): the update alone, not through the rule. */
  alone(j: number): number {
    const key = `alone:${j}`
    const cached = this.#cache.get(key)
    if (cached !== undefined) return cached
    const value = this.#model(this.#round.updates[j]!)
    this.#cache.set(key, value)
    return value
  }

  #aggregate(members: readonly number[]): Int32Array | null {
    const { rule, updates, weights } = this.#round
    if (members.length === 0 || members.length < rule.ranges.minUpdates) return null
    try {
      return rule.fast({
        updates: members.map((i) => updates[i]!),
        weights: members.map((i) => weights[i]!),
        reputations: members.map(() => REPUTATION_UNIT),
      }).values
    } catch (error) {
      if (error instanceof FlError) return null // the rule refuses this coalition: valued as the parent
      throw error
    }
  }

  #model(aggregate: Int32Array | null): number {
    const { parent, roundScale } = this.#round
    const key = aggregate === null ? 'parent' : null
    if (key !== null && this.#cache.has(key)) return this.#cache.get(key)!
    const values = aggregate === null ? parent.values : nextModelValues(parent, aggregate, roundScale)
    this.evaluations++
    const value = this.#utility(floatParameters(values, parent.scale))
    if (key !== null) this.#cache.set(key, value)
    return value
  }
}

/** A fixed-point model's parameters as the network takes them: value / scale. */
function floatParameters(values: ArrayLike<number>, scale: number): Float32Array {
  const parameters = new Float32Array(values.length)
  for (let i = 0; i < values.length; i++) parameters[i] = values[i]! / scale
  return parameters
}

export interface GroupScore {
  /** v(next) − v(parent): what the round's aggregate as a whole gained. */
  gain: number
  /** The one score every included trainer gets (quantizeScore of the gain: 0 only for harm). */
  score: number
}

/**
 * A secure-aggregation round's score (docs/privacy.md "Proof of contribution without single
 * updates"): the masked updates are uniform noise to a scorer, so it values the accepted model
 * against its parent and gives every trainer of the round that one score; the chain refuses a
 * reveal that tells them apart (reputation SECAGG_UNEQUAL_SCORES). Two evaluations whatever K.
 */
export function scoreGroup(parent: QuantizedUpdate, next: QuantizedUpdate, utility: Utility, harmRange = HARM_RANGE): GroupScore {
  if (parent.values.length !== next.values.length)
    throw new FlError('FL_PARAMETER_LENGTH', 'the new model and its parent differ in length', {
      expected: parent.values.length,
      actual: next.values.length,
    })
  const gain = utility(floatParameters(next.values, next.scale)) - utility(floatParameters(parent.values, parent.scale))
  return { gain, score: quantizeScore(gain, harmRange) }
}

/** The 32-bit seed of a round's Shapley permutations from a block hash (hex): all eight words folded by SeededRandom.derive. */
export function seedFromBlockHash(hex: string): number {
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new RoleError('BAD_OPTION', `a block hash is 64 hex digits, got "${hex.slice(0, 70)}"`, {
      option: 'seed',
      value: hex.slice(0, 70),
    })
  const words = Array.from({ length: 8 }, (_, i) => Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16))
  return SeededRandom.derive(words[0]!, ...words.slice(1)).nextUint32()
}
