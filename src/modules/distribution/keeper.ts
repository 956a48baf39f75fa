import { encodeAddress } from '../../crypto/index.js'
import { type Context, Dec, type KVStore, moduleAddress, readParams } from '../../state/index.js'
import type { CoinValue } from '../bank/messages.js'
import { type DelegationView, type ValidatorView, tokensFromShares } from '../staking/views.js'
import {
  type DecCoins,
  NO_COINS,
  addDecCoins,
  fromCoins,
  minDecCoins,
  mulDecTruncate,
  quoDecTruncate,
  subDecCoins,
  truncateDecCoins,
} from './dec-coins.js'
import { distributionError } from './errors.js'
import { emitFundCommunityPool, emitSetWithdrawAddress, emitWithdrawCommission, emitWithdrawRewards } from './events.js'
import { BANK, type DistributionBankKeeper, type DistributionStakingKeeper, STAKING } from './expected-keepers.js'
import {
  DISTRIBUTION_ACCOUNT,
  FEE_POOL_KEY,
  MODULE,
  PREVIOUS_PROPOSER_KEY,
  commissionKey,
  currentKey,
  historicalKey,
  historicalOf,
  outstandingKey,
  parseSlashEventKey,
  slashEventKey,
  slashEventsOf,
  startingInfoKey,
  startingInfosOf,
  withdrawAddressKey,
} from './keys.js'
import { type DistributionParamsValue, distributionParams } from './params.js'
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

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0
const valoper = (operator: Uint8Array): string => encodeAddress(operator, 'fedravaloper')

/**
 * F1 fee distribution (x/distribution's keeper, Ojha's "F1 Fee Distribution"): no loop over
 * delegators, ever. Each validator keeps the rewards of its current period; a period ends
 * whenever a delegation to it changes or it is slashed, adding rewards ÷ tokens to a cumulative
 * ratio stored per period (historical rewards, reference-counted by the starting infos, slash
 * events and current period that point at them). A delegation's rewards are its stake × (ratio
 * at the end − ratio at its start), with the stake cut by each slash in between.
 *
 * Built on a context scoped to distribution, by the module's handlers, hooks and begin-block.
 */
export class DistributionKeeper {
  readonly #ctx: Context
  readonly #store: KVStore

  constructor(ctx: Context) {
    this.#ctx = ctx
    this.#store = ctx.moduleStore(MODULE)
  }

  get staking(): DistributionStakingKeeper {
    return this.#ctx.keeper(STAKING)
  }

  get bank(): DistributionBankKeeper {
    return this.#ctx.keeper(BANK)
  }

  get ctx(): Context {
    return this.#ctx
  }

