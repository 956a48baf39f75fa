import { type Context, moduleAddress } from '../../state/index.js'
import { LineageBooks, weightOf } from './books.js'
import { BANK, STAKING } from './expected-keepers.js'
import { LINEAGE_ACCOUNT, contributorBytes, versionName } from './keys.js'
import { type UseReceiptValue, VERSION_KINDS, VERSION_STATUSES } from './messages.js'
import { entitlement } from './settlement.js'

/**
 * The lineage account holds exactly what the pools hold: balance = Σ_V (F_V − paid_V) = Σ fees
 * received − Σ sent to the fee collector − Σ withdrawn. (Subnet treasuries are credits like any
 * other, so their unwithdrawn entitlement is in the pools; the flooring dust too.)
 */
export function accountInvariant(ctx: Context): string | null {
  const books = new LineageBooks(ctx.moduleStore())
  const denom = ctx.keeper(STAKING).bondDenom()
  const held = ctx.keeper(BANK).balance(moduleAddress(LINEAGE_ACCOUNT), denom)
  let pools = 0n
  for (const { pool } of books.pools()) pools += pool.accrued - pool.paid
  const t = books.totals()
  const byTotals = t.received - t.toValidators - t.withdrawn
  if (held !== pools) return `the lineage account holds ${held}${denom}; its pools hold ${pools}`
  if (held !== byTotals)
    return `the lineage account holds ${held}${denom}; received ${t.received} − to validators ${t.toValidators} − withdrawn ${t.withdrawn} = ${byTotals}`
  return null
}

/**
 * Per version: Σ_c ⌊F_V·w_c/W_V⌋ ≤ F_V (the floors never promise more than the pool), nobody was
 * paid past its floor, Σ paid_c = the pool's paid; a pool belongs to a recorded version.
 */
export function poolsInvariant(ctx: Context): string | null {
  const books = new LineageBooks(ctx.moduleStore())
  for (const { version, pool } of books.pools()) {
    const record = books.version(version)
    if (record === undefined) return `pool ${versionName(version)} belongs to no recorded version`
    let floors = 0n
    let paid = 0n
    for (const { contributor, credit } of books.credits(version)) {
      const floor = entitlement(pool.accrued, weightOf(credit), record.totalWeight)
      if (credit.paid > floor)
        return `version ${versionName(version)}: ${Buffer.from(contributorBytes(contributor)).toString('hex')} was paid ${credit.paid}, past its floor ${floor}`
      floors += floor
      paid += credit.paid
    }
    if (floors > pool.accrued)
      return `version ${versionName(version)}: the floor shares sum to ${floors}, more than the pool's ${pool.accrued}`
    if (paid !== pool.paid) return `version ${versionName(version)}: its credits were paid ${paid}, its pool records ${pool.paid}`
  }
  return null
}

/**
 * Every record is consistent with its status: `pending` has no weights (W_V = 0, no credit),
 * `attributed` has W_V = Σ w_c > 0; kinds and statuses known; parents recorded with their child
 * index entries, child entries backed by a parent link; the contributor index mirrors the credits.
 */
export function recordsInvariant(ctx: Context): string | null {
  const books = new LineageBooks(ctx.moduleStore())
  for (const record of books.versions()) {
    const at = `version ${versionName(record)}`
    if (!(VERSION_KINDS as readonly string[]).includes(record.kind)) return `${at}: unknown kind ${record.kind}`
    if (!(VERSION_STATUSES as readonly string[]).includes(record.status)) return `${at}: unknown status ${record.status}`
    let total = 0n
    let credits = 0
    for (const { contributor, credit } of books.credits(record)) {
      total += weightOf(credit)
      credits++
      if (!books.hasContributorEntry(contributor, record)) return `${at}: a credit missing from the contributor index`
    }
    if (record.status === 'pending' && (record.totalWeight !== 0n || credits > 0 || record.attributedHeight !== null))
      return `${at}: pending, yet weighted (${record.totalWeight}, ${credits} credits)`
    if (record.status === 'attributed' && (record.totalWeight === 0n || record.totalWeight !== total || record.attributedHeight === null)) {
      return `${at}: attributed with total weight ${record.totalWeight}, its credits sum to ${total}`
    }
    for (const parent of record.parents) {
      if (books.version(parent) === undefined) return `${at}: parent ${versionName(parent)} is not recorded`
      if (![...books.children(parent)].some((c) => versionName(c) === versionName(record)))
        return `${at}: missing from ${versionName(parent)}'s child index`
    }
  }
  for (const { parent, child } of books.childEdges()) {
    const record = books.version(child)
    if (record === undefined || !record.parents.some((p) => versionName(p) === versionName(parent)))
      return `child index ${versionName(parent)} → ${versionName(child)} has no parent link`
  }
  return null
}

/** What one receipt's parts make of its fee: null when they balance. */
export function receiptBroken(r: UseReceiptValue): string | null {
  if (r.parentsPart + r.validatorsPart + r.pooled !== r.fee.amount)
    return `receipt ${r.id}: ${r.parentsPart} + ${r.validatorsPart} + ${r.pooled} ≠ fee ${r.fee.amount}`
  if (r.ancestorsValidators + r.ancestorsPooled !== r.parentsPart)
    return `receipt ${r.id}: the ancestors' parts ${r.ancestorsValidators} + ${r.ancestorsPooled} ≠ ${r.parentsPart}`
  return null
}

/** Receipts are numbered 0.. without holes, each balances, and they sum to the totals' received and to-validators. */
export function receiptsInvariant(ctx: Context): string | null {
  const books = new LineageBooks(ctx.moduleStore())
  let next = 0n
  let received = 0n
  let validators = 0n
  for (const r of books.receipts()) {
    if (r.id !== next) return `receipt ${r.id} where ${next} was expected`
    const broken = receiptBroken(r)
    if (broken !== null) return broken
    next++
    received += r.fee.amount
    validators += r.validatorsPart + r.ancestorsValidators
  }
  const t = books.totals()
  if (t.nextReceipt !== next || t.received !== received || t.toValidators !== validators) {
    return `totals record ${t.nextReceipt} receipts, ${t.received} received, ${t.toValidators} to validators; the receipts say ${next}, ${received}, ${validators}`
  }
  return null
}

export const lineageInvariants = {
  account: accountInvariant,
  pools: poolsInvariant,
  records: recordsInvariant,
  receipts: receiptsInvariant,
}
