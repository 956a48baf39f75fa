import { encodeAddress } from '../../crypto/index.js'
import { type Context, Dec, moduleAddress, readParams } from '../../state/index.js'
import { GovBooks } from './books.js'
import { checkContent, contentType, decodeContent, executeContents } from './content.js'
import { govError } from './errors.js'
import {
  emitDeposits,
  emitExpeditedConverted,
  emitProposalDeposit,
  emitProposalFailed,
  emitProposalPassed,
  emitProposalRejected,
  emitProposalSubmitted,
  emitProposalVetoed,
  emitProposalVote,
  emitVotingPeriodStarted,
} from './events.js'
import { BANK, STAKING } from './expected-keepers.js'
import { GOV_ACCOUNT } from './keys.js'
import type { MsgSubmitProposalValue, ProposalValue, WeightedVoteOptionValue } from './messages.js'
import { type GovParamsValue, govParams, minDepositOf, votingPeriodOf } from './params.js'
import { type Tally, type TallyValidator, decide, tally, tallyResult } from './tally.js'

const HALF = 5n * 10n ** 17n
/** x/gov's RoundInt of a non-negative Dec: half up. */
const roundHalfUp = (d: Dec): bigint => (d.raw + HALF) / 10n ** 18n

/**
 * The life of a proposal (x/gov v1): submitted with an initial deposit, funded by deposits
 * until the minimum opens its voting period (or its deposit period ends: rejected, deposits
 * refunded or burned), voted on, tallied when its voting period ends, and executed if it
 * passed. Built per use on a context scoped to gov.
 */
export class GovProposals {
  readonly #ctx: Context
  readonly #books: GovBooks
  #paramsCache: GovParamsValue | undefined

  constructor(ctx: Context) {
    this.#ctx = ctx
    this.#books = new GovBooks(ctx.moduleStore())
  }

  get params(): GovParamsValue {
    return (this.#paramsCache ??= readParams(this.#ctx.moduleStore(), govParams))
  }

  get #denom(): string {
    return this.#ctx.keeper(STAKING).bondDenom()
  }

  #checkDenom(denom: string): void {
    if (denom !== this.#denom)
      throw govError('BAD_DENOM', `deposits are in ${this.#denom}, not ${denom.slice(0, 64)}`, { denom: denom.slice(0, 64) })
  }

