import { type LineageBooks, weightOf } from './books.js'
import type { Contributor, VersionId } from './keys.js'
import type { CreditValue, PoolValue, VersionRecordValue } from './messages.js'

/**
 * Lazy settlement (no per-use loop over contributors). A use adds to one integer per version, its
 * pool F_V; a contributor c of V is entitled to exactly
 *
 *   e_c,V = ⌊F_V × w_c / W_V⌋          (0 while V is pending: W_V = 0)
 *
 * and is owed e_c,V − paid_c,V. F_V only grows and W_V never changes once attributed, so the
 * entitlement never shrinks and what is owed is never negative; a pending version's contributors
 * catch up on everything accrued when it is attributed. Σ_c e_c,V ≤ F_V: the < #contributors
 * units of flooring dust per version stay in the module account (invariants.ts).
 */
export function entitlement(accrued: bigint, weight: bigint, total: bigint): bigint {
  return total === 0n ? 0n : (accrued * weight) / total
}

export interface Owed {
  version: VersionId
  weight: bigint
  totalWeight: bigint
  accrued: bigint
  entitled: bigint
  paid: bigint
  owed: bigint
}

export function owedIn(record: VersionRecordValue, pool: PoolValue, credit: CreditValue): Owed {
  const weight = weightOf(credit)
  const entitled = entitlement(pool.accrued, weight, record.totalWeight)
  return {
    version: { subnet: record.subnet, version: record.version },
    weight,
    totalWeight: record.totalWeight,
    accrued: pool.accrued,
    entitled,
    paid: credit.paid,
    owed: entitled - credit.paid,
  }
}

/** What `contributor` is owed in every version it is credited in (its index, version order). */
export function owedTo(books: LineageBooks, contributor: Contributor): Owed[] {
  const out: Owed[] = []
  for (const v of books.creditedIn(contributor)) {
    const record = books.version(v)
    const credit = books.credit(v, contributor)
    if (record === undefined || credit === undefined) continue
    out.push(owedIn(record, books.pool(v), credit))
  }
  return out
}

/** Marks everything `contributor` is owed as paid (credits and pools); returns the sum to send. */
export function settle(books: LineageBooks, contributor: Contributor): bigint {
  let total = 0n
  for (const o of owedTo(books, contributor)) {
    if (o.owed === 0n) continue
    const credit = books.credit(o.version, contributor)!
    books.setCredit(o.version, contributor, { ...credit, paid: credit.paid + o.owed })
    const pool = books.pool(o.version)
    books.setPool(o.version, { ...pool, paid: pool.paid + o.owed })
    total += o.owed
  }
  return total
}
