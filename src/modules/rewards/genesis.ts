import { type ModuleGenesis, addressAt, arrayAt, bigintAt, genesisError, objectAt, u64At, boolAt } from '../../state/index.js'
import { RewardsBooks } from './books.js'
import { accountInvariant, payoutsInvariant, settlementBroken } from './invariants.js'
import type { RewardsTotalsValue, RoundPayoutsValue } from './messages.js'
import { payoutsJson } from './queries.js'

/**
 * `app_state.rewards` (params apart), what `export` writes and `init` reads back, every field
 * optional (empty on a new chain):
 *
 *   pools:      [{ subnet, amount }]        treasuries: [{ subnet, amount }]
 *   payouts:    PayoutsJson[]               (queries.ts)
 *   totals:     { emitted, burned }
 *
 * Decimal strings. At init the books must balance the rewards account's genesis balance (bank
 * comes first) and every settlement must balance; subnets' existence is an invariant, checked
 * after genesis.
 */
export interface RewardsGenesis {
  pools: { subnet: bigint; amount: bigint }[]
  treasuries: { subnet: bigint; amount: bigint }[]
  payouts: RoundPayoutsValue[]
  totals: RewardsTotalsValue
}

const FIELDS = ['pools', 'treasuries', 'payouts', 'totals']
const amountAt = (value: unknown, path: string) => bigintAt(value, path, { min: 0n, max: 2n ** 256n - 1n })
const list = (body: Record<string, unknown>, field: string, path: string) =>
  arrayAt(body[field] ?? [], `${path}.${field}`).map((e, i) => ({ at: `${path}.${field}[${i}]`, o: objectAt(e, `${path}.${field}[${i}]`) }))

function amounts(body: Record<string, unknown>, field: string, path: string): { subnet: bigint; amount: bigint }[] {
  const seen = new Set<bigint>()
  return list(body, field, path).map(({ at, o }) => {
    const subnet = u64At(o.subnet, `${at}.subnet`)
    if (seen.has(subnet)) throw genesisError(`${at}.subnet`, `subnet ${subnet} listed twice`)
    seen.add(subnet)
    const amount = amountAt(o.amount, `${at}.amount`)
    if (amount === 0n) throw genesisError(`${at}.amount`, 'a zero amount is left out, not listed')
    return { subnet, amount }
  })
}

function payoutsAt(at: string, o: Record<string, unknown>): RoundPayoutsValue {
  const shares = objectAt(o.shares, `${at}.shares`)
  const aggregator = o.aggregator === null || o.aggregator === undefined ? null : objectAt(o.aggregator, `${at}.aggregator`)
  const record: RoundPayoutsValue = {
    subnet: u64At(o.subnet, `${at}.subnet`),
    round: u64At(o.round, `${at}.round`),
    version: u64At(o.version, `${at}.version`),
    scored: boolAt(o.scored, `${at}.scored`),
    emission: amountAt(o.emission, `${at}.emission`),
    available: amountAt(o.available, `${at}.available`),
    trainersShare: amountAt(shares.trainers, `${at}.shares.trainers`),
    aggregatorShare: amountAt(shares.aggregator, `${at}.shares.aggregator`),
    scorersShare: amountAt(shares.scorers, `${at}.shares.scorers`),
    dataShare: amountAt(shares.data, `${at}.shares.data`),
    trainers: arrayAt(o.trainers, `${at}.trainers`).map((e, j) => {
      const here = `${at}.trainers[${j}]`
      const t = objectAt(e, here)
      return {
        trainer: addressAt(t.trainer, `${here}.trainer`),
        reward: amountAt(t.reward, `${here}.reward`),
        slashed: amountAt(t.slashed, `${here}.slashed`),
        harmful: boolAt(t.harmful, `${here}.harmful`),
      }
    }),
    aggregator: aggregator === null ? null : addressAt(aggregator.address, `${at}.aggregator.address`),
    aggregatorPaid: aggregator === null ? 0n : amountAt(aggregator.amount, `${at}.aggregator.amount`),
    scorers: arrayAt(o.scorers, `${at}.scorers`).map((e, j) => {
      const s = objectAt(e, `${at}.scorers[${j}]`)
      return { operator: addressAt(s.operator, `${at}.scorers[${j}].operator`), amount: amountAt(s.amount, `${at}.scorers[${j}].amount`) }
    }),
    carried: amountAt(o.carried, `${at}.carried`),
    height: u64At(o.settled_height, `${at}.settled_height`),
  }
  const broken = settlementBroken(record)
  if (broken !== null) throw genesisError(at, broken)
  return record
}

export const rewardsGenesis: ModuleGenesis<RewardsGenesis> = {
  validate(section, path) {
    const body = objectAt(section ?? {}, path)
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such rewards genesis field')
    const totals = body.totals === undefined ? {} : objectAt(body.totals, `${path}.totals`)
    return {
      pools: amounts(body, 'pools', path),
      treasuries: amounts(body, 'treasuries', path),
      payouts: list(body, 'payouts', path).map(({ at, o }) => payoutsAt(at, o)),
      totals: {
        emitted: amountAt(totals.emitted ?? '0', `${path}.totals.emitted`),
        burned: amountAt(totals.burned ?? '0', `${path}.totals.burned`),
      },
    }
  },
  init(ctx, g) {
    const books = new RewardsBooks(ctx.moduleStore())
    for (const p of g.pools) books.setPool(p.subnet, p.amount)
    for (const t of g.treasuries) books.setTreasury(t.subnet, t.amount)
    for (const p of g.payouts) books.setPayouts(p)
    if (g.totals.emitted > 0n || g.totals.burned > 0n) books.setTotals(g.totals)
    const broken = accountInvariant(ctx) ?? payoutsInvariant(ctx)
    if (broken !== null) throw genesisError('app_state.rewards', `the rewards books are inconsistent: ${broken}`)
  },
  export(ctx) {
    const books = new RewardsBooks(ctx.moduleStore())
    const totals = books.totals()
    return {
      pools: [...books.pools()].map((p) => ({ subnet: String(p.subnet), amount: String(p.amount) })),
      treasuries: [...books.treasuries()].map((t) => ({ subnet: String(t.subnet), amount: String(t.amount) })),
      payouts: [...books.allPayouts()].map(payoutsJson),
      totals: { emitted: String(totals.emitted), burned: String(totals.burned) },
    }
  },
}
