import { equalBytes } from '../../codec/index.js'
import { toHex } from '../../crypto/index.js'
import { type Context, Dec, type KVStore, type ValidatorUpdate, readParams } from '../../state/index.js'
import type { Bonds } from './bonds.js'
import { stakingError } from './errors.js'
import { account, emitEvent, valoper } from './events.js'
import { BANK, type StakingBankKeeper } from './expected-keepers.js'
import { STAKING_HOOKS, type StakingHooks } from './hooks.js'
import { StakingBooks, type RedelegationView, type UnbondingView } from './books.js'
import * as K from './keys.js'
import { BondBook, type BondView, dueKeys } from './bond-book.js'
import {
  BONDED,
  type BondValue,
  type RedelegationEntryValue,
  STATUS,
  UNBONDED,
  UNBONDING,
  type UnbondingEntryValue,
  type Validator,
} from './records.js'
import { type StakingParamsValue, stakingParams } from './params.js'
import { sharesFromTokens, tokensFromSharesTruncated } from './shares.js'
import { assertCommission, assertMoniker, consensusAddressOf, isUsableConsensusKey } from './validator-rules.js'
import type { DelegationView, ValidatorView } from './views.js'

export type { RedelegationView, UnbondingView } from './books.js'

/**
 * Staking's keeper: validators, delegations (shares at the validator's exchange rate),
 * unbonding delegations and redelegations with their time-keyed queues, slashing and jailing
 * (for slashing), the validator set end-block hands consensus, and Bonds for other modules.
 * `caller` names the module asking: bonds it touches are prefixed with it.
 */
// It also implements slashing's SlashingStakingKeeper and distribution's DistributionStakingKeeper:
// checked by type in test/unit/modules/staking/hooks.test.ts and at registry build (a module may
// import only another's published contract files, and those expected-keepers are not).
export class StakingKeeper implements Bonds {
  readonly #ctx: Context
  readonly #caller: string
  #storeCache: KVStore | undefined
  #paramsCache: StakingParamsValue | undefined
  #bondBook: BondBook | undefined
  #booksCache: StakingBooks | undefined

  constructor(ctx: Context, caller: string) {
    this.#ctx = ctx
    this.#caller = caller
  }

  get #store(): KVStore {
    return (this.#storeCache ??= this.#ctx.moduleStore(K.MODULE))
  }

  get #books(): StakingBooks {
    return (this.#booksCache ??= new StakingBooks(this.#store, (v) => this.powerOf(v)))
  }

