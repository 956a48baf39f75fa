import { Dec } from '../../state/dec.js'

/**
 * Yuma consensus (opentensor/subtensor, pallets/subtensor/src/epoch/run_epoch.rs), for one
 * round of one subnet, in fixed point. Pure: no store, no floats, no randomness.
 *
 * Rows are validators, columns the round's trainers (the version's trainer order). A row whose
 * `scores` is null did not count this round (no reveal, a mismatch, or no longer bonded): it
 * weighs nothing in consensus, earns no new bond and no dividend, and its old bonds decay.
 *
 *   stake share   S_i = stake_i / Σ stake                          (counted rows)
 *   weights       W_ij = score_ij / Σ_j score_ij                    (0 for a row of zeros)
 *   consensus     C_j = the largest w ∈ {W_ij} ∪ {0} such that Σ_{i: W_ij ≥ w} stake_i ≥ κ · Σ stake
 *   clipped       W̄_ij = min(W_ij, C_j)
 *   trust         T_i = Σ_j W̄_ij / Σ_j W_ij                       (0 for a row of zeros)
 *   rank          R_j = Σ_i S_i · W̄_ij,   incentive I_j = R_j / Σ R
 *   bond delta    ΔB_ij = S_i · W̄_ij / R_j                         (0 where R_j = 0)
 *   bonds         B_ij = col-normalize(β · B_old_ij + (1 − β) · ΔB_ij)
 *   dividends     D_i = Σ_j B_ij · I_j over counted rows, normalized to Σ D = 1
 *
 * Rounding: every Dec product and quotient truncates toward zero at the 18th digit (Dec.mul,
 * Dec.quo), so every normalized row or column sums to at most 1 and every value stays in
 * [0, 1]. The median compares stakes exactly in integers (Σ stake · 10^18 ≥ κ.raw · Σ stake),
 * no rounding. Sums of truncated terms do not depend on the order of the rows, and the median
 * does not depend on how ties are ordered (all validators at a tied value count together), so
 * the result is the same for any order of rows: no tie-break is needed.
 */
export interface YumaRow {
  /** Effective stake (tokens × standing); ignored when `scores` is null. */
  stake: bigint
  /** One u32 score per trainer, or null when the row does not count this round. */
  scores: readonly number[] | null
  /** Its bonds of earlier rounds on these trainers (Dec.ZERO for none), one per trainer. */
  bonds: readonly Dec[]
}

export interface YumaParams {
  kappa: Dec
  bondMovingAverage: Dec
}

export interface YumaResult {
  /** Σ stake of the counted rows; 0 when none counted (then every output below is zero, bonds decayed). */
  totalStake: bigint
  weights: Dec[][]
  consensus: Dec[]
  clipped: Dec[][]
  trust: Dec[]
  incentive: Dec[]
  bonds: Dec[][]
  dividends: Dec[]
}

const ONE = Dec.ONE.raw

/** x / Σ xs for each x, truncated; all zeros when the sum is 0. */
export function normalize(values: readonly bigint[]): Dec[] {
  const total = values.reduce((a, b) => a + b, 0n)
  return values.map((v) => (total === 0n ? Dec.ZERO : Dec.fromRaw((v * ONE) / total)))
}

const normalizeDecs = (values: readonly Dec[]): Dec[] => normalize(values.map((d) => d.raw))

/**
 * The stake-weighted median at κ of one column: the largest value w among `values` (and 0) such
 * that the validators giving at least w hold at least κ of `stakes`' total. Exact in integers.
 * Rows with a zero stake never change it. 0 when the total is 0.
 */
export function weightedMedian(stakes: readonly bigint[], values: readonly Dec[], kappa: Dec): Dec {
  const total = stakes.reduce((a, b) => a + b, 0n)
  if (total === 0n) return Dec.ZERO
  const order = values.map((_, i) => i).sort((a, b) => values[b]!.cmp(values[a]!))
  let above = 0n
  for (const i of order) {
    above += stakes[i]!
    // Every row with a value ≥ values[i] has been added once the last of a tie is reached; an
    // earlier row of the tie may already pass, with the same value: the order among ties is moot.
    if (above * ONE >= kappa.raw * total) return values[i]!
  }
  return Dec.ZERO
}

/** Runs Yuma on one round (see the file's doc). `rows` must all have one score (when counted) and one bond per trainer. */
export function yuma(rows: readonly YumaRow[], trainers: number, params: YumaParams): YumaResult {
  for (const [i, row] of rows.entries()) {
    if (row.bonds.length !== trainers || (row.scores !== null && row.scores.length !== trainers))
      throw new Error(`yuma: row ${i} does not have ${trainers} entries`)
    if (row.scores !== null && row.stake < 0n) throw new Error(`yuma: row ${i} has a negative stake`)
  }
  const columns = [...Array(trainers).keys()]
  const stakes = rows.map((r) => (r.scores === null ? 0n : r.stake))
  const totalStake = stakes.reduce((a, b) => a + b, 0n)
  const share = normalize(stakes)
  const weights = rows.map((r) => (r.scores === null ? columns.map(() => Dec.ZERO) : normalize(r.scores.map(BigInt))))
  const consensus = columns.map((j) =>
    weightedMedian(
      stakes,
      weights.map((w) => w[j]!),
      params.kappa,
    ),
  )
  const clipped = weights.map((w) => w.map((x, j) => Dec.min(x, consensus[j]!)))
  const sum = (xs: readonly Dec[]) => xs.reduce((a, b) => a.add(b), Dec.ZERO)
  const trust = rows.map((_, i) => {
    const own = sum(weights[i]!)
    return own.isZero() ? Dec.ZERO : sum(clipped[i]!).quo(own)
  })
  const stakeWeighted = clipped.map((w, i) => w.map((x) => share[i]!.mul(x)))
  const rank = columns.map((j) => sum(stakeWeighted.map((w) => w[j]!)))
  const incentive = normalizeDecs(rank)
  const beta = params.bondMovingAverage
  const keep = Dec.ONE.sub(beta)
  const ema = rows.map((r, i) =>
    columns.map((j) => {
      const delta = rank[j]!.isZero() ? Dec.ZERO : stakeWeighted[i]![j]!.quo(rank[j]!)
      return beta.mul(r.bonds[j]!).add(keep.mul(delta))
    }),
  )
  const bonds = rows.map(() => columns.map(() => Dec.ZERO))
  for (const j of columns) {
    const column = normalizeDecs(ema.map((b) => b[j]!))
    column.forEach((b, i) => (bonds[i]![j] = b))
  }
  const raw = rows.map((r, i) =>
    r.scores === null ? Dec.ZERO : columns.reduce((a, j) => a.add(bonds[i]![j]!.mul(incentive[j]!)), Dec.ZERO),
  )
  return { totalStake, weights, consensus, clipped, trust, incentive, bonds, dividends: normalizeDecs(raw) }
}
