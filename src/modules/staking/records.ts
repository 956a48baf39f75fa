import { t, type StructValue } from '../../codec/index.js'
import { decType } from '../../state/index.js'

/** Stored forms (internal; other modules see views.ts). Status: 0 unbonded, 1 unbonding, 2 bonded. */
export const ValidatorRecord = t.struct('staking/Validator', 2010, 1, {
  operator: t.fixedBytes(20),
  consensusPubKey: t.fixedBytes(32),
  moniker: t.string({ max: 70 }),
  status: t.u8,
  jailed: t.bool,
  tokens: t.uint(),
  delegatorShares: decType,
  commissionRate: decType,
  commissionMaxRate: decType,
  commissionMaxChangeRate: decType,
  /** Block time (ms) of the last commission change (creation counts). */
  commissionUpdateTime: t.u64,
  minSelfDelegation: t.uint(),
  /** Height and maturity time (ms) of the current unbonding; 0 when none. */
  unbondingHeight: t.u64,
  unbondingTime: t.u64,
})

export const DelegationRecord = t.struct('staking/Delegation', 2011, 1, { shares: decType })

export const UnbondingEntry = t.struct('staking/UnbondingEntry', 2012, 1, {
  creationHeight: t.u64,
  completionTime: t.u64,
  initialBalance: t.uint(),
  balance: t.uint(),
})
export const UnbondingRecord = t.struct('staking/UnbondingDelegation', 2013, 1, { entries: t.array(UnbondingEntry, { max: 10_000 }) })

export const RedelegationEntry = t.struct('staking/RedelegationEntry', 2014, 1, {
  creationHeight: t.u64,
  completionTime: t.u64,
  initialBalance: t.uint(),
  sharesDst: decType,
})
export const RedelegationRecord = t.struct('staking/Redelegation', 2015, 1, { entries: t.array(RedelegationEntry, { max: 10_000 }) })

export const BondRecord = t.struct('staking/Bond', 2016, 1, { amount: t.uint(), entries: t.array(UnbondingEntry, { max: 10_000 }) })

export type Validator = StructValue<typeof ValidatorRecord.fields>
export type UnbondingEntryValue = StructValue<typeof UnbondingEntry.fields>
export type RedelegationEntryValue = StructValue<typeof RedelegationEntry.fields>
export type BondValue = StructValue<typeof BondRecord.fields>

export const STATUS = ['unbonded', 'unbonding', 'bonded'] as const
export const UNBONDED = 0
export const UNBONDING = 1
export const BONDED = 2
