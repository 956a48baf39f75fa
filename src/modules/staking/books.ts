import { decodeStored, encode } from '../../codec/index.js'
import { toHex } from '../../crypto/index.js'
import type { Dec, KVStore } from '../../state/index.js'
import * as K from './keys.js'
import {
  DelegationRecord,
  RedelegationRecord,
  type RedelegationEntryValue,
  type UnbondingEntryValue,
  UnbondingRecord,
  type Validator,
  ValidatorRecord,
} from './records.js'
import type { DelegationView } from './views.js'

export interface UnbondingView {
  delegator: Uint8Array
  validator: Uint8Array
  entries: UnbondingEntryValue[]
}
export interface RedelegationView {
  delegator: Uint8Array
  source: Uint8Array
  destination: Uint8Array
  entries: RedelegationEntryValue[]
}

/**
 * Staking's records in its store, each with the indexes that must move with it: validators
 * (with the consensus-address index and the power index), delegations (with the by-validator
 * index), unbonding delegations and redelegations (with theirs), the last bonded set and the
 * time-keyed queues. No rule lives here: the keeper decides, the books keep (keys.ts lays the
 * keys out).
 */
export class StakingBooks {
  readonly #store: KVStore
  readonly #powerOf: (v: { tokens: bigint }) => bigint

  constructor(store: KVStore, powerOf: (v: { tokens: bigint }) => bigint) {
    this.#store = store
    this.#powerOf = powerOf
  }

  // ---- validators ----------------------------------------------------------------------

  validator(operator: Uint8Array): Validator | undefined {
    const raw = this.#store.get(K.validatorKey(operator))
    return raw === undefined ? undefined : decodeStored(ValidatorRecord, raw)
  }

  setValidator(v: Validator): void {
    this.#store.set(K.validatorKey(v.operator), encode(ValidatorRecord, v))
  }

  /** A new validator: its record, its consensus address and its place in the power index. */
  addValidator(v: Validator, consensusAddress: Uint8Array): void {
    this.setValidator(v)
    this.#store.set(K.consensusKey(consensusAddress), v.operator.slice())
    this.indexPower(v)
  }

  removeValidator(v: Validator, consensusAddress: Uint8Array): void {
    this.#store.delete(K.validatorKey(v.operator))
    this.#store.delete(K.consensusKey(consensusAddress))
    this.unindexPower(v)
  }

  operatorByConsensusAddress(consensusAddress: Uint8Array): Uint8Array | undefined {
    return this.#store.get(K.consensusKey(consensusAddress))
  }

