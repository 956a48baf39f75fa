import { decodeAddress, encodeAddress } from '../../crypto/index.js'
import { Dec, type ModuleGenesis, arrayAt, genesisError, intAt, objectAt, stringAt, u64At, decAt } from '../../state/index.js'
import { type DecCoin, type DecCoins, decCoinsJson } from './dec-coins.js'
import { referenceCountInvariant, solvencyInvariant } from './invariants.js'
import { DENOM } from '../bank/messages.js'
import * as K from './keys.js'
import {
  type CurrentRewards,
  type HistoricalRewards,
  type SlashEvent,
  type StartingInfo,
  decodeCurrent,
  decodeDecCoins,
  decodeHistorical,
  decodeSlashEvent,
  decodeStartingInfo,
  encodeCurrent,
  encodeDecCoins,
  encodeHistorical,
  encodeSlashEvent,
  encodeStartingInfo,
} from './records.js'

/**
 * `app_state.distribution` (params apart), x/distribution's genesis: every field optional, all
 * empty on a new chain (staking's genesis creates each validator's and delegation's records
 * through the hooks as it creates them). An export carries the F1 books so a chain restarts
 * where it stopped:
 *   community_pool: DecCoins            previous_proposer: fedra1… (consensus address) | absent
 *   withdraw_addresses:      [{ delegator: fedra1…, withdraw_address: fedra1… }]
 *   outstanding_rewards:     [{ validator: fedravaloper1…, rewards: DecCoins }]
 *   accumulated_commissions: [{ validator, commission: DecCoins }]
 *   historical_rewards:      [{ validator, period, cumulative_reward_ratio: DecCoins, reference_count }]
 *   current_rewards:         [{ validator, period, rewards: DecCoins }]
 *   delegator_starting_infos: [{ delegator, validator, previous_period, stake, height }]
 *   slash_events:            [{ validator, height, period, fraction }]
 * DecCoins are [{ denom, amount: decimal text }] sorted by denom; periods and heights decimal
 * strings. At init the books must balance the distribution account bank's genesis credits and
 * every reference count must match what points at it.
 */
export interface DistributionGenesis {
  communityPool: DecCoins
  previousProposer: Uint8Array | null
  withdrawAddresses: { delegator: Uint8Array; address: Uint8Array }[]
  outstanding: { validator: Uint8Array; rewards: DecCoins }[]
  commissions: { validator: Uint8Array; commission: DecCoins }[]
  historical: { validator: Uint8Array; period: bigint; record: HistoricalRewards }[]
  current: { validator: Uint8Array; record: CurrentRewards }[]
  startingInfos: { delegator: Uint8Array; validator: Uint8Array; info: StartingInfo }[]
  slashEvents: { validator: Uint8Array; height: bigint; event: SlashEvent }[]
}

const FIELDS = [
  'community_pool',
  'previous_proposer',
  'withdraw_addresses',
  'outstanding_rewards',
  'accumulated_commissions',
  'historical_rewards',
  'current_rewards',
  'delegator_starting_infos',
  'slash_events',
]
const VALOPER = 'fedravaloper'

function accountAt(value: unknown, path: string): Uint8Array {
  const text = stringAt(value, path)
  try {
    return decodeAddress(text)
  } catch {
    throw genesisError(path, `"${text.slice(0, 90)}" is not a fedra1… address`)
  }
}

function valoperAt(value: unknown, path: string): Uint8Array {
  const text = stringAt(value, path)
  try {
    return decodeAddress(text, VALOPER)
  } catch {
    throw genesisError(path, `"${text.slice(0, 90)}" is not a fedravaloper1… address`)
  }
}

function decCoinsAt(value: unknown, path: string): DecCoins {
  let previous = ''
  return arrayAt(value ?? [], path).map((entry, i): DecCoin => {
    const c = objectAt(entry, `${path}[${i}]`)
    const denom = stringAt(c.denom, `${path}[${i}].denom`, DENOM)
    if (denom <= previous) throw genesisError(`${path}[${i}].denom`, 'coins must be sorted by denomination without duplicates')
    previous = denom
    const amount = decAt(c.amount, `${path}[${i}].amount`)
    if (amount.isZero()) throw genesisError(`${path}[${i}].amount`, 'a zero amount is left out, not listed')
    return { denom, amount }
  })
}

const entries = (body: Record<string, unknown>, field: string, path: string) =>
  arrayAt(body[field] ?? [], `${path}.${field}`).map((e, i) => ({ at: `${path}.${field}[${i}]`, e: objectAt(e, `${path}.${field}[${i}]`) }))
const valoper = (b: Uint8Array) => encodeAddress(b, VALOPER)