  params(): DistributionParamsValue {
    return readParams(this.#store, distributionParams)
  }

  // ── records ────────────────────────────────────────────────────────────────

  communityPool(): DecCoins {
    return decodeDecCoins(this.#store.get(FEE_POOL_KEY))
  }

  addToCommunityPool(coins: DecCoins): void {
    if (coins.length === 0) return
    this.#store.set(FEE_POOL_KEY, encodeDecCoins(addDecCoins(this.communityPool(), coins)))
  }

  previousProposer(): Uint8Array | undefined {
    return this.#store.get(PREVIOUS_PROPOSER_KEY)?.slice()
  }

  setPreviousProposer(consensusAddress: Uint8Array): void {
    this.#store.set(PREVIOUS_PROPOSER_KEY, consensusAddress.slice())
  }

  outstanding(operator: Uint8Array): DecCoins {
    return decodeDecCoins(this.#store.get(outstandingKey(operator)))
  }

  setOutstanding(operator: Uint8Array, coins: DecCoins): void {
    this.#store.set(outstandingKey(operator), encodeDecCoins(coins))
  }

  commission(operator: Uint8Array): DecCoins {
    return decodeDecCoins(this.#store.get(commissionKey(operator)))
  }

  setCommission(operator: Uint8Array, coins: DecCoins): void {
    this.#store.set(commissionKey(operator), encodeDecCoins(coins))
  }

  /** Whether afterValidatorCreated initialised this validator's records. */
  hasValidator(operator: Uint8Array): boolean {
    return this.#store.get(currentKey(operator)) !== undefined
  }

  current(operator: Uint8Array): CurrentRewards {
    const raw = this.#store.get(currentKey(operator))
    if (raw === undefined) throw new Error(`distribution books: no current rewards for ${valoper(operator)}`)
    return decodeCurrent(raw)
  }

  #setCurrent(operator: Uint8Array, value: CurrentRewards): void {
    this.#store.set(currentKey(operator), encodeCurrent(value))
  }

  historical(operator: Uint8Array, period: bigint): HistoricalRewards {
    const raw = this.#store.get(historicalKey(operator, period))
    if (raw === undefined) throw new Error(`distribution books: no historical rewards for ${valoper(operator)} period ${period}`)
    return decodeHistorical(raw)
  }

  #setHistorical(operator: Uint8Array, period: bigint, value: HistoricalRewards): void {
    this.#store.set(historicalKey(operator, period), encodeHistorical(value))
  }

  startingInfo(operator: Uint8Array, delegator: Uint8Array): StartingInfo | undefined {
    const raw = this.#store.get(startingInfoKey(operator, delegator))
    return raw === undefined ? undefined : decodeStartingInfo(raw)
  }

  /** Slash events of a validator with heights in [from, to], in height then period order. */
  slashEventsBetween(operator: Uint8Array, from: bigint, to: bigint): SlashEvent[] {
    const events: SlashEvent[] = []
    for (const [key, value] of this.#store.iterate(slashEventsOf(operator))) {
      const { height } = parseSlashEventKey(key)
      if (height >= from && height <= to) events.push(decodeSlashEvent(value))
    }
    return events
  }

  withdrawAddress(delegator: Uint8Array): Uint8Array {
    return this.#store.get(withdrawAddressKey(delegator))?.slice() ?? delegator
  }

  #deletePrefix(prefix: Uint8Array): void {
    const keys = [...this.#store.iterate(prefix)].map(([key]) => key.slice())
    for (const key of keys) this.#store.delete(key)
  }

  // ── F1 ─────────────────────────────────────────────────────────────────────

  /** afterValidatorCreated: period 0 with a zero ratio (referenced by the current period 1), nothing owed. */
  initializeValidator(operator: Uint8Array): void {
    this.#setHistorical(operator, 0n, { ratio: NO_COINS, referenceCount: 1 })
    this.#setCurrent(operator, { rewards: NO_COINS, period: 1n })
    this.setCommission(operator, NO_COINS)
    this.setOutstanding(operator, NO_COINS)
  }

  #incrementReferenceCount(operator: Uint8Array, period: bigint): void {
    const record = this.historical(operator, period)
    this.#setHistorical(operator, period, { ...record, referenceCount: record.referenceCount + 1 })
  }

  #decrementReferenceCount(operator: Uint8Array, period: bigint): void {
    const record = this.historical(operator, period)
    if (record.referenceCount <= 0)
      throw new Error(`distribution books: reference count of ${valoper(operator)} period ${period} would go negative`)
    if (record.referenceCount === 1) this.#store.delete(historicalKey(operator, period))
    else this.#setHistorical(operator, period, { ...record, referenceCount: record.referenceCount - 1 })
  }

