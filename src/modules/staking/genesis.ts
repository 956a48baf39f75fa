import { encode } from '../../codec/index.js'
import { decodeAddress, encodeAddress, fromHex, toHex } from '../../crypto/index.js'
import {
  type Context,
  type Dec,
  type ModuleGenesis,
  ModuleError,
  type ValidatorUpdate,
  addressAt,
  arrayAt,
  bigintAt,
  genesisError,
  objectAt,
  stringAt,
  u64At,
  decAt,
} from '../../state/index.js'
import { bondsInvariant, poolsInvariant, stakingInvariants } from './invariants.js'
import { StakingKeeper } from './keeper.js'
import { consensusAddressOf } from './validator-rules.js'
import * as K from './keys.js'
import {
  BondRecord,
  DelegationRecord,
  RedelegationRecord,
  type RedelegationEntryValue,
  STATUS,
  UNBONDING,
  type UnbondingEntryValue,
  UnbondingRecord,
  type Validator,
  ValidatorRecord,
} from './records.js'

/**
 * `app_state.staking` (params apart). The export form, written back as it is:
 *   validators: [{ operator: fedravaloper1…, pub_key: hex32, moniker, status: bonded|unbonding|unbonded,
 *                  jailed, tokens, delegator_shares, commission: { rate, max_rate, max_change_rate, update_time },
 *                  min_self_delegation, unbonding_height, unbonding_time }]
 *   last_validator_powers: [{ operator: fedravaloper1…, power }]
 *   delegations: [{ delegator: fedra1…, validator: fedravaloper1…, shares }]
 *   unbonding_delegations: [{ delegator, validator, entries: [{ creation_height, completion_time, initial_balance, balance }] }]
 *   redelegations: [{ delegator, source, destination, entries: [{ creation_height, completion_time, initial_balance, shares_dst }] }]
 *   bonds: [{ owner: fedra1…, purpose: "<module>:…", amount, entries: [...as unbonding entries] }]
 * and the gentx-like form, each doing at init what MsgCreateValidator does (bank genesis must fund the operator):
 *   gen_validators: [{ operator: fedra1…, pub_key: hex32, moniker, self_bond, commission: { rate, max_rate, max_change_rate }, min_self_delegation? }]
 * Amounts, heights and times (ms) are decimal strings; Decs their decimal text. The pools'
 * bank balances must match the records (checked at init). Init returns the bonded set.
 */
export interface GenValidator {
  operator: Uint8Array
  pubKey: Uint8Array
  moniker: string
  selfBond: bigint
  rate: Dec
  maxRate: Dec
  maxChangeRate: Dec
  minSelfDelegation: bigint | null
}

export interface StakingGenesis {
  validators: Validator[]
  lastPowers: { operator: Uint8Array; power: bigint }[]
  delegations: { delegator: Uint8Array; validator: Uint8Array; shares: Dec }[]
  unbondings: { delegator: Uint8Array; validator: Uint8Array; entries: UnbondingEntryValue[] }[]
  redelegations: { delegator: Uint8Array; source: Uint8Array; destination: Uint8Array; entries: RedelegationEntryValue[] }[]
  bonds: { owner: Uint8Array; purpose: string; amount: bigint; entries: UnbondingEntryValue[] }[]
  genValidators: GenValidator[]
}

const FIELDS = ['validators', 'last_validator_powers', 'delegations', 'unbonding_delegations', 'redelegations', 'bonds', 'gen_validators']

function valoperAt(value: unknown, path: string): Uint8Array {
  const text = stringAt(value, path)
  try {
    return decodeAddress(text, 'fedravaloper')
  } catch {
    throw genesisError(path, `"${text.slice(0, 90)}" is not a fedravaloper1… address`)
  }
}

const pubKeyAt = (value: unknown, path: string): Uint8Array => fromHex(stringAt(value, path, /^[0-9a-f]{64}$/))

function unbondingEntriesAt(value: unknown, path: string): UnbondingEntryValue[] {
  return arrayAt(value ?? [], path).map((entry, i) => {
    const e = objectAt(entry, `${path}[${i}]`)
    return {
      creationHeight: u64At(e.creation_height, `${path}[${i}].creation_height`),
      completionTime: u64At(e.completion_time, `${path}[${i}].completion_time`),
      initialBalance: bigintAt(e.initial_balance, `${path}[${i}].initial_balance`),
      balance: bigintAt(e.balance, `${path}[${i}].balance`),
    }
  })
}