export const distributionGenesis: ModuleGenesis<DistributionGenesis> = {
  validate(section, path) {
    const body = objectAt(section, path)
    for (const key of Object.keys(body))
      if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such distribution genesis field')
    return {
      communityPool: decCoinsAt(body.community_pool, `${path}.community_pool`),
      previousProposer: body.previous_proposer === undefined ? null : accountAt(body.previous_proposer, `${path}.previous_proposer`),
      withdrawAddresses: entries(body, 'withdraw_addresses', path).map(({ at, e }) => ({
        delegator: accountAt(e.delegator, `${at}.delegator`),
        address: accountAt(e.withdraw_address, `${at}.withdraw_address`),
      })),
      outstanding: entries(body, 'outstanding_rewards', path).map(({ at, e }) => ({
        validator: valoperAt(e.validator, `${at}.validator`),
        rewards: decCoinsAt(e.rewards, `${at}.rewards`),
      })),
      commissions: entries(body, 'accumulated_commissions', path).map(({ at, e }) => ({
        validator: valoperAt(e.validator, `${at}.validator`),
        commission: decCoinsAt(e.commission, `${at}.commission`),
      })),
      historical: entries(body, 'historical_rewards', path).map(({ at, e }) => ({
        validator: valoperAt(e.validator, `${at}.validator`),
        period: u64At(e.period, `${at}.period`),
        record: {
          ratio: decCoinsAt(e.cumulative_reward_ratio, `${at}.cumulative_reward_ratio`),
          referenceCount: intAt(e.reference_count, `${at}.reference_count`, 1, 2 ** 32 - 1),
        },
      })),
      current: entries(body, 'current_rewards', path).map(({ at, e }) => ({
        validator: valoperAt(e.validator, `${at}.validator`),
        record: { period: u64At(e.period, `${at}.period`), rewards: decCoinsAt(e.rewards, `${at}.rewards`) },
      })),
      startingInfos: entries(body, 'delegator_starting_infos', path).map(({ at, e }) => ({
        delegator: accountAt(e.delegator, `${at}.delegator`),
        validator: valoperAt(e.validator, `${at}.validator`),
        info: {
          previousPeriod: u64At(e.previous_period, `${at}.previous_period`),
          stake: decAt(e.stake, `${at}.stake`),
          height: u64At(e.height, `${at}.height`),
        },
      })),
      slashEvents: entries(body, 'slash_events', path).map(({ at, e }) => {
        const fraction = decAt(e.fraction, `${at}.fraction`)
        if (fraction.gt(Dec.ONE)) throw genesisError(`${at}.fraction`, 'a slash fraction is at most 1')
        return {
          validator: valoperAt(e.validator, `${at}.validator`),
          height: u64At(e.height, `${at}.height`),
          event: { period: u64At(e.period, `${at}.period`), fraction },
        }
      }),
    }
  },

  init(ctx, g) {
    const store = ctx.moduleStore()
    if (g.communityPool.length > 0) store.set(K.FEE_POOL_KEY, encodeDecCoins(g.communityPool))
    if (g.previousProposer !== null) store.set(K.PREVIOUS_PROPOSER_KEY, g.previousProposer)
    for (const w of g.withdrawAddresses) store.set(K.withdrawAddressKey(w.delegator), w.address)
    for (const o of g.outstanding) store.set(K.outstandingKey(o.validator), encodeDecCoins(o.rewards))
    for (const c of g.commissions) store.set(K.commissionKey(c.validator), encodeDecCoins(c.commission))
    for (const h of g.historical) store.set(K.historicalKey(h.validator, h.period), encodeHistorical(h.record))
    for (const c of g.current) store.set(K.currentKey(c.validator), encodeCurrent(c.record))
    for (const s of g.startingInfos) store.set(K.startingInfoKey(s.validator, s.delegator), encodeStartingInfo(s.info))
    for (const s of g.slashEvents) store.set(K.slashEventKey(s.validator, s.height, s.event.period), encodeSlashEvent(s.event))
    // Staking's records come later in genesis order, so only the books' own consistency is checked here.
    const broken = solvencyInvariant(ctx) ?? referenceCountInvariant(ctx)
    if (broken !== null) throw genesisError('app_state.distribution', `the distribution records are inconsistent: ${broken}`)
  },

  export(ctx) {
    const store = ctx.moduleStore()
    const all = <T>(prefix: Uint8Array, map: (key: Uint8Array, value: Uint8Array) => T): T[] =>
      [...store.iterate(prefix)].map(([k, v]) => map(k, v))
    const previous = store.get(K.PREVIOUS_PROPOSER_KEY)
    return {
      community_pool: decCoinsJson(decodeDecCoins(store.get(K.FEE_POOL_KEY))),
      ...(previous === undefined ? {} : { previous_proposer: encodeAddress(previous) }),
      withdraw_addresses: all(K.ALL_WITHDRAW_ADDRESSES, (k, v) => ({
        delegator: encodeAddress(K.parseWithdrawAddressKey(k)),
        withdraw_address: encodeAddress(v),
      })),
      outstanding_rewards: all(K.ALL_OUTSTANDING, (k, v) => ({
        validator: valoper(K.parseOutstandingKey(k)),
        rewards: decCoinsJson(decodeDecCoins(v)),
      })),
      accumulated_commissions: all(K.ALL_COMMISSION, (k, v) => ({
        validator: valoper(K.parseCommissionKey(k)),
        commission: decCoinsJson(decodeDecCoins(v)),
      })),
      historical_rewards: all(K.ALL_HISTORICAL, (k, v) => {
        const { operator, period } = K.parseHistoricalKey(k)
        const r = decodeHistorical(v)
        return {
          validator: valoper(operator),
          period: String(period),
          cumulative_reward_ratio: decCoinsJson(r.ratio),
          reference_count: r.referenceCount,
        }
      }),
      current_rewards: all(K.ALL_CURRENT, (k, v) => {
        const r = decodeCurrent(v)
        return { validator: valoper(K.parseCurrentKey(k)), period: String(r.period), rewards: decCoinsJson(r.rewards) }
      }),
      delegator_starting_infos: all(K.ALL_STARTING_INFOS, (k, v) => {
        const { operator, delegator } = K.parseStartingInfoKey(k)
        const s = decodeStartingInfo(v)
        return {
          delegator: encodeAddress(delegator),
          validator: valoper(operator),
          previous_period: String(s.previousPeriod),
          stake: s.stake.toString(),
          height: String(s.height),
        }
      }),
      slash_events: all(K.ALL_SLASH_EVENTS, (k, v) => {
        const { operator, height } = K.parseSlashEventKey(k)
        const e = decodeSlashEvent(v)
        return { validator: valoper(operator), height: String(height), period: String(e.period), fraction: e.fraction.toString() }
      }),
    }
  },
}
