import { Dec } from '../../state/index.js'
import { type Contributor, contributorBytes } from './keys.js'
import type { CreditValue } from './messages.js'

/**
 * The weight scale: a version's weights are integers out of WEIGHT_SCALE = 10^12 (one part per
 * trillion of its own part of a fee), so W_V ≤ 10^12 and no share below 10^-12 is lost to flooring.
 */
export const WEIGHT_SCALE = 10n ** 12n

/** The five shares of a version's own part (lineage params). Only four become weights: the validators' part is paid at use. */
export interface AttributionShares {
  trainerShare: Dec
  dataShare: Dec
  aggregatorShare: Dec
  treasuryShare: Dec
}

/** A scored trainer as weights.ts needs it: Yuma's consensus score (raw Dec) and the sample weight reputation counted. */
export interface TrainerBasis {
  trainer: Uint8Array
  consensusScore: Dec
  weight: number
}

/** One declared record as weights.ts needs it: its contributor and its data weight, count × quality (ppm). */
export interface DataPart {
  contributor: Uint8Array
  weight: bigint
}

export interface Attribution {
  /** Merged per contributor, in contributor-byte order; only positive weights. */
  credits: { contributor: Contributor; credit: CreditValue }[]
  /** W_V = Σ of every credit's weight. */
  total: bigint
}

const partOf = (share: Dec): bigint => (WEIGHT_SCALE * share.raw) / Dec.ONE.raw

/**
 * A scored version's integer weights, exactly:
 *
 *   T = ⌊S·trainer_share⌋, D = ⌊S·data_share⌋, A = ⌊S·aggregator_share⌋, R = ⌊S·treasury_share⌋
 *   (S = WEIGHT_SCALE). Each trainer i has a basis b_i: its consensus score (raw), or, when every
 *   score is 0, its sample weight; B = Σ b_i.
 *   trainer i:      t_i = ⌊T·b_i / B⌋
 *   its data part:  D_i = ⌊D·b_i / B⌋, split over its declared records r by q_r = count × quality:
 *                   ⌊D_i·q_r / Q_i⌋ to r's contributor (Q_i = Σ q_r); a trainer with no declared
 *                   record of positive quality gives its D_i to the treasury
 *   aggregator:     A (to the treasury when the version has none)
 *   treasury:       R, plus T and D whole when B = 0 (nobody to weigh), plus the fallbacks above
 *
 * A contributor in several roles is merged into one credit (its kinds kept apart). The flooring
 * dust is nobody's weight: W_V is the sum of the weights given, so shares of a pool are
 * proportional to them (w_c / W_V) and the dust costs no coin.
 */
export function attribute(
  shares: AttributionShares,
  subnet: bigint,
  trainers: readonly TrainerBasis[],
  aggregator: Uint8Array | null,
  dataOf: (trainer: Uint8Array) => readonly DataPart[],
): Attribution {
  const T = partOf(shares.trainerShare)
  const D = partOf(shares.dataShare)
  const A = partOf(shares.aggregatorShare)
  const R = partOf(shares.treasuryShare)
  const merged = new Map<string, { contributor: Contributor; credit: CreditValue }>()
  const add = (contributor: Contributor, kind: 'trainer' | 'data' | 'aggregator' | 'treasury', weight: bigint) => {
    if (weight === 0n) return
    const id = Buffer.from(contributorBytes(contributor)).toString('hex')
    let entry = merged.get(id)
    if (entry === undefined) {
      entry = { contributor, credit: { trainer: 0n, data: 0n, aggregator: 0n, treasury: 0n, paid: 0n } }
      merged.set(id, entry)
    }
    entry.credit[kind] += weight
  }
  const treasury: Contributor = { kind: 'treasury', subnet }

  let bases = trainers.map((t) => t.consensusScore.raw)
  if (bases.every((b) => b === 0n)) bases = trainers.map((t) => BigInt(t.weight))
  const B = bases.reduce((a, b) => a + b, 0n)
  if (B === 0n) {
    add(treasury, 'treasury', T + D)
  } else {
    trainers.forEach((t, i) => {
      const b = bases[i]!
      add({ kind: 'account', address: t.trainer }, 'trainer', (T * b) / B)
      const Di = (D * b) / B
      const parts = dataOf(t.trainer).filter((p) => p.weight > 0n)
      const Q = parts.reduce((a, p) => a + p.weight, 0n)
      if (Q === 0n) add(treasury, 'treasury', Di)
      else for (const p of parts) add({ kind: 'account', address: p.contributor }, 'data', (Di * p.weight) / Q)
    })
  }
  if (aggregator === null) add(treasury, 'treasury', A)
  else add({ kind: 'account', address: aggregator }, 'aggregator', A)
  add(treasury, 'treasury', R)

  const credits = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e)
  const total = credits.reduce((sum, e) => sum + e.credit.trainer + e.credit.data + e.credit.aggregator + e.credit.treasury, 0n)
  return { credits, total }
}

/** The weights of a version 0 (an initial model, forked or not): everything to its subnet's treasury. */
export const initialAttribution = (subnet: bigint): Attribution => ({
  credits: [
    { contributor: { kind: 'treasury', subnet }, credit: { trainer: 0n, data: 0n, aggregator: 0n, treasury: WEIGHT_SCALE, paid: 0n } },
  ],
  total: WEIGHT_SCALE,
})