const entryJson = (e: UnbondingEntryValue) => ({
  creation_height: String(e.creationHeight),
  completion_time: String(e.completionTime),
  initial_balance: String(e.initialBalance),
  balance: String(e.balance),
})
const valoper = (b: Uint8Array) => encodeAddress(b, 'fedravaloper')

export const stakingGenesis: ModuleGenesis<StakingGenesis> = {
  validate(section, path) {
    const body = objectAt(section, path)
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such staking genesis field')
    const validators = arrayAt(body.validators ?? [], `${path}.validators`).map((entry, i): Validator => {
      const at = `${path}.validators[${i}]`
      const v = objectAt(entry, at)
      const c = objectAt(v.commission, `${at}.commission`)
      const status = STATUS.indexOf(stringAt(v.status, `${at}.status`) as never)
      if (status < 0) throw genesisError(`${at}.status`, 'expected bonded, unbonding or unbonded')
      if (typeof v.jailed !== 'boolean') throw genesisError(`${at}.jailed`, 'expected a boolean')
      return {
        operator: valoperAt(v.operator, `${at}.operator`),
        consensusPubKey: pubKeyAt(v.pub_key, `${at}.pub_key`),
        moniker: stringAt(v.moniker, `${at}.moniker`, /^.{1,70}$/su),
        status,
        jailed: v.jailed,
        tokens: bigintAt(v.tokens, `${at}.tokens`),
        delegatorShares: decAt(v.delegator_shares, `${at}.delegator_shares`),
        commissionRate: decAt(c.rate, `${at}.commission.rate`),
        commissionMaxRate: decAt(c.max_rate, `${at}.commission.max_rate`),
        commissionMaxChangeRate: decAt(c.max_change_rate, `${at}.commission.max_change_rate`),
        commissionUpdateTime: u64At(c.update_time ?? '0', `${at}.commission.update_time`),
        minSelfDelegation: bigintAt(v.min_self_delegation, `${at}.min_self_delegation`, { min: 1n }),
        unbondingHeight: u64At(v.unbonding_height ?? '0', `${at}.unbonding_height`),
        unbondingTime: u64At(v.unbonding_time ?? '0', `${at}.unbonding_time`),
      }
    })
    const lastPowers = arrayAt(body.last_validator_powers ?? [], `${path}.last_validator_powers`).map((entry, i) => {
      const e = objectAt(entry, `${path}.last_validator_powers[${i}]`)
      return {
        operator: valoperAt(e.operator, `${path}.last_validator_powers[${i}].operator`),
        power: u64At(e.power, `${path}.last_validator_powers[${i}].power`),
      }
    })
    const delegations = arrayAt(body.delegations ?? [], `${path}.delegations`).map((entry, i) => {
      const at = `${path}.delegations[${i}]`
      const d = objectAt(entry, at)
      return {
        delegator: addressAt(d.delegator, `${at}.delegator`),
        validator: valoperAt(d.validator, `${at}.validator`),
        shares: decAt(d.shares, `${at}.shares`),
      }
    })
    const unbondings = arrayAt(body.unbonding_delegations ?? [], `${path}.unbonding_delegations`).map((entry, i) => {
      const at = `${path}.unbonding_delegations[${i}]`
      const u = objectAt(entry, at)
      return {
        delegator: addressAt(u.delegator, `${at}.delegator`),
        validator: valoperAt(u.validator, `${at}.validator`),
        entries: unbondingEntriesAt(u.entries, `${at}.entries`),
      }
    })
    const redelegations = arrayAt(body.redelegations ?? [], `${path}.redelegations`).map((entry, i) => {
      const at = `${path}.redelegations[${i}]`
      const r = objectAt(entry, at)
      return {
        delegator: addressAt(r.delegator, `${at}.delegator`),
        source: valoperAt(r.source, `${at}.source`),
        destination: valoperAt(r.destination, `${at}.destination`),
        entries: arrayAt(r.entries ?? [], `${at}.entries`).map((raw, j) => {
          const e = objectAt(raw, `${at}.entries[${j}]`)
          return {
            creationHeight: u64At(e.creation_height, `${at}.entries[${j}].creation_height`),
            completionTime: u64At(e.completion_time, `${at}.entries[${j}].completion_time`),
            initialBalance: bigintAt(e.initial_balance, `${at}.entries[${j}].initial_balance`),
            sharesDst: decAt(e.shares_dst, `${at}.entries[${j}].shares_dst`),
          }
        }),
      }
    })
    const bonds = arrayAt(body.bonds ?? [], `${path}.bonds`).map((entry, i) => {
      const at = `${path}.bonds[${i}]`
      const b = objectAt(entry, at)
      return {
        owner: addressAt(b.owner, `${at}.owner`),
        purpose: stringAt(b.purpose, `${at}.purpose`, /^[a-z0-9_-]*:.{1,128}$/su),
        amount: bigintAt(b.amount, `${at}.amount`),
        entries: unbondingEntriesAt(b.entries, `${at}.entries`),
      }
    })
    const seenOperators = new Set<string>()
    const seenKeys = new Set<string>()
    const genValidators = arrayAt(body.gen_validators ?? [], `${path}.gen_validators`).map((entry, i): GenValidator => {
      const at = `${path}.gen_validators[${i}]`
      const g = objectAt(entry, at)
      const c = objectAt(g.commission ?? { rate: '0.1', max_rate: '0.2', max_change_rate: '0.01' }, `${at}.commission`)
      const operator = addressAt(g.operator, `${at}.operator`, seenOperators)
      const keyHex = stringAt(g.pub_key, `${at}.pub_key`, /^[0-9a-f]{64}$/)
      if (seenKeys.has(keyHex)) throw genesisError(`${at}.pub_key`, 'consensus key listed twice')
      seenKeys.add(keyHex)
      return {
        operator,
        pubKey: fromHex(keyHex),
        moniker: stringAt(g.moniker, `${at}.moniker`, /^.{1,70}$/su),
        selfBond: bigintAt(g.self_bond, `${at}.self_bond`, { min: 1n }),
        rate: decAt(c.rate, `${at}.commission.rate`),
        maxRate: decAt(c.max_rate, `${at}.commission.max_rate`),
        maxChangeRate: decAt(c.max_change_rate, `${at}.commission.max_change_rate`),
        minSelfDelegation:
          g.min_self_delegation === undefined ? null : bigintAt(g.min_self_delegation, `${at}.min_self_delegation`, { min: 1n }),
      }
    })
    return { validators, lastPowers, delegations, unbondings, redelegations, bonds, genValidators }
  },

  init(ctx, g): ValidatorUpdate[] | void {
    const store = ctx.moduleStore()
    const keeper = new StakingKeeper(ctx, K.MODULE)
    for (const v of g.validators) {
      store.set(K.validatorKey(v.operator), encode(ValidatorRecord, v))
      store.set(K.consensusKey(consensusAddressOf(v.consensusPubKey)), v.operator)
      if (!v.jailed) store.set(K.powerIndexKey(keeper.powerOf(v), v.operator), K.PRESENT)
      if (v.status === UNBONDING) store.set(K.validatorQueueKey(v.unbondingTime, v.operator), K.PRESENT)
    }
    for (const { operator, power } of g.lastPowers) store.set(K.lastPowerKey(operator), K.u64Bytes(power))
    for (const d of g.delegations) {
      store.set(K.delegationKey(d.delegator, d.validator), encode(DelegationRecord, { shares: d.shares }))
      store.set(K.delegationByValidatorKey(d.validator, d.delegator), K.PRESENT)
    }
    for (const u of g.unbondings) {
      store.set(K.unbondingKey(u.delegator, u.validator), encode(UnbondingRecord, { entries: u.entries }))
      store.set(K.unbondingByValidatorKey(u.validator, u.delegator), K.PRESENT)
      for (const e of u.entries) store.set(K.unbondingQueueKey(e.completionTime, u.delegator, u.validator), K.PRESENT)
    }
    for (const r of g.redelegations) {
      store.set(K.redelegationKey(r.delegator, r.source, r.destination), encode(RedelegationRecord, { entries: r.entries }))
      store.set(K.redelegationBySourceKey(r.source, r.delegator, r.destination), K.PRESENT)
      store.set(K.redelegationByDestinationKey(r.delegator, r.destination, r.source), K.PRESENT)
      for (const e of r.entries) store.set(K.redelegationQueueKey(e.completionTime, r.delegator, r.source, r.destination), K.PRESENT)
    }
    for (const b of g.bonds) {
      store.set(K.bondKey(b.owner, b.purpose), encode(BondRecord, { amount: b.amount, entries: b.entries }))
      for (const e of b.entries) store.set(K.bondQueueKey(e.completionTime, b.owner, b.purpose), K.PRESENT)
    }
    const broken = poolsInvariant(ctx) ?? bondsInvariant(ctx)
    if (broken !== null) throw genesisError('app_state.staking', `the staking records do not match the bank genesis: ${broken}`)
    g.genValidators.forEach((gv, i) => {
      try {
        keeper.createValidator(gv.operator, {
          pubKey: gv.pubKey,
          moniker: gv.moniker,
          commissionRate: gv.rate,
          commissionMaxRate: gv.maxRate,
          commissionMaxChangeRate: gv.maxChangeRate,
          minSelfDelegation: gv.minSelfDelegation ?? keeper.params().minSelfDelegation,
          value: { denom: keeper.bondDenom(), amount: gv.selfBond },
        })
      } catch (error) {
        if (error instanceof ModuleError) throw genesisError(`app_state.staking.gen_validators[${i}]`, error.plainMessage)
        throw error
      }
    })
    if (g.validators.length === 0 && g.genValidators.length === 0) return undefined
    keeper.applyValidatorSetUpdates()
    for (const [name, check] of Object.entries(stakingInvariants)) {
      const wrong = check(ctx)
      if (wrong !== null) throw genesisError('app_state.staking', `the staking records are inconsistent (${name}): ${wrong}`)
    }
    return genesisSet(ctx, keeper)
  },

  export(ctx) {
    const k = new StakingKeeper(ctx, K.MODULE)
    return {
      validators: [...k.allValidators()].map((v) => ({
        operator: valoper(v.operator),
        pub_key: toHex(v.consensusPubKey),
        moniker: v.moniker,
        status: STATUS[v.status],
        jailed: v.jailed,
        tokens: String(v.tokens),
        delegator_shares: v.delegatorShares.toString(),
        commission: {
          rate: v.commissionRate.toString(),
          max_rate: v.commissionMaxRate.toString(),
          max_change_rate: v.commissionMaxChangeRate.toString(),
          update_time: String(v.commissionUpdateTime),
        },
        min_self_delegation: String(v.minSelfDelegation),
        unbonding_height: String(v.unbondingHeight),
        unbonding_time: String(v.unbondingTime),
      })),
      last_validator_powers: [...k.lastPowers().values()].map((p) => ({ operator: valoper(p.operator), power: String(p.power) })),
      delegations: [...k.allDelegations()].map((d) => ({
        delegator: encodeAddress(d.delegator),
        validator: valoper(d.validator),
        shares: d.shares.toString(),
      })),
      unbonding_delegations: [...k.allUnbondings()].map((u) => ({
        delegator: encodeAddress(u.delegator),
        validator: valoper(u.validator),
        entries: u.entries.map(entryJson),
      })),
      redelegations: [...k.allRedelegations()].map((r) => ({
        delegator: encodeAddress(r.delegator),
        source: valoper(r.source),
        destination: valoper(r.destination),
        entries: r.entries.map((e) => ({
          creation_height: String(e.creationHeight),
          completion_time: String(e.completionTime),
          initial_balance: String(e.initialBalance),
          shares_dst: e.sharesDst.toString(),
        })),
      })),
      bonds: [...k.allBonds()].map((b) => ({
        owner: encodeAddress(b.owner),
        purpose: b.purpose,
        amount: String(b.bond.amount),
        entries: b.bond.entries.map(entryJson),
      })),
    }
  },
}

/** The bonded set as consensus must start with it (every last power, in power-index order). */
function genesisSet(ctx: Context, keeper: StakingKeeper): ValidatorUpdate[] | undefined {
  const last = keeper.lastPowers()
  const updates: ValidatorUpdate[] = []
  for (const [key] of ctx.moduleStore().iterate(K.POWER_INDEX)) {
    const { operator } = K.parsePowerIndexKey(key)
    const entry = last.get(Buffer.from(operator).toString('hex'))
    if (entry === undefined) continue
    updates.push({ publicKey: keeper.getValidator(operator)!.consensusPubKey, power: entry.power })
  }
  return updates.length === 0 ? undefined : updates
}
