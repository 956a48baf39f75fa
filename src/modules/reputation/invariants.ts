import { encodeAddress } from '../../crypto/index.js'
import { type Context, Dec } from '../../state/index.js'
import { ReputationBooks } from './books.js'
import { TRAINING } from './expected-keepers.js'
import { COMMIT_STATUSES } from './messages.js'

const at = (subnet: bigint, round: bigint): string => `${subnet}/${round}`
const inUnit = (d: Dec): boolean => !d.isNegative() && d.lte(Dec.ONE)
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** Reputations, standings, bonds and every receipt's shares lie in [0, 1]; each bond column (one trainer) sums to at most 1. */
export function rangesInvariant(ctx: Context): string | null {
  const books = new ReputationBooks(ctx.moduleStore())
  for (const r of books.reputations())
    if (!inUnit(r.value)) return `reputation of ${encodeAddress(r.trainer)} in subnet ${r.subnet} is ${r.value}, outside [0, 1]`
  for (const s of books.standings())
    if (!inUnit(s.standing)) return `standing of ${encodeAddress(s.validator)} in subnet ${s.subnet} is ${s.standing}, outside [0, 1]`
  const columns = new Map<string, Dec>()
  for (const b of books.bonds()) {
    if (!inUnit(b.bond) || b.bond.isZero())
      return `bond of ${encodeAddress(b.validator)} on ${encodeAddress(b.trainer)} is ${b.bond} (stored bonds lie in (0, 1])`
    const column = `${b.subnet}/${hex(b.trainer)}`
    columns.set(column, (columns.get(column) ?? Dec.ZERO).add(b.bond))
  }
  for (const [column, total] of columns) if (total.gt(Dec.ONE)) return `bonds on ${column} sum to ${total}, more than 1`
  for (const r of books.allReceipts()) {
    if (!inUnit(r.consensusScore) || !inUnit(r.reputationAfter))
      return `receipt of ${encodeAddress(r.trainer)} in round ${at(r.subnet, r.round)} has a share outside [0, 1]`
    if (!r.scored && !r.consensusScore.isZero())
      return `unscored receipt of ${encodeAddress(r.trainer)} in round ${at(r.subnet, r.round)} has a consensus score`
  }
  return null
}

/**
 * Receipts only for closed rounds of trainers the round's version includes, with that version
 * and update CID; every receipt in its trainer's history index and every index entry a receipt.
 */
export function receiptsInvariant(ctx: Context): string | null {
  const books = new ReputationBooks(ctx.moduleStore())
  const training = ctx.keeper(TRAINING)
  let receipts = 0
  for (const r of books.allReceipts()) {
    receipts++
    const round = training.round(r.subnet, r.round)
    if (round === undefined || !round.closed)
      return `a receipt of ${encodeAddress(r.trainer)} belongs to round ${at(r.subnet, r.round)}, which is ${round === undefined ? 'unknown' : 'not closed'}`
    const version = round.version === null ? undefined : training.version(r.subnet, round.version)
    const included = version?.included.find((c) => hex(c.trainer) === hex(r.trainer))
    if (version === undefined || version.version !== r.version || included === undefined || included.updateCid !== r.updateCid) {
      return `the receipt of ${encodeAddress(r.trainer)} in round ${at(r.subnet, r.round)} is not for an update its version includes`
    }
  }
  let entries = 0
  for (const h of books.allHistory()) {
    entries++
    if (books.receipt(h.subnet, h.round, h.trainer) === undefined)
      return `history of ${encodeAddress(h.trainer)} names round ${at(h.subnet, h.round)} without a receipt`
  }
  return entries === receipts ? null : `${receipts} receipts, ${entries} history entries`
}

/** Commitments have a known status; only rounds still open hold `committed` ones; a revealed one scores each trainer of its version. */
export function commitmentsInvariant(ctx: Context): string | null {
  const books = new ReputationBooks(ctx.moduleStore())
  const training = ctx.keeper(TRAINING)
  for (const c of books.allCommits()) {
    const who = `${encodeAddress(c.validator)} in round ${at(c.subnet, c.round)}`
    if (!(COMMIT_STATUSES as readonly string[]).includes(c.record.status)) return `commitment of ${who} has status ${c.record.status}`
    const round = training.round(c.subnet, c.round)
    if (round === undefined) return `commitment of ${who} belongs to no round`
    if (round.closed && c.record.status === 'committed') return `commitment of ${who} is still awaiting its reveal after the round closed`
    if (!round.closed && !(c.record.status === 'committed' || c.record.status === 'revealed' || c.record.status === 'mismatched'))
      return `commitment of ${who} has a settled status in an open round`
    if (c.record.status === 'revealed' || c.record.status === 'excluded') {
      const version = round.version === null ? undefined : training.version(c.subnet, round.version)
      if (version === undefined || c.record.scores.length !== version.included.length)
        return `commitment of ${who} does not score every trainer of its version`
    }
    if (!inUnit(c.record.trust) || !inUnit(c.record.dividend)) return `commitment of ${who} has a trust or dividend outside [0, 1]`
  }
  return null
}

export const reputationInvariants = { ranges: rangesInvariant, receipts: receiptsInvariant, commitments: commitmentsInvariant }
