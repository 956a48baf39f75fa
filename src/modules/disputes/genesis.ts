import {
  type ModuleGenesis,
  addressAt,
  arrayAt,
  bigintAt,
  genesisError,
  objectAt,
  optionalU64At,
  stringAt,
  u64At,
} from '../../state/index.js'
import { DisputesBooks } from './books.js'
import { booksInvariant } from './invariants.js'
import { DISPUTE_CLAIMS, DISPUTE_STATUSES, type DisputeTotalsValue, type DisputeValue } from './messages.js'
import { disputeJson } from './queries.js'

/**
 * `app_state.disputes` (params apart), what `export` writes and `init` reads back, every field
 * optional (empty on a new chain):
 *
 *   disputes: [DisputeJson]                      (queries.ts)
 *   totals:   { next_id, refunded, burned }
 *
 * Decimal strings. At init the books invariant must hold (the disputes account's genesis
 * balance, credited by bank first, equals the bonds of open disputes).
 */
export interface DisputesGenesis {
  disputes: DisputeValue[]
  totals: DisputeTotalsValue
}

const FIELDS = ['disputes', 'totals']
const amountAt = (value: unknown, path: string) => bigintAt(value, path, { min: 0n, max: 2n ** 256n - 1n })
const oneOf = (value: unknown, path: string, allowed: readonly string[]): string => {
  const text = stringAt(value, path)
  if (!allowed.includes(text)) throw genesisError(path, `must be one of ${allowed.join(', ')}`)
  return text
}

function disputeAt(value: unknown, at: string): DisputeValue {
  const o = objectAt(value, at)
  return {
    id: u64At(o.id, `${at}.id`),
    subnet: u64At(o.subnet, `${at}.subnet`),
    round: u64At(o.round, `${at}.round`),
    target: addressAt(o.target, `${at}.target`),
    claim: oneOf(o.claim, `${at}.claim`, DISPUTE_CLAIMS),
    disputer: addressAt(o.disputer, `${at}.disputer`),
    bond: amountAt(o.bond, `${at}.bond`),
    status: oneOf(o.status, `${at}.status`, DISPUTE_STATUSES),
    slashed: amountAt(o.slashed, `${at}.slashed`),
    refunded: amountAt(o.refunded, `${at}.refunded`),
    burned: amountAt(o.burned, `${at}.burned`),
    openedHeight: u64At(o.opened_height, `${at}.opened_height`),
    resolvedHeight: u64At(o.resolved_height, `${at}.resolved_height`),
    proposal: optionalU64At(o.proposal, `${at}.proposal`),
  }
}

export const disputesGenesis: ModuleGenesis<DisputesGenesis> = {
  validate(section, path) {
    const body = objectAt(section ?? {}, path)
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such disputes field')
    const disputes = arrayAt(body.disputes ?? [], `${path}.disputes`).map((d, i) => disputeAt(d, `${path}.disputes[${i}]`))
    const t = objectAt(body.totals ?? { next_id: '0', refunded: '0', burned: '0' }, `${path}.totals`)
    const totals: DisputeTotalsValue = {
      nextId: u64At(t.next_id, `${path}.totals.next_id`),
      refunded: amountAt(t.refunded, `${path}.totals.refunded`),
      burned: amountAt(t.burned, `${path}.totals.burned`),
    }
    const ids = new Set<bigint>()
    for (const [i, d] of disputes.entries()) {
      if (ids.has(d.id)) throw genesisError(`${path}.disputes[${i}].id`, `dispute ${d.id} is listed twice`)
      ids.add(d.id)
    }
    return { disputes, totals }
  },
  init(ctx, genesis) {
    const books = new DisputesBooks(ctx.moduleStore())
    for (const d of genesis.disputes) books.setDispute(d)
    books.setTotals(genesis.totals)
    const broken = booksInvariant(ctx)
    if (broken !== null) throw genesisError('app_state.disputes', broken)
  },
  export(ctx) {
    const books = new DisputesBooks(ctx.moduleStore())
    const t = books.totals()
    return {
      disputes: [...books.disputes()].map(disputeJson),
      totals: { next_id: String(t.nextId), refunded: String(t.refunded), burned: String(t.burned) },
    }
  },
}