  /**
   * What the current period's rewards add to the ratio: rewards ÷ tokens, truncated (the lost
   * digits stay in outstanding as dust). A validator with no tokens has no ratio to add to.
   */
  #ratioIncrement(validator: ValidatorView, rewards: DecCoins): DecCoins {
    return validator.tokens === 0n ? NO_COINS : quoDecTruncate(rewards, Dec.fromInt(validator.tokens))
  }

  /**
   * Ends the current period (x/distribution's IncrementValidatorPeriod): stores its cumulative
   * ratio and opens the next; returns the ended period. The rewards of a validator with no
   * tokens cannot be shared and go to the community pool.
   */
  incrementValidatorPeriod(validator: ValidatorView): bigint {
    const operator = validator.operator
    const current = this.current(operator)
    if (validator.tokens === 0n && current.rewards.length > 0) {
      this.addToCommunityPool(current.rewards)
      this.setOutstanding(operator, subDecCoins(this.outstanding(operator), current.rewards))
    }
    const previous = this.historical(operator, current.period - 1n)
    this.#decrementReferenceCount(operator, current.period - 1n)
    this.#setHistorical(operator, current.period, {
      ratio: addDecCoins(previous.ratio, this.#ratioIncrement(validator, current.rewards)),
      referenceCount: 1,
    })
    this.#setCurrent(operator, { rewards: NO_COINS, period: current.period + 1n })
    return current.period
  }

  /** The ratio the current period would end at if it ended now (queries, invariants: no writes). */
  pendingRatio(validator: ValidatorView): DecCoins {
    const current = this.current(validator.operator)
    return addDecCoins(this.historical(validator.operator, current.period - 1n).ratio, this.#ratioIncrement(validator, current.rewards))
  }

  /** afterDelegationModified: the delegation starts at the period before the current one, with its stake now. */
  initializeDelegation(operator: Uint8Array, delegator: Uint8Array): void {
    const validator = this.staking.validator(operator)
    const delegation = this.staking.delegation(delegator, operator)
    if (validator === undefined || delegation === undefined) return
    const previousPeriod = this.current(operator).period - 1n
    this.#incrementReferenceCount(operator, previousPeriod)
    const info: StartingInfo = {
      previousPeriod,
      stake: tokensFromShares(validator, delegation.shares),
      height: BigInt(this.#ctx.block.height),
    }
    this.#store.set(startingInfoKey(operator, delegator), encodeStartingInfo(info))
  }

  /** stake × (ratio at end − ratio at start), truncated. */
  #rewardsBetween(start: DecCoins, end: DecCoins, stake: Dec): DecCoins {
    return mulDecTruncate(subDecCoins(end, start), stake)
  }

  /**
   * x/distribution's calculateDelegationRewards, ending at `endRatio`: each slash event since the
   * delegation began ends a stretch at that event's period, after which the stake shrinks by the
   * event's fraction. The stake so computed can exceed what the shares are worth now by rounding
   * (the slash fraction is itself rounded); it is then capped at the current worth, never above.
   */
  calculateDelegationRewards(validator: ValidatorView, delegation: DelegationView, info: StartingInfo, endRatio: DecCoins): DecCoins {
    const height = BigInt(this.#ctx.block.height)
    if (info.height === height) return NO_COINS
    let stake = info.stake
    let startPeriod = info.previousPeriod
    let rewards: DecCoins = NO_COINS
    for (const event of this.slashEventsBetween(validator.operator, info.height, height)) {
      if (event.period <= startPeriod) continue
      rewards = addDecCoins(
        rewards,
        this.#rewardsBetween(
          this.historical(validator.operator, startPeriod).ratio,
          this.historical(validator.operator, event.period).ratio,
          stake,
        ),
      )
      stake = stake.mul(Dec.ONE.sub(event.fraction))
      startPeriod = event.period
    }
    const worth = tokensFromShares(validator, delegation.shares)
    if (stake.gt(worth)) stake = worth
    return addDecCoins(rewards, this.#rewardsBetween(this.historical(validator.operator, startPeriod).ratio, endRatio, stake))
  }

  /** What a delegation has earned so far, without ending the period (the rewards query). */
  pendingRewards(validator: ValidatorView, delegation: DelegationView): DecCoins {
    const info = this.startingInfo(validator.operator, delegation.delegator)
    if (info === undefined) return NO_COINS
    return this.calculateDelegationRewards(validator, delegation, info, this.pendingRatio(validator))
  }

  /**
   * Pays a delegation's rewards to its withdraw address and forgets its starting info
   * (x/distribution's withdrawDelegationRewards; the caller re-initialises it if the delegation
   * goes on). Whole units are paid; the fractions go to the community pool. Never pays more than
   * the validator's outstanding rewards.
   */
  withdrawDelegationRewards(validator: ValidatorView, delegation: DelegationView): CoinValue[] {
    const operator = validator.operator
    const delegator = delegation.delegator
    const info = this.startingInfo(operator, delegator)
    if (info === undefined)
      throw distributionError('NO_DELEGATION', `${encodeAddress(delegator)} has no rewards record with ${valoper(operator)}`, {
        delegator: encodeAddress(delegator),
        validator: valoper(operator),
      })
    const endingPeriod = this.incrementValidatorPeriod(validator)
    const earned = this.calculateDelegationRewards(validator, delegation, info, this.historical(operator, endingPeriod).ratio)
    const outstanding = this.outstanding(operator)
    const rewards = minDecCoins(earned, outstanding)
    const { coins, remainder } = truncateDecCoins(rewards)
    if (coins.length > 0) this.bank.sendFromModule(DISTRIBUTION_ACCOUNT, this.withdrawAddress(delegator), coins)
    this.setOutstanding(operator, subDecCoins(outstanding, rewards))
    this.addToCommunityPool(remainder)
    this.#decrementReferenceCount(operator, info.previousPeriod)
    this.#store.delete(startingInfoKey(operator, delegator))
    emitWithdrawRewards(this.#ctx, delegator, operator, coins)
    return coins
  }

  /** beforeValidatorSlashed: ends the period and records the slash against it (x/distribution's updateValidatorSlashFraction). */
  recordSlash(operator: Uint8Array, fraction: Dec): void {
    if (fraction.isNegative() || fraction.gt(Dec.ONE))
      throw new Error(`distribution: slash fraction ${fraction.toString()} is not within [0, 1]`)
    const validator = this.staking.validator(operator)
    if (validator === undefined || !this.hasValidator(operator)) return
    const period = this.incrementValidatorPeriod(validator)
    this.#incrementReferenceCount(operator, period)
    this.#store.set(slashEventKey(operator, BigInt(this.#ctx.block.height), period), encodeSlashEvent({ period, fraction }))
  }

  /**
   * afterValidatorRemoved: the commission goes to the operator's withdraw address (fractions to
   * the pool), whatever else is outstanding (the dust of its periods) to the community pool, and
   * every record of the validator is deleted.
   */
  removeValidator(operator: Uint8Array): void {
    if (!this.hasValidator(operator)) return
    let outstanding = this.outstanding(operator)
    const commission = this.commission(operator)
    if (commission.length > 0) {
      outstanding = subDecCoins(outstanding, commission)
      const { coins, remainder } = truncateDecCoins(commission)
      this.addToCommunityPool(remainder)
      if (coins.length > 0) this.bank.sendFromModule(DISTRIBUTION_ACCOUNT, this.withdrawAddress(operator), coins)
    }
    this.addToCommunityPool(outstanding)
    this.#store.delete(outstandingKey(operator))
    this.#store.delete(commissionKey(operator))
    this.#store.delete(currentKey(operator))
    this.#deletePrefix(slashEventsOf(operator))
    this.#deletePrefix(historicalOf(operator))
    this.#deletePrefix(startingInfosOf(operator))
  }

  /** Adds `tokens` to a validator: its commission rate of them to the commission, the rest to the current period. */
  allocateToValidator(validator: ValidatorView, tokens: DecCoins): { commission: DecCoins; shared: DecCoins } {
    const operator = validator.operator
    const commission = mulDecTruncate(tokens, validator.commissionRate)
    const shared = subDecCoins(tokens, commission)
    this.setCommission(operator, addDecCoins(this.commission(operator), commission))
    const current = this.current(operator)
    this.#setCurrent(operator, { ...current, rewards: addDecCoins(current.rewards, shared) })
    this.setOutstanding(operator, addDecCoins(this.outstanding(operator), tokens))
    return { commission, shared }
  }

  // ── what messages do ──────────────────────────────────────────────────────

  #validator(operator: Uint8Array): ValidatorView {
    const validator = this.staking.validator(operator)
    if (validator === undefined || !this.hasValidator(operator))
      throw distributionError('UNKNOWN_VALIDATOR', `no validator ${valoper(operator)}`, { validator: valoper(operator) })
    return validator
  }

  /** MsgWithdrawRewards: pays one delegation's rewards and starts it afresh. */
  withdrawRewards(delegator: Uint8Array, operator: Uint8Array): CoinValue[] {
    const validator = this.#validator(operator)
    const delegation = this.staking.delegation(delegator, operator)
    if (delegation === undefined)
      throw distributionError('NO_DELEGATION', `${encodeAddress(delegator)} has no delegation to ${valoper(operator)}`, {
        delegator: encodeAddress(delegator),
        validator: valoper(operator),
      })
    const coins = this.withdrawDelegationRewards(validator, delegation)
    this.initializeDelegation(operator, delegator)
    return coins
  }

  /** MsgWithdrawAllRewards: every delegation of the delegator, in validator order. */
  withdrawAllRewards(delegator: Uint8Array): CoinValue[] {
    const delegations = this.staking.delegationsOf(delegator)
    if (delegations.length === 0)
      throw distributionError('NO_DELEGATION', `${encodeAddress(delegator)} has no delegations`, { delegator: encodeAddress(delegator) })
    const paid: CoinValue[][] = delegations.map((d) => this.withdrawRewards(delegator, d.validator))
    const total = new Map<string, bigint>()
    for (const coins of paid) for (const c of coins) total.set(c.denom, (total.get(c.denom) ?? 0n) + c.amount)
    return [...total.keys()].sort().map((denom) => ({ denom, amount: total.get(denom)! }))
  }

  /** MsgWithdrawCommission: the whole units of the commission to the operator's withdraw address; fractions stay. */
  withdrawCommission(operator: Uint8Array): CoinValue[] {
    this.#validator(operator)
    const { coins, remainder } = truncateDecCoins(this.commission(operator))
    if (coins.length === 0)
      throw distributionError('NO_COMMISSION', `validator ${valoper(operator)} has no whole unit of commission to withdraw`, {
        validator: valoper(operator),
      })
    this.setCommission(operator, remainder)
    this.setOutstanding(operator, subDecCoins(this.outstanding(operator), fromCoins(coins)))
    this.bank.sendFromModule(DISTRIBUTION_ACCOUNT, this.withdrawAddress(operator), coins)
    emitWithdrawCommission(this.#ctx, operator, coins)
    return coins
  }

  /** MsgSetWithdrawAddress; setting one's own address removes the record. */
  setWithdrawAddress(delegator: Uint8Array, address: Uint8Array): void {
    if (!this.params().withdrawAddrEnabled)
      throw distributionError('WITHDRAW_ADDRESS_DISABLED', 'withdraw addresses are disabled (withdraw_addr_enabled is false)')
    for (const name of this.#ctx.moduleAccounts.keys()) {
      if (sameBytes(moduleAddress(name), address))
        throw distributionError(
          'WITHDRAW_ADDRESS_BLOCKED',
          `${encodeAddress(address)} is the module account ${name} and cannot receive rewards`,
          { account: name },
        )
    }
    if (sameBytes(address, delegator)) this.#store.delete(withdrawAddressKey(delegator))
    else this.#store.set(withdrawAddressKey(delegator), address.slice())
    emitSetWithdrawAddress(this.#ctx, delegator, address)
  }

  /** MsgFundCommunityPool. */
  fundCommunityPool(depositor: Uint8Array, coins: CoinValue[]): void {
    this.bank.sendToModule(depositor, DISTRIBUTION_ACCOUNT, coins)
    this.addToCommunityPool(fromCoins(coins))
    emitFundCommunityPool(this.#ctx, depositor, coins)
  }
}
