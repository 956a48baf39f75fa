import { Dec } from '../../../../src/state/index.js'

/**
 * The module's formulas written out again for the tests, from docs/lineage.md (not imported from
 * src/): attribution weights and a fee's split along a lineage.
 */
export const SCALE = 10n ** 12n
const part = (share: string) => (SCALE * Dec.parse(share).raw) / Dec.ONE.raw
export const floorMul = (amount: bigint, share: string) => (amount * Dec.parse(share).raw) / Dec.ONE.raw

export interface Shares {
  trainer: string
  data: string
  aggregator: string
  treasury: string
}
export const DEFAULT_SHARES: Shares = { trainer: '0.5', data: '0.2', aggregator: '0.05', treasury: '0.15' }

/** Weights by contributor name (fedra1… or treasury:N). */
export function expectedWeights(
  shares: Shares,
  subnet: bigint,
  scored: { trainer: string; score: bigint; weight: number }[],
  aggregator: string | null,
  data: Record<string, { contributor: string; weight: bigint }[]>,
): Map<string, bigint> {
  const out = new Map<string, bigint>()
  const add = (who: string, w: bigint) => {
    if (w > 0n) out.set(who, (out.get(who) ?? 0n) + w)
  }
  const treasury = `treasury:${subnet}`
  const [T, D, A, R] = [part(shares.trainer), part(shares.data), part(shares.aggregator), part(shares.treasury)]
  let basis = scored.map((s) => s.score)
  if (basis.every((b) => b === 0n)) basis = scored.map((s) => BigInt(s.weight))
  const B = basis.reduce((a, b) => a + b, 0n)
  if (B === 0n) add(treasury, T + D)
  else
    scored.forEach((s, i) => {
      add(s.trainer, (T * basis[i]!) / B)
      const Di = (D * basis[i]!) / B
      const records = (data[s.trainer] ?? []).filter((r) => r.weight > 0n)
      const Q = records.reduce((a, r) => a + r.weight, 0n)
      if (Q === 0n) add(treasury, Di)
      else for (const r of records) add(r.contributor, (Di * r.weight) / Q)
    })
  add(aggregator ?? treasury, A)
  add(treasury, R)
  return out
}

export interface Lineage {
  parents: (v: string) => string[]
}

/** A fee's split: pooled and validators' parts per version `subnet/version`, generation by generation (amounts merged per generation). */
export function expectedSplit(
  fee: bigint,
  root: string,
  parents: (v: string) => string[],
  p: { parent: string; validator: string; depth: number },
) {
  const pooled = new Map<string, bigint>()
  let validators = 0n
  let level = new Map([[root, fee]])
  for (let d = 0; level.size > 0; d++) {
    const next = new Map<string, bigint>()
    for (const [v, m] of level) {
      const ps = d < p.depth ? parents(v) : []
      const P = ps.length === 0 ? 0n : floorMul(m, p.parent)
      const each = ps.length === 0 ? 0n : P / BigInt(ps.length)
      ps.forEach((q, i) => {
        const share = i === 0 ? P - each * BigInt(ps.length - 1) : each
        if (share > 0n) next.set(q, (next.get(q) ?? 0n) + share)
      })
      const own = m - P
      const val = floorMul(own, p.validator)
      validators += val
      pooled.set(v, (pooled.get(v) ?? 0n) + own - val)
    }
    level = next
  }
  return { pooled, validators }
}
