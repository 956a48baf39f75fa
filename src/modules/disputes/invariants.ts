import { type Context, moduleAddress } from '../../state/index.js'
import { DisputesBooks } from './books.js'
import { BANK, STAKING } from './expected-keepers.js'
import { DISPUTES_ACCOUNT } from './keys.js'
import { DISPUTE_CLAIMS, DISPUTE_STATUSES, type DisputeValue } from './messages.js'

/** What a dispute's record says of its money, or why it cannot be: open holds its bond, upheld refunded its slash, dismissed burned its bond. */
export function disputeBroken(d: DisputeValue): string | null {
  if (!(DISPUTE_CLAIMS as readonly string[]).includes(d.claim)) return `dispute ${d.id} has an unknown claim ${d.claim}`
  if (!(DISPUTE_STATUSES as readonly string[]).includes(d.status)) return `dispute ${d.id} has an unknown status ${d.status}`
  const open = d.status === 'open'
  if (open !== (d.resolvedHeight === 0n)) return `dispute ${d.id} is ${d.status} with resolved height ${d.resolvedHeight}`
  if (d.refunded !== (d.status === 'upheld' ? d.slashed : 0n)) return `dispute ${d.id} is ${d.status} and refunded ${d.refunded}`
  if (d.burned !== (d.status === 'dismissed' ? d.bond : 0n)) return `dispute ${d.id} is ${d.status} and burned ${d.burned}`
  if ((d.claim === 'wrong_verdict') !== (d.proposal !== null)) return `dispute ${d.id} (${d.claim}) has proposal ${d.proposal}`
  if (open && d.proposal === null) return `dispute ${d.id} is open with no proposal to settle it`
  return null
}

/**
 * The books and the money agree: every record is consistent, ids are below next_id, the open
 * index lists exactly the open disputes, the disputes account holds exactly the bonds of open disputes, and the totals are the records' sums —
 * Σ refunded (the slashes minted back: supply's refunds term) and Σ burned (lost bonds). With
 * bank's total-supply invariant, supply moves by this module only by refunded − burned.
 */
export function booksInvariant(ctx: Context): string | null {
  const books = new DisputesBooks(ctx.moduleStore())
  const totals = books.totals()
  const open = new Set(books.openIds())
  let openCount = 0
  let escrowed = 0n
  let refunded = 0n
  let burned = 0n
  for (const d of books.disputes()) {
    const broken = disputeBroken(d)
    if (broken !== null) return broken
    if (d.id >= totals.nextId) return `dispute ${d.id} is at or past next_id ${totals.nextId}`
    if (books.disputeOf(d.subnet, d.round, d.target)?.id !== d.id) return `dispute ${d.id} is not its slash's indexed dispute`
    if ((d.status === 'open') !== open.has(d.id))
      return `dispute ${d.id} is ${d.status} but ${open.has(d.id) ? 'in' : 'not in'} the open index`
    if (d.status === 'open') {
      openCount++
      escrowed += d.bond
    }
    refunded += d.refunded
    burned += d.burned
  }
  if (openCount !== open.size) return `the open index lists ${open.size} disputes; ${openCount} are open`
  if (totals.refunded !== refunded) return `totals record ${totals.refunded} refunded; the disputes sum to ${refunded}`
  if (totals.burned !== burned) return `totals record ${totals.burned} burned; the disputes sum to ${burned}`
  const denom = ctx.keeper(STAKING).bondDenom()
  const held = ctx.keeper(BANK).balance(moduleAddress(DISPUTES_ACCOUNT), denom)
  if (held !== escrowed) return `the disputes account holds ${held}${denom}; open disputes escrow ${escrowed}`
  return null
}

export const disputesInvariants = { books: booksInvariant }