  /** Moves `amount` of the signer's coins into the gov account and onto the proposal's books; opens voting at the minimum. */
  #deposit(p: ProposalValue, depositor: Uint8Array, amount: bigint): ProposalValue {
    const bank = this.#ctx.keeper(BANK)
    const balance = bank.balance(depositor, this.#denom)
    if (balance < amount)
      throw govError(
        'INSUFFICIENT_FUNDS',
        `${encodeAddress(depositor)} holds ${balance}${this.#denom}, less than ${amount}${this.#denom}`,
        { balance: String(balance) },
      )
    if (amount === 0n) return p
    bank.sendToModule(depositor, GOV_ACCOUNT, [{ denom: this.#denom, amount }])
    this.#books.setDeposit(p.id, depositor, this.#books.deposit(p.id, depositor) + amount)
    emitProposalDeposit(this.#ctx, p.id, depositor, amount, this.#denom)
    const funded: ProposalValue = { ...p, totalDeposit: p.totalDeposit + amount }
    if (funded.totalDeposit < minDepositOf(this.params, funded.expedited)) return funded
    // x/gov's ActivateVotingPeriod: the voting period runs from this block's time.
    const start = this.#ctx.block.time
    const end = start + votingPeriodOf(this.params, funded.expedited)
    emitVotingPeriodStarted(this.#ctx, p.id, start, end)
    return { ...funded, status: 'voting_period', votingStartTime: start, votingEndTime: end }
  }

  /** MsgSubmitProposal after its stateless checks; returns the new proposal's id. */
  submit(m: MsgSubmitProposalValue, proposer: Uint8Array): bigint {
    this.#checkDenom(m.initialDeposit.denom)
    m.messages.forEach((bytes, i) => checkContent(this.#ctx, decodeContent(bytes, i), i))
    const minimum = minDepositOf(this.params, m.expedited)
    const required = roundHalfUp(Dec.fromInt(minimum).mul(this.params.minInitialDepositRatio))
    if (m.initialDeposit.amount < required) {
      throw govError(
        'MIN_INITIAL_DEPOSIT',
        `an initial deposit of ${m.initialDeposit.amount} is below ${required} (min_initial_deposit_ratio ${this.params.minInitialDepositRatio} of ${minimum})`,
        {
          required: String(required),
        },
      )
    }
    const id = this.#books.nextId()
    const time = this.#ctx.block.time
    const fresh: ProposalValue = {
      id,
      proposer: proposer.slice(),
      messages: m.messages,
      title: m.title,
      summary: m.summary,
      metadata: m.metadata,
      expedited: m.expedited,
      status: 'deposit_period',
      submitTime: time,
      depositEndTime: time + this.params.maxDepositPeriod,
      totalDeposit: 0n,
      votingStartTime: null,
      votingEndTime: null,
      finalTally: null,
      outcome: '',
      failedReason: '',
      deposits: 'held',
    }
    emitProposalSubmitted(this.#ctx, id, proposer, m.messages.map(contentType), m.expedited)
    const funded = this.#deposit(fresh, proposer, m.initialDeposit.amount)
    this.#books.setNextId(id + 1n)
    this.#books.setProposal(funded)
    return id
  }

  #proposal(id: bigint): ProposalValue {
    const p = this.#books.proposal(id)
    if (p === undefined) throw govError('UNKNOWN_PROPOSAL', `no proposal ${id}`, { proposal: String(id) })
    return p
  }

  /** MsgDeposit: only in the deposit period. */
  deposit(id: bigint, depositor: Uint8Array, coin: { denom: string; amount: bigint }): void {
    const p = this.#proposal(id)
    if (p.status !== 'deposit_period')
      throw govError('DEPOSIT_CLOSED', `proposal ${id} is ${p.status}: deposits are taken only in its deposit period`, {
        proposal: String(id),
        status: p.status,
      })
    this.#checkDenom(coin.denom)
    this.#books.setProposal(this.#deposit(p, depositor, coin.amount), p)
  }

  /** MsgVote / MsgVoteWeighted: only in the voting period; replaces the voter's earlier vote. */
  vote(id: bigint, voter: Uint8Array, options: WeightedVoteOptionValue[]): void {
    const p = this.#proposal(id)
    if (p.status !== 'voting_period')
      throw govError('VOTING_CLOSED', `proposal ${id} is ${p.status}: votes are taken only in its voting period`, {
        proposal: String(id),
        status: p.status,
      })
    this.#books.setVote(id, voter, options)
    emitProposalVote(this.#ctx, id, voter, options)
  }

  /** The bonded validators as the tally counts them, and their tokens in all (x/gov's TotalBondedTokens). */
  #bonded(): { validators: TallyValidator[]; total: bigint } {
    const staking = this.#ctx.keeper(STAKING)
    const validators: TallyValidator[] = []
    let total = 0n
    for (const { operator } of staking.lastPowers().values()) {
      const v = staking.validator(operator)
      if (v === undefined || v.status !== 'bonded') continue
      validators.push({ operator: v.operator, tokens: v.tokens, delegatorShares: v.delegatorShares })
      total += v.tokens
    }
    return { validators, total }
  }

  /** The tally of a proposal's votes over the current bonded set, and the bonded total. */
  currentTally(id: bigint): { tally: Tally; totalBonded: bigint } {
    const staking = this.#ctx.keeper(STAKING)
    const { validators, total } = this.#bonded()
    const votes = [...this.#books.votes(id)].map((v) => ({ voter: v.voter, options: v.options }))
    return { tally: tally(validators, votes, (voter) => staking.delegationsOf(voter)), totalBonded: total }
  }

  /** Refunds every deposit of `p` to its depositor, or burns them all; returns the settled proposal. */
  #settleDeposits(p: ProposalValue, burn: boolean): ProposalValue {
    const bank = this.#ctx.keeper(BANK)
    const denom = this.#denom
    if (p.totalDeposit > 0n) {
      if (burn) bank.burn(GOV_ACCOUNT, [{ denom, amount: p.totalDeposit }])
      else for (const d of this.#books.deposits(p.id)) bank.sendFromModule(GOV_ACCOUNT, d.depositor, [{ denom, amount: d.amount }])
      emitDeposits(this.#ctx, burn ? 'burned' : 'refunded', p.id, p.totalDeposit, denom)
    }
    return { ...p, deposits: burn ? 'burned' : 'refunded' }
  }

  /** A deposit period that ended unfunded (x/gov: the proposal is dropped): rejected, deposits burned if burn_proposal_deposit_prevote. */
  #endDepositPeriod(p: ProposalValue): void {
    const settled = this.#settleDeposits(p, this.params.burnProposalDepositPrevote)
    this.#books.setProposal({ ...settled, status: 'rejected', outcome: 'deposit_period_ended' }, p)
    emitProposalRejected(this.#ctx, p.id, 'deposit_period_ended', null)
  }

  /** x/gov v1's EndBlocker for one proposal whose voting period ended. */
  #endVotingPeriod(p: ProposalValue): void {
    const { tally: t, totalBonded } = this.currentTally(p.id)
    const { outcome, burn } = decide(t, totalBonded, this.params, p.expedited)
    const result = tallyResult(t)
    if (p.expedited && outcome !== 'passed') {
      // An expedited proposal that fails becomes a regular one: its voting period is the regular
      // one from its original start, its votes stand, its deposits stay held.
      const end = p.votingStartTime! + this.params.votingPeriod
      this.#books.setProposal({ ...p, expedited: false, votingEndTime: end }, p)
      emitExpeditedConverted(this.#ctx, p.id, end, result)
      return
    }
    const settled = this.#settleDeposits(p, burn)
    if (outcome !== 'passed') {
      this.#books.setProposal({ ...settled, status: 'rejected', outcome, finalTally: result }, p)
      if (outcome === 'vetoed') emitProposalVetoed(this.#ctx, p.id, result)
      emitProposalRejected(this.#ctx, p.id, outcome, result)
      return
    }
    const failure = executeContents(this.#ctx, p.messages, p.id)
    if (failure === null) {
      this.#books.setProposal({ ...settled, status: 'passed', outcome: 'passed', finalTally: result }, p)
      emitProposalPassed(this.#ctx, p.id, result)
    } else {
      this.#books.setProposal({ ...settled, status: 'failed', outcome: 'execution_failed', failedReason: failure, finalTally: result }, p)
      emitProposalFailed(this.#ctx, p.id, failure)
    }
  }

  /** End-block: deposit periods that ended, then voting periods that ended, by end time then id (block time ≥ end). */
  endBlock(): void {
    const now = this.#ctx.block.time
    for (const id of this.#books.due('deposit', now)) this.#endDepositPeriod(this.#proposal(id))
    for (const id of this.#books.due('voting', now)) this.#endVotingPeriod(this.#proposal(id))
  }

  /** The gov account's balance of the bond denomination. */
  held(): bigint {
    return this.#ctx.keeper(BANK).balance(moduleAddress(GOV_ACCOUNT), this.#denom)
  }
}