  get #bank(): StakingBankKeeper {
    return this.#ctx.keeper(BANK)
  }

  get #hooks(): StakingHooks {
    return this.#ctx.hooks(STAKING_HOOKS)
  }

  params(): StakingParamsValue {
    return (this.#paramsCache ??= readParams(this.#store, stakingParams))
  }

  bondDenom(): string {
    return this.params().bondDenom
  }

  powerReduction(): bigint {
    return this.params().powerReduction
  }

  #coins(amount: bigint) {
    return [{ denom: this.bondDenom(), amount }]
  }

  // ---- validators ----------------------------------------------------------------------

  getValidator(operator: Uint8Array): Validator | undefined {
    return this.#books.validator(operator)
  }

  #mustValidator(operator: Uint8Array): Validator {
    const v = this.getValidator(operator)
    if (v === undefined) throw stakingError('UNKNOWN_VALIDATOR', `no validator ${valoper(operator)}`, { validator: valoper(operator) })
    return v
  }

  #setValidator(v: Validator): void {
    this.#books.setValidator(v)
  }

  powerOf(v: { tokens: bigint }): bigint {
    return v.tokens / this.powerReduction()
  }

  /** Applies a change of tokens or shares, keeping the power index in step (jailed validators are not in it). */
  #changeValidator(v: Validator, change: (v: Validator) => void): void {
    if (!v.jailed) this.#books.unindexPower(v)
    change(v)
    this.#setValidator(v)
    if (!v.jailed) this.#books.indexPower(v)
  }

  view(v: Validator): ValidatorView {
    return {
      operator: v.operator.slice(),
      consensusAddress: consensusAddressOf(v.consensusPubKey),
      consensusPubKey: v.consensusPubKey.slice(),
      moniker: v.moniker,
      status: STATUS[v.status]!,
      jailed: v.jailed,
      tokens: v.tokens,
      delegatorShares: v.delegatorShares,
      commissionRate: v.commissionRate,
      minSelfDelegation: v.minSelfDelegation,
    }
  }

  validator(operator: Uint8Array): ValidatorView | undefined {
    const v = this.getValidator(operator)
    return v === undefined ? undefined : this.view(v)
  }

  operatorByConsensusAddress(consensusAddress: Uint8Array): Uint8Array | undefined {
    return this.#books.operatorByConsensusAddress(consensusAddress)
  }

  validatorByConsensusAddress(consensusAddress: Uint8Array): ValidatorView | undefined {
    const operator = this.operatorByConsensusAddress(consensusAddress)
    return operator === undefined ? undefined : this.validator(operator)
  }

  allValidators(): Generator<Validator> {
    return this.#books.validators()
  }

  /** The bonded set as the last end-block left it: operator → power. */
  lastPowers(): Map<string, { operator: Uint8Array; power: bigint }> {
    return this.#books.lastPowers()
  }

  // ---- messages ------------------------------------------------------------------------

  createValidator(
    operator: Uint8Array,
    m: {
      pubKey: Uint8Array
      moniker: string
      commissionRate: Dec
      commissionMaxRate: Dec
      commissionMaxChangeRate: Dec
      minSelfDelegation: bigint
      value: { denom: string; amount: bigint }
    },
  ): void {
    const params = this.params()
    if (this.getValidator(operator) !== undefined)
      throw stakingError('VALIDATOR_EXISTS', `${account(operator)} already runs validator ${valoper(operator)}`)
    if (!isUsableConsensusKey(m.pubKey))
      throw stakingError(
        'INVALID_PUBKEY',
        'the consensus key is not an ed25519 public key (a curve point outside the small-order subgroup)',
      )
    const consensusAddress = consensusAddressOf(m.pubKey)
    if (this.operatorByConsensusAddress(consensusAddress) !== undefined)
      throw stakingError('VALIDATOR_EXISTS', `consensus key ${toHex(m.pubKey)} is already used by a validator`)
    this.#checkAmount(m.value)
    assertCommission(m.commissionRate, m.commissionMaxRate, m.commissionMaxChangeRate)
    assertMoniker(m.moniker)
    if (m.minSelfDelegation < params.minSelfDelegation) {
      throw stakingError(
        'INVALID_MIN_SELF_DELEGATION',
        `min_self_delegation ${m.minSelfDelegation} is below the chain's floor ${params.minSelfDelegation}`,
      )
    }
    if (m.value.amount < m.minSelfDelegation)
      throw stakingError('SELF_DELEGATION_BELOW_MINIMUM', `self-bond ${m.value.amount} is below min_self_delegation ${m.minSelfDelegation}`)
    const v: Validator = {
      operator: operator.slice(),
      consensusPubKey: m.pubKey.slice(),
      moniker: m.moniker,
      status: UNBONDED,
      jailed: false,
      tokens: 0n,
      delegatorShares: Dec.ZERO,
      commissionRate: m.commissionRate,
      commissionMaxRate: m.commissionMaxRate,
      commissionMaxChangeRate: m.commissionMaxChangeRate,
      commissionUpdateTime: this.#ctx.block.time,
      minSelfDelegation: m.minSelfDelegation,
      unbondingHeight: 0n,
      unbondingTime: 0n,
    }
    this.#books.addValidator(v, consensusAddress)
    this.#hooks.afterValidatorCreated(operator)
    this.#delegate(operator, m.value.amount, 'account', v)
    emitEvent(this.#ctx, 'createValidator', {
      validator: valoper(operator),
      amount: `${m.value.amount}${m.value.denom}`,
      moniker: m.moniker,
    })
  }

  editValidator(operator: Uint8Array, m: { moniker: string | null; commissionRate: Dec | null; minSelfDelegation: bigint | null }): void {
    const v = this.#mustValidator(operator)
    if (m.moniker !== null) {
      assertMoniker(m.moniker)
      v.moniker = m.moniker
    }
    if (m.commissionRate !== null) {
      const now = this.#ctx.block.time
      if (now - v.commissionUpdateTime < 86_400_000n) {
        throw stakingError(
          'COMMISSION_CHANGE_TOO_SOON',
          `commission changed at ${v.commissionUpdateTime}; the next change is allowed 24 h later, from ${v.commissionUpdateTime + 86_400_000n}`,
        )
      }
      if (m.commissionRate.gt(v.commissionMaxRate))
        throw stakingError('INVALID_COMMISSION', `commission rate ${m.commissionRate} is above the max rate ${v.commissionMaxRate}`)
      const delta = m.commissionRate.gt(v.commissionRate) ? m.commissionRate.sub(v.commissionRate) : v.commissionRate.sub(m.commissionRate)
      if (delta.gt(v.commissionMaxChangeRate))
        throw stakingError(
          'COMMISSION_CHANGE_TOO_FAST',
          `commission change ${delta} is above the max change rate ${v.commissionMaxChangeRate}`,
        )
      v.commissionRate = m.commissionRate
      v.commissionUpdateTime = now
    }
    if (m.minSelfDelegation !== null) {
      if (m.minSelfDelegation <= v.minSelfDelegation)
        throw stakingError('INVALID_MIN_SELF_DELEGATION', `min_self_delegation may only increase (from ${v.minSelfDelegation})`)
      if (m.minSelfDelegation > v.tokens)
        throw stakingError(
          'SELF_DELEGATION_BELOW_MINIMUM',
          `min_self_delegation ${m.minSelfDelegation} is above the validator's tokens ${v.tokens}`,
        )
      v.minSelfDelegation = m.minSelfDelegation
    }
    this.#setValidator(v)
    emitEvent(this.#ctx, 'editValidator', {
      validator: valoper(operator),
      commission_rate: v.commissionRate.toString(),
      min_self_delegation: String(v.minSelfDelegation),
    })
  }

  #checkDenom(denom: string): void {
    if (denom !== this.bondDenom()) throw stakingError('BAD_DENOM', `staking takes ${this.bondDenom()}, not ${denom}`, { denom })
  }

  #checkAmount(coin: { denom: string; amount: bigint }): void {
    if (coin.amount <= 0n) throw stakingError('INVALID_AMOUNT', 'amount must be positive')
    this.#checkDenom(coin.denom)
  }

  delegate(delegator: Uint8Array, operator: Uint8Array, coin: { denom: string; amount: bigint }): Dec {
    this.#checkAmount(coin)
    const v = this.#mustValidator(operator)
    const shares = this.#delegate(delegator, coin.amount, 'account', v)
    emitEvent(this.#ctx, 'delegate', {
      delegator: account(delegator),
      validator: valoper(operator),
      amount: `${coin.amount}${coin.denom}`,
      new_shares: shares.toString(),
    })
    return shares
  }

  getDelegation(delegator: Uint8Array, operator: Uint8Array): Dec | undefined {
    return this.#books.delegation(delegator, operator)
  }

  delegation(delegator: Uint8Array, operator: Uint8Array): DelegationView | undefined {
    const shares = this.getDelegation(delegator, operator)
    return shares === undefined ? undefined : { delegator: delegator.slice(), validator: operator.slice(), shares }
  }

  delegationsOf(delegator: Uint8Array): DelegationView[] {
    return this.#books.delegationsOf(delegator)
  }

  delegationsTo(operator: Uint8Array): DelegationView[] {
    return this.#books.delegationsTo(operator)
  }

  allDelegations(): Generator<DelegationView> {
    return this.#books.delegations()
  }

  #poolOf(status: number): string {
    return status === BONDED ? K.BONDED_POOL : K.NOT_BONDED_POOL
  }

  #movePool(from: string, to: string, amount: bigint): void {
    if (amount > 0n && from !== to) this.#bank.sendModuleToModule(from, to, this.#coins(amount))
  }

  /**
   * x/staking's Delegate: coins come from the delegator's account, or (redelegation, cancel)
   * from the pool of a validator with status `source`; shares are issued at v's rate.
   */
  #delegate(delegator: Uint8Array, amount: bigint, source: 'account' | number, v: Validator): Dec {
    if (v.tokens === 0n && !v.delegatorShares.isZero()) {
      throw stakingError(
        'VALIDATOR_HAS_NO_TOKENS',
        `validator ${valoper(v.operator)} has shares but no tokens left: it cannot take delegations`,
      )
    }
    const existing = this.getDelegation(delegator, v.operator)
    if (existing === undefined) this.#hooks.beforeDelegationCreated(delegator, v.operator)
    else this.#hooks.beforeDelegationSharesModified(delegator, v.operator)
    if (source === 'account') {
      const have = this.#bank.balance(delegator, this.bondDenom())
      if (have < amount)
        throw stakingError('INSUFFICIENT_FUNDS', `${account(delegator)} has ${have}${this.bondDenom()}, needs ${amount}`, {
          have: String(have),
          need: String(amount),
        })
      this.#bank.sendToModule(delegator, this.#poolOf(v.status), this.#coins(amount))
    } else {
      this.#movePool(this.#poolOf(source), this.#poolOf(v.status), amount)
    }
    let issued = Dec.ZERO
    this.#changeValidator(v, (val) => {
      issued = val.delegatorShares.isZero() ? Dec.fromInt(amount) : sharesFromTokens(val, amount)
      val.tokens += amount
      val.delegatorShares = val.delegatorShares.add(issued)
    })
    this.#books.setDelegation(delegator, v.operator, (existing ?? Dec.ZERO).add(issued))
    this.#hooks.afterDelegationModified(delegator, v.operator)
    return issued
  }

  /** x/staking's Unbond: burns `shares` of the delegation for tokens (truncated), jailing an operator that falls below its minimum. */
  #unbond(delegator: Uint8Array, operator: Uint8Array, shares: Dec): bigint {
    const held = this.getDelegation(delegator, operator)
    if (held === undefined) throw stakingError('UNKNOWN_DELEGATION', `${account(delegator)} has no delegation to ${valoper(operator)}`)
    if (shares.gt(held))
      throw stakingError('INSUFFICIENT_BOND', `${account(delegator)} holds ${held} shares of ${valoper(operator)}, not ${shares}`)
    let v = this.#mustValidator(operator)
    this.#hooks.beforeDelegationSharesModified(delegator, operator)
    const left = held.sub(shares)
    if (equalBytes(delegator, operator) && !v.jailed && tokensFromSharesTruncated(v, left) < v.minSelfDelegation) {
      this.#jailValidator(v)
      v = this.#mustValidator(operator)
    }
    if (left.isZero()) {
      this.#hooks.beforeDelegationRemoved(delegator, operator)
      this.#books.removeDelegation(delegator, operator)
    } else {
      this.#books.setDelegation(delegator, operator, left)
      this.#hooks.afterDelegationModified(delegator, operator)
    }
    let amount = 0n
    this.#changeValidator(v, (val) => {
      const remaining = val.delegatorShares.sub(shares)
      if (remaining.isZero()) {
        amount = val.tokens
        val.tokens = 0n
      } else {
        amount = tokensFromSharesTruncated(val, shares)
        val.tokens -= amount
      }
      val.delegatorShares = remaining
    })
    if (v.delegatorShares.isZero() && v.status === UNBONDED) this.#removeValidator(v)
    return amount
  }

  /** The shares `amount` tokens of the delegation are (x/staking's ValidateUnbondAmount). */
  #sharesFor(v: Validator, delegator: Uint8Array, amount: bigint): Dec {
    const held = this.getDelegation(delegator, v.operator)
    if (held === undefined) throw stakingError('UNKNOWN_DELEGATION', `${account(delegator)} has no delegation to ${valoper(v.operator)}`)
    if (v.tokens === 0n) throw stakingError('VALIDATOR_HAS_NO_TOKENS', `validator ${valoper(v.operator)} has no tokens left`)
    const shares = sharesFromTokens(v, amount)
    if (shares.gt(held)) {
      throw stakingError(
        'INSUFFICIENT_BOND',
        `${account(delegator)} holds ${tokensFromSharesTruncated(v, held)} tokens' worth with ${valoper(v.operator)}, not ${amount}`,
      )
    }
    if (shares.isZero()) throw stakingError('ZERO_SHARES', `${amount} tokens are worth no shares of ${valoper(v.operator)}`)
    return shares
  }

  getUnbonding(delegator: Uint8Array, operator: Uint8Array): UnbondingEntryValue[] | undefined {
    return this.#books.unbonding(delegator, operator)
  }

  undelegate(delegator: Uint8Array, operator: Uint8Array, coin: { denom: string; amount: bigint }): bigint {
    this.#checkAmount(coin)
    const v = this.#mustValidator(operator)
    const entries = this.getUnbonding(delegator, operator) ?? []
    if (entries.length >= this.params().maxEntries) {
      throw stakingError(
        'TOO_MANY_UNBONDING_ENTRIES',
        `${account(delegator)} already has ${entries.length} unbonding entries with ${valoper(operator)} (max_entries ${this.params().maxEntries})`,
      )
    }
    const shares = this.#sharesFor(v, delegator, coin.amount)
    const amount = this.#unbond(delegator, operator, shares)
    if (amount === 0n) throw stakingError('ZERO_SHARES', `undelegating ${coin.amount} returns no tokens`)
    if (v.status === BONDED) this.#movePool(K.BONDED_POOL, K.NOT_BONDED_POOL, amount)
    const completion = this.#ctx.block.time + this.params().unbondingTime
    const height = BigInt(this.#ctx.block.height)
    const merged = entries.find((e) => e.creationHeight === height && e.completionTime === completion)
    if (merged !== undefined) {
      merged.initialBalance += amount
      merged.balance += amount
    } else entries.push({ creationHeight: height, completionTime: completion, initialBalance: amount, balance: amount })
    this.#books.setUnbonding(delegator, operator, entries)
    this.#books.enqueue(K.unbondingQueueKey(completion, delegator, operator))
    emitEvent(this.#ctx, 'unbond', {
      delegator: account(delegator),
      validator: valoper(operator),
      amount: `${amount}${this.bondDenom()}`,
      completion_time: String(completion),
    })
    return completion
  }

  getRedelegation(delegator: Uint8Array, src: Uint8Array, dst: Uint8Array): RedelegationEntryValue[] | undefined {
    return this.#books.redelegation(delegator, src, dst)
  }

  redelegate(delegator: Uint8Array, src: Uint8Array, dst: Uint8Array, coin: { denom: string; amount: bigint }): bigint {
    if (equalBytes(src, dst)) throw stakingError('SAME_VALIDATOR', 'cannot redelegate to the same validator')
    this.#checkAmount(coin)
    const source = this.#mustValidator(src)
    this.#mustValidator(dst)
    const shares = this.#sharesFor(source, delegator, coin.amount)
    if (this.#books.hasIncomingRedelegation(delegator, src)) {
      throw stakingError(
        'TRANSITIVE_REDELEGATION',
        `${account(delegator)} has a redelegation into ${valoper(src)} that has not matured: redelegating from it again is refused`,
      )
    }
    const entries = this.getRedelegation(delegator, src, dst) ?? []
    if (entries.length >= this.params().maxEntries) {
      throw stakingError(
        'TOO_MANY_REDELEGATION_ENTRIES',
        `${account(delegator)} already has ${entries.length} redelegation entries ${valoper(src)} → ${valoper(dst)} (max_entries ${this.params().maxEntries})`,
      )
    }
    const returned = this.#unbond(delegator, src, shares)
    if (returned === 0n) throw stakingError('ZERO_SHARES', `redelegating ${coin.amount} moves no tokens`)
    const created = this.#delegate(delegator, returned, source.status, this.#mustValidator(dst))
    // x/staking's getBeginInfo, on the source as it is after the unbond.
    const after = this.getValidator(src)
    const now = this.#ctx.block.time
    let completion = now + this.params().unbondingTime
    if (after !== undefined && after.status === UNBONDED) completion = now
    else if (after !== undefined && after.status === UNBONDING) completion = after.unbondingTime
    emitEvent(this.#ctx, 'redelegate', {
      delegator: account(delegator),
      source_validator: valoper(src),
      destination_validator: valoper(dst),
      amount: `${returned}${this.bondDenom()}`,
      completion_time: String(completion),
    })
    if (completion <= now) return completion
    const height = BigInt(this.#ctx.block.height)
    const merged = entries.find((e) => e.creationHeight === height && e.completionTime === completion)
    if (merged !== undefined) {
      merged.initialBalance += returned
      merged.sharesDst = merged.sharesDst.add(created)
    } else entries.push({ creationHeight: height, completionTime: completion, initialBalance: returned, sharesDst: created })
    this.#books.setRedelegation(delegator, src, dst, entries)
    this.#books.enqueue(K.redelegationQueueKey(completion, delegator, src, dst))
    return completion
  }

  cancelUnbonding(delegator: Uint8Array, operator: Uint8Array, creationHeight: bigint, coin: { denom: string; amount: bigint }): void {
    this.#checkAmount(coin)
    const v = this.#mustValidator(operator)
    if (v.jailed)
      throw stakingError('VALIDATOR_JAILED', `validator ${valoper(operator)} is jailed: cancel the unbonding after it is unjailed`)
    const entries = this.getUnbonding(delegator, operator)
    const index = entries?.findIndex((e) => e.creationHeight === creationHeight) ?? -1
    if (entries === undefined || index < 0)
      throw stakingError(
        'UNKNOWN_UNBONDING_ENTRY',
        `${account(delegator)} has no unbonding from ${valoper(operator)} created at height ${creationHeight}`,
      )
    const entry = entries[index]!
    if (entry.completionTime < this.#ctx.block.time)
      throw stakingError('UNBONDING_ENTRY_MATURED', `the unbonding entry matured at ${entry.completionTime}`)
    if (coin.amount > entry.balance)
      throw stakingError('INSUFFICIENT_BOND', `the unbonding entry holds ${entry.balance}, not ${coin.amount}`)
    this.#delegate(delegator, coin.amount, UNBONDING, v)
    entry.balance -= coin.amount
    entry.initialBalance -= coin.amount
    if (entry.balance === 0n) {
      entries.splice(index, 1)
      // The queue names (time, pair): drop it when no entry of the pair matures then, so state stays a function of the records.
      if (!entries.some((e) => e.completionTime === entry.completionTime))
        this.#books.dequeue(K.unbondingQueueKey(entry.completionTime, delegator, operator))
    }
    this.#books.setUnbonding(delegator, operator, entries)
    emitEvent(this.#ctx, 'cancelUnbonding', {
      delegator: account(delegator),
      validator: valoper(operator),
      amount: `${coin.amount}${coin.denom}`,
      creation_height: String(creationHeight),
    })
  }

  unbondingsOf(delegator: Uint8Array): Generator<UnbondingView> {
    return this.#books.unbondingsOf(delegator)
  }

  allUnbondings(): Generator<UnbondingView> {
    return this.#books.unbondings()
  }

  redelegationsOf(delegator: Uint8Array): Generator<RedelegationView> {
    return this.#books.redelegationsOf(delegator)
  }

  allRedelegations(): Generator<RedelegationView> {
    return this.#books.redelegations()
  }

  // ---- status changes ------------------------------------------------------------------

  #removeValidator(v: Validator): void {
    if (v.status !== UNBONDED || v.tokens !== 0n) return
    const consensusAddress = consensusAddressOf(v.consensusPubKey)
    this.#books.removeValidator(v, consensusAddress)
    this.#hooks.afterValidatorRemoved(consensusAddress, v.operator)
    emitEvent(this.#ctx, 'validatorRemoved', { validator: valoper(v.operator) })
  }

  #jailValidator(v: Validator): void {
    if (v.jailed) return
    this.#books.unindexPower(v)
    v.jailed = true
    this.#setValidator(v)
    emitEvent(this.#ctx, 'jail', { validator: valoper(v.operator) })
  }

  jail(consensusAddress: Uint8Array): void {
    const operator = this.operatorByConsensusAddress(consensusAddress)
    if (operator === undefined) throw stakingError('UNKNOWN_VALIDATOR', `no validator with consensus address ${toHex(consensusAddress)}`)
    this.#jailValidator(this.#mustValidator(operator))
  }

  /**
   * Unjails: refused when not jailed (VALIDATOR_NOT_JAILED) and, as x/slashing's Unjail does,
   * when the operator's self-delegation is below the validator's min_self_delegation.
   */
  unjail(consensusAddress: Uint8Array): void {
    const operator = this.operatorByConsensusAddress(consensusAddress)
    if (operator === undefined) throw stakingError('UNKNOWN_VALIDATOR', `no validator with consensus address ${toHex(consensusAddress)}`)
    const v = this.#mustValidator(operator)
    if (!v.jailed) throw stakingError('VALIDATOR_NOT_JAILED', `validator ${valoper(operator)} is not jailed`)
    const self = this.getDelegation(operator, operator)
    const selfTokens = self === undefined ? 0n : tokensFromSharesTruncated(v, self)
    if (selfTokens < v.minSelfDelegation) {
      throw stakingError(
        'SELF_DELEGATION_TOO_LOW_TO_UNJAIL',
        `the operator's self-delegation ${selfTokens} is below min_self_delegation ${v.minSelfDelegation}`,
      )
    }
    v.jailed = false
    this.#setValidator(v)
    this.#books.indexPower(v)
    emitEvent(this.#ctx, 'unjail', { validator: valoper(operator) })
  }

  #bond(v: Validator): void {
    this.#books.unindexPower(v)
    if (v.status === UNBONDING) this.#books.dequeue(K.validatorQueueKey(v.unbondingTime, v.operator))
    v.status = BONDED
    v.unbondingHeight = 0n
    v.unbondingTime = 0n
    this.#setValidator(v)
    this.#books.indexPower(v)
    this.#hooks.afterValidatorBonded(consensusAddressOf(v.consensusPubKey), v.operator)
  }

  #beginUnbonding(v: Validator): void {
    v.status = UNBONDING
    v.unbondingHeight = BigInt(this.#ctx.block.height)
    v.unbondingTime = this.#ctx.block.time + this.params().unbondingTime
    this.#setValidator(v)
    this.#books.enqueue(K.validatorQueueKey(v.unbondingTime, v.operator))
    this.#hooks.afterValidatorBeginUnbonding(consensusAddressOf(v.consensusPubKey), v.operator)
  }

  /**
   * x/staking's ApplyAndReturnValidatorSetUpdates: the top max_validators of the power index
   * with power ≥ 1 form the new set; changes against the stored last set become updates (0
   * removes), statuses and pools follow.
   */
  applyValidatorSetUpdates(): ValidatorUpdate[] {
    const { maxValidators } = this.params()
    const last = this.lastPowers()
    const updates: ValidatorUpdate[] = []
    let toBonded = 0n
    let toNotBonded = 0n
    let count = 0
    for (const operator of this.#books.byPower()) {
      if (count >= maxValidators) break
      const v = this.getValidator(operator)
      if (v === undefined || v.jailed)
        throw new Error(`staking power index names ${toHex(operator)}, which is ${v === undefined ? 'missing' : 'jailed'}`)
      const power = this.powerOf(v)
      if (power < 1n) break
      if (v.status !== BONDED) {
        toBonded += v.tokens
        this.#bond(v)
      }
      const id = toHex(operator)
      const old = last.get(id)
      if (old === undefined || old.power !== power) {
        updates.push({ publicKey: v.consensusPubKey.slice(), power })
        this.#books.setLastPower(operator, power)
      }
      last.delete(id)
      count++
    }
    const leaving = [...last.values()].sort((a, b) => Buffer.compare(a.operator, b.operator))
    for (const { operator } of leaving) {
      const v = this.#mustValidator(operator)
      toNotBonded += v.tokens
      this.#beginUnbonding(v)
      this.#books.setLastPower(operator, null)
      updates.push({ publicKey: v.consensusPubKey.slice(), power: 0n })
    }
    if (toBonded > toNotBonded) this.#movePool(K.NOT_BONDED_POOL, K.BONDED_POOL, toBonded - toNotBonded)
    else this.#movePool(K.BONDED_POOL, K.NOT_BONDED_POOL, toNotBonded - toBonded)
    if (updates.length > 0)
      emitEvent(this.#ctx, 'validatorSetUpdate', { updates: updates.map((u) => `${toHex(u.publicKey)}:${u.power}`).join(',') })
    return updates
  }

  #due(prefix: Uint8Array): Uint8Array[] {
    return dueKeys(this.#store, prefix, this.#ctx.block.time)
  }

  /** Unbonding validators whose time came become unbonded (removed when no shares are left). */
  #unbondMatureValidators(): void {
    for (const key of this.#due(K.VALIDATOR_QUEUE)) {
      this.#books.dequeue(key)
      const { time, operator } = K.parseValidatorQueueKey(key)
      const v = this.getValidator(operator)
      if (v === undefined || v.status !== UNBONDING || v.unbondingTime !== time) continue
      v.status = UNBONDED
      this.#setValidator(v)
      if (v.delegatorShares.isZero()) this.#removeValidator(v)
    }
  }

  #completeUnbondings(): void {
    const now = this.#ctx.block.time
    for (const key of this.#due(K.UNBONDING_QUEUE)) {
      this.#books.dequeue(key)
      const { delegator, operator } = K.parseUnbondingQueueKey(key)
      const entries = this.getUnbonding(delegator, operator)
      if (entries === undefined) continue
      let paid = 0n
      const kept = entries.filter((e) => {
        if (e.completionTime > now) return true
        paid += e.balance
        return false
      })
      if (kept.length === entries.length) continue
      if (paid > 0n) this.#bank.sendFromModule(K.NOT_BONDED_POOL, delegator, this.#coins(paid))
      this.#books.setUnbonding(delegator, operator, kept)
      emitEvent(this.#ctx, 'completeUnbonding', {
        delegator: account(delegator),
        validator: valoper(operator),
        amount: `${paid}${this.bondDenom()}`,
      })
    }
  }

  #completeRedelegations(): void {
    const now = this.#ctx.block.time
    for (const key of this.#due(K.REDELEGATION_QUEUE)) {
      this.#books.dequeue(key)
      const { delegator, src, dst } = K.parseRedelegationQueueKey(key)
      const entries = this.getRedelegation(delegator, src, dst)
      if (entries === undefined) continue
      const kept = entries.filter((e) => e.completionTime > now)
      if (kept.length === entries.length) continue
      this.#books.setRedelegation(delegator, src, dst, kept)
      emitEvent(this.#ctx, 'completeRedelegation', {
        delegator: account(delegator),
        source_validator: valoper(src),
        destination_validator: valoper(dst),
      })
    }
  }

  /** x/staking's EndBlocker: the set first, then matured validators, unbondings, redelegations; then bond unbondings. */
  endBlock(): ValidatorUpdate[] {
    const updates = this.applyValidatorSetUpdates()
    this.#unbondMatureValidators()
    this.#completeUnbondings()
    this.#completeRedelegations()
    this.#bonds.completeMatured()
    return updates
  }

  // ---- slashing ------------------------------------------------------------------------

  slash(consensusAddress: Uint8Array, infractionHeight: number, power: bigint, fraction: Dec): bigint {
    if (fraction.lt(Dec.ZERO) || fraction.gt(Dec.ONE)) throw stakingError('INVALID_SLASH', `slash fraction ${fraction} outside 0..1`)
    if (infractionHeight > this.#ctx.block.height)
      throw stakingError('INVALID_SLASH', `infraction height ${infractionHeight} is in the future (height ${this.#ctx.block.height})`)
    const operator = this.operatorByConsensusAddress(consensusAddress)
    if (operator === undefined) return 0n
    let v = this.#mustValidator(operator)
    // x/staking refuses to slash an unbonded validator; nothing it holds is at stake any more.
    if (v.status === UNBONDED) return 0n
    const slashAmount = Dec.fromInt(power * this.powerReduction())
      .mul(fraction)
      .truncate()
    let remaining = slashAmount
    let burned = 0n
    if (infractionHeight < this.#ctx.block.height) {
      for (const delegator of this.#books.unbondingDelegatorsOf(operator)) {
        const r = this.#slashUnbonding(delegator, operator, infractionHeight, fraction)
        remaining -= r.total
        burned += r.burned
      }
      for (const { delegator, dst } of this.#books.redelegationsFrom(operator)) {
        const r = this.#slashRedelegation(delegator, operator, dst, infractionHeight, fraction)
        remaining -= r.total
        burned += r.burned
      }
      v = this.#mustValidator(operator)
    }
    let fromValidator = remaining < v.tokens ? remaining : v.tokens
    if (fromValidator < 0n) fromValidator = 0n
    if (fromValidator > 0n) {
      const effective = Dec.fromInt(fromValidator).quoInt(v.tokens)
      this.#hooks.beforeValidatorSlashed(operator, effective.gt(Dec.ONE) ? Dec.ONE : effective)
      const pool = this.#poolOf(v.status)
      this.#changeValidator(v, (val) => {
        val.tokens -= fromValidator
      })
      this.#bank.burn(pool, this.#coins(fromValidator))
      burned += fromValidator
    }
    emitEvent(this.#ctx, 'slash', {
      validator: valoper(operator),
      infraction_height: String(infractionHeight),
      power: String(power),
      fraction: fraction.toString(),
      burned: String(burned),
    })
    return burned
  }

  #slashUnbonding(delegator: Uint8Array, operator: Uint8Array, infractionHeight: number, fraction: Dec): { total: bigint; burned: bigint } {
    const entries = this.getUnbonding(delegator, operator)
    if (entries === undefined) return { total: 0n, burned: 0n }
    const now = this.#ctx.block.time
    let total = 0n
    let burned = 0n
    for (const e of entries) {
      if (e.creationHeight < BigInt(infractionHeight) || e.completionTime <= now) continue
      const amount = Dec.fromInt(e.initialBalance).mul(fraction).truncate()
      total += amount
      const taken = amount < e.balance ? amount : e.balance
      if (taken === 0n) continue
      burned += taken
      e.balance -= taken
    }
    if (burned > 0n) {
      this.#books.replaceUnbonding(delegator, operator, entries)
      this.#bank.burn(K.NOT_BONDED_POOL, this.#coins(burned))
    }
    return { total, burned }
  }

  #slashRedelegation(
    delegator: Uint8Array,
    src: Uint8Array,
    dst: Uint8Array,
    infractionHeight: number,
    fraction: Dec,
  ): { total: bigint; burned: bigint } {
    const entries = this.getRedelegation(delegator, src, dst)
    if (entries === undefined) return { total: 0n, burned: 0n }
    const now = this.#ctx.block.time
    let total = 0n
    let burned = 0n
    for (const e of entries) {
      if (e.creationHeight < BigInt(infractionHeight) || e.completionTime <= now) continue
      total += Dec.fromInt(e.initialBalance).mul(fraction).truncate()
      let shares = e.sharesDst.mul(fraction)
      if (shares.isZero()) continue
      const held = this.getDelegation(delegator, dst)
      if (held === undefined) continue
      if (shares.gt(held)) shares = held
      const before = this.#mustValidator(dst)
      const tokens = this.#unbond(delegator, dst, shares)
      if (tokens === 0n) continue
      burned += tokens
      this.#bank.burn(this.#poolOf(before.status), this.#coins(tokens))
    }
    return { total, burned }
  }

  // ---- bonds (bond-book.ts) ----------------------------------------------------------

  get #bonds(): BondBook {
    return (this.#bondBook ??= new BondBook(this.#ctx, this.#store, this.#caller, this.params(), this.#bank))
  }

  getBond(owner: Uint8Array, fullPurpose: string): BondValue | undefined {
    return this.#bonds.get(owner, fullPurpose)
  }

  allBonds(): Generator<BondView> {
    return this.#bonds.all()
  }

  bond(owner: Uint8Array, purpose: string, amount: bigint): void {
    this.#bonds.bond(owner, purpose, amount)
  }

  beginUnbond(owner: Uint8Array, purpose: string, amount: bigint): bigint {
    return this.#bonds.beginUnbond(owner, purpose, amount)
  }

  slashBond(owner: Uint8Array, purpose: string, fraction: Dec, infractionHeight: number): bigint {
    return this.#bonds.slash(owner, purpose, fraction, infractionHeight)
  }

  bondedAmount(owner: Uint8Array, purpose: string): bigint {
    return this.#bonds.bondedAmount(owner, purpose)
  }

  unbondingAmount(owner: Uint8Array, purpose: string): bigint {
    return this.#bonds.unbondingAmount(owner, purpose)
  }
}