  *validators(): Generator<Validator> {
    for (const [, raw] of this.#store.iterate(K.VALIDATORS)) yield decodeStored(ValidatorRecord, raw)
  }

  indexPower(v: Validator): void {
    this.#store.set(K.powerIndexKey(this.#powerOf(v), v.operator), K.PRESENT)
  }

  unindexPower(v: Validator): void {
    this.#store.delete(K.powerIndexKey(this.#powerOf(v), v.operator))
  }

  /** Operators in the power index, highest power first (jailed validators are not in it). */
  *byPower(): Generator<Uint8Array> {
    for (const [key] of this.#store.iterate(K.POWER_INDEX)) yield K.parsePowerIndexKey(key).operator
  }

  /** The bonded set as the last end-block left it: operator hex → operator and power. */
  lastPowers(): Map<string, { operator: Uint8Array; power: bigint }> {
    const out = new Map<string, { operator: Uint8Array; power: bigint }>()
    for (const [key, raw] of this.#store.iterate(K.LAST_POWER)) {
      const { operator } = K.parseLastPowerKey(key)
      out.set(toHex(operator), { operator, power: K.readU64(raw, 0) })
    }
    return out
  }

  setLastPower(operator: Uint8Array, power: bigint | null): void {
    if (power === null) this.#store.delete(K.lastPowerKey(operator))
    else this.#store.set(K.lastPowerKey(operator), K.u64Bytes(power))
  }

  // ---- delegations ---------------------------------------------------------------------

  delegation(delegator: Uint8Array, operator: Uint8Array): Dec | undefined {
    const raw = this.#store.get(K.delegationKey(delegator, operator))
    return raw === undefined ? undefined : decodeStored(DelegationRecord, raw).shares
  }

  setDelegation(delegator: Uint8Array, operator: Uint8Array, shares: Dec): void {
    this.#store.set(K.delegationKey(delegator, operator), encode(DelegationRecord, { shares }))
    this.#store.set(K.delegationByValidatorKey(operator, delegator), K.PRESENT)
  }

  removeDelegation(delegator: Uint8Array, operator: Uint8Array): void {
    this.#store.delete(K.delegationKey(delegator, operator))
    this.#store.delete(K.delegationByValidatorKey(operator, delegator))
  }

  delegationsOf(delegator: Uint8Array): DelegationView[] {
    const out: DelegationView[] = []
    for (const [key, raw] of this.#store.iterate(K.concatKey(K.DELEGATIONS, delegator))) {
      out.push({
        delegator: delegator.slice(),
        validator: K.parseDelegationKey(key).operator,
        shares: decodeStored(DelegationRecord, raw).shares,
      })
    }
    return out
  }

  delegationsTo(operator: Uint8Array): DelegationView[] {
    const out: DelegationView[] = []
    for (const [key] of this.#store.iterate(K.concatKey(K.DELEGATIONS_BY_VALIDATOR, operator))) {
      const { delegator } = K.parseByValidatorKey(key)
      const shares = this.delegation(delegator, operator)
      if (shares !== undefined) out.push({ delegator, validator: operator.slice(), shares })
    }
    return out
  }

  *delegations(): Generator<DelegationView> {
    for (const [key, raw] of this.#store.iterate(K.DELEGATIONS)) {
      const { delegator, operator } = K.parseDelegationKey(key)
      yield { delegator, validator: operator, shares: decodeStored(DelegationRecord, raw).shares }
    }
  }

  // ---- unbonding delegations -----------------------------------------------------------

  unbonding(delegator: Uint8Array, operator: Uint8Array): UnbondingEntryValue[] | undefined {
    const raw = this.#store.get(K.unbondingKey(delegator, operator))
    return raw === undefined ? undefined : decodeStored(UnbondingRecord, raw).entries
  }

  /** The pair's entries (none: the record and its index go). */
  setUnbonding(delegator: Uint8Array, operator: Uint8Array, entries: UnbondingEntryValue[]): void {
    if (entries.length === 0) {
      this.#store.delete(K.unbondingKey(delegator, operator))
      this.#store.delete(K.unbondingByValidatorKey(operator, delegator))
    } else {
      this.#store.set(K.unbondingKey(delegator, operator), encode(UnbondingRecord, { entries }))
      this.#store.set(K.unbondingByValidatorKey(operator, delegator), K.PRESENT)
    }
  }

  /** Rewrites the pair's entries in place (a slash lowered balances; the pair and its index stay). */
  replaceUnbonding(delegator: Uint8Array, operator: Uint8Array, entries: UnbondingEntryValue[]): void {
    this.#store.set(K.unbondingKey(delegator, operator), encode(UnbondingRecord, { entries }))
  }

  /** Delegators with an unbonding delegation from `operator`. */
  *unbondingDelegatorsOf(operator: Uint8Array): Generator<Uint8Array> {
    for (const [key] of this.#store.iterate(K.concatKey(K.UNBONDINGS_BY_VALIDATOR, operator))) yield K.parseByValidatorKey(key).delegator
  }

  *unbondingsOf(delegator: Uint8Array): Generator<UnbondingView> {
    for (const [key, raw] of this.#store.iterate(K.concatKey(K.UNBONDINGS, delegator)))
      yield {
        delegator: delegator.slice(),
        validator: K.parseUnbondingKey(key).operator,
        entries: decodeStored(UnbondingRecord, raw).entries,
      }
  }

  *unbondings(): Generator<UnbondingView> {
    for (const [key, raw] of this.#store.iterate(K.UNBONDINGS)) {
      const { delegator, operator } = K.parseUnbondingKey(key)
      yield { delegator, validator: operator, entries: decodeStored(UnbondingRecord, raw).entries }
    }
  }

  // ---- redelegations -------------------------------------------------------------------

  redelegation(delegator: Uint8Array, src: Uint8Array, dst: Uint8Array): RedelegationEntryValue[] | undefined {
    const raw = this.#store.get(K.redelegationKey(delegator, src, dst))
    return raw === undefined ? undefined : decodeStored(RedelegationRecord, raw).entries
  }

  /** The triple's entries (none: the record and both indexes go). */
  setRedelegation(delegator: Uint8Array, src: Uint8Array, dst: Uint8Array, entries: RedelegationEntryValue[]): void {
    if (entries.length === 0) {
      this.#store.delete(K.redelegationKey(delegator, src, dst))
      this.#store.delete(K.redelegationBySourceKey(src, delegator, dst))
      this.#store.delete(K.redelegationByDestinationKey(delegator, dst, src))
    } else {
      this.#store.set(K.redelegationKey(delegator, src, dst), encode(RedelegationRecord, { entries }))
      this.#store.set(K.redelegationBySourceKey(src, delegator, dst), K.PRESENT)
      this.#store.set(K.redelegationByDestinationKey(delegator, dst, src), K.PRESENT)
    }
  }

  hasIncomingRedelegation(delegator: Uint8Array, operator: Uint8Array): boolean {
    for (const _ of this.#store.iterate(K.concatKey(K.REDELEGATIONS_BY_DESTINATION, delegator, operator))) return true
    return false
  }

  /** (delegator, destination) of each redelegation out of `operator`. */
  *redelegationsFrom(operator: Uint8Array): Generator<{ delegator: Uint8Array; dst: Uint8Array }> {
    for (const [key] of this.#store.iterate(K.concatKey(K.REDELEGATIONS_BY_SOURCE, operator))) yield K.parseRedelegationBySourceKey(key)
  }

  *redelegationsOf(delegator: Uint8Array): Generator<RedelegationView> {
    for (const [key, raw] of this.#store.iterate(K.concatKey(K.REDELEGATIONS, delegator))) {
      const { src, dst } = K.parseRedelegationKey(key)
      yield { delegator: delegator.slice(), source: src, destination: dst, entries: decodeStored(RedelegationRecord, raw).entries }
    }
  }

  *redelegations(): Generator<RedelegationView> {
    for (const [key, raw] of this.#store.iterate(K.REDELEGATIONS)) {
      const { delegator, src, dst } = K.parseRedelegationKey(key)
      yield { delegator, source: src, destination: dst, entries: decodeStored(RedelegationRecord, raw).entries }
    }
  }

  // ---- queues --------------------------------------------------------------------------

  enqueue(key: Uint8Array): void {
    this.#store.set(key, K.PRESENT)
  }

  dequeue(key: Uint8Array): void {
    this.#store.delete(key)
  }
}
