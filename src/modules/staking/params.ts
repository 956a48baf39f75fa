import { t, type StructValue } from '../../codec/index.js'
import { type ModuleParams, bigintAt, genesisError, intAt, objectAt, stringAt } from '../../state/index.js'
import { DENOM } from '../bank/messages.js'
import { stakingError } from './errors.js'

export const StakingParamsType = t.struct('StakingParams', 2030, 1, {
  unbondingTime: t.u64,
  maxValidators: t.u32,
  maxEntries: t.u32,
  bondDenom: t.string({ max: 64 }),
  powerReduction: t.uint(),
  minSelfDelegation: t.uint(),
})
export type StakingParamsValue = StructValue<typeof StakingParamsType.fields>

const FIELDS = ['unbonding_time', 'max_validators', 'max_entries', 'bond_denom', 'power_reduction', 'min_self_delegation'] as const

/**
 * `app_state.staking.params`: unbonding_time (ms, decimal string; 21 days), max_validators (100),
 * max_entries (7, per delegator–validator pair and per bond), bond_denom ("ufdr"),
 * power_reduction (tokens per unit of consensus power, "1000000"), min_self_delegation (the
 * chain-wide floor under each validator's own minimum, "1"; x/staking has no such param, it
 * only requires a positive minimum).
 */
export const stakingParams: ModuleParams<StakingParamsValue> = {
  schema: StakingParamsType,
  defaults: {
    unbondingTime: 1_814_400_000n,
    maxValidators: 100,
    maxEntries: 7,
    bondDenom: 'ufdr',
    powerReduction: 1_000_000n,
    minSelfDelegation: 1n,
  },
  fromJson(json, path) {
    const body = objectAt(json, path)
    for (const key of Object.keys(body))
      if (!(FIELDS as readonly string[]).includes(key)) throw genesisError(`${path}.${key}`, 'no such staking param')
    const d = stakingParams.defaults
    return {
      unbondingTime:
        body.unbonding_time === undefined
          ? d.unbondingTime
          : bigintAt(body.unbonding_time, `${path}.unbonding_time`, { min: 0n, max: 2n ** 63n }),
      maxValidators: body.max_validators === undefined ? d.maxValidators : intAt(body.max_validators, `${path}.max_validators`, 1, 10_000),
      maxEntries: body.max_entries === undefined ? d.maxEntries : intAt(body.max_entries, `${path}.max_entries`, 1, 1_000),
      bondDenom: body.bond_denom === undefined ? d.bondDenom : stringAt(body.bond_denom, `${path}.bond_denom`),
      powerReduction:
        body.power_reduction === undefined ? d.powerReduction : bigintAt(body.power_reduction, `${path}.power_reduction`, { min: 1n }),
      minSelfDelegation:
        body.min_self_delegation === undefined
          ? d.minSelfDelegation
          : bigintAt(body.min_self_delegation, `${path}.min_self_delegation`, { min: 1n }),
    }
  },
  toJson: (p) => ({
    unbonding_time: String(p.unbondingTime),
    max_validators: p.maxValidators,
    max_entries: p.maxEntries,
    bond_denom: p.bondDenom,
    power_reduction: String(p.powerReduction),
    min_self_delegation: String(p.minSelfDelegation),
  }),
  validate(p) {
    if (!DENOM.test(p.bondDenom)) throw stakingError('INVALID_PARAMS', `bond denomination "${p.bondDenom}" does not match ${DENOM}`)
    if (p.maxValidators < 1 || p.maxValidators > 10_000)
      throw stakingError('INVALID_PARAMS', `max_validators ${p.maxValidators} outside 1..10000`)
    if (p.maxEntries < 1 || p.maxEntries > 1_000) throw stakingError('INVALID_PARAMS', `max_entries ${p.maxEntries} outside 1..1000`)
    if (p.powerReduction < 1n) throw stakingError('INVALID_PARAMS', 'power_reduction must be positive')
    if (p.minSelfDelegation < 1n) throw stakingError('INVALID_PARAMS', 'min_self_delegation must be positive')
  },
}
