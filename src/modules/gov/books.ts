import { decodeStored, encode } from '../../codec/index.js'
import type { KVStore } from '../../state/index.js'
import * as K from './keys.js'
import {
  AppliedUpgrade,
  type AppliedUpgradeValue,
  Deposit,
  Proposal,
  ProposalCounter,
  type ProposalValue,
  UpgradePlan,
  type UpgradePlanValue,
  Vote,
  type WeightedVoteOptionValue,
} from './messages.js'

/** A proposal is open while it is in one of the two queues: its deposits are held in the gov account. */
export const isOpen = (p: ProposalValue): boolean => p.status === 'deposit_period' || p.status === 'voting_period'

/**
 * Gov's raw books, as stored (keys.ts). Internal to the module; handler.ts and lifecycle.ts put
 * the rules on top. `setProposal` keeps the queues in step with the proposal's status and end
 * times, so no caller can leave a proposal in the wrong queue.
 */
export class GovBooks {
  readonly #store: KVStore

  constructor(store: KVStore) {
    this.#store = store
  }

  nextId(): bigint {
    const raw = this.#store.get(K.COUNTER_KEY)
    return raw === undefined ? 1n : decodeStored(ProposalCounter, raw).next
  }

  setNextId(next: bigint): void {
    this.#store.set(K.COUNTER_KEY, encode(ProposalCounter, { next }))
  }

  proposal(id: bigint): ProposalValue | undefined {
    const raw = this.#store.get(K.proposalKey(id))
    return raw === undefined ? undefined : decodeStored(Proposal, raw)
  }

  /** Writes `next`, moving it between queues as its status and end times say (`previous`: the record it replaces). */
  setProposal(next: ProposalValue, previous?: ProposalValue): void {
    if (previous !== undefined) this.#dequeue(previous)
    this.#store.set(K.proposalKey(next.id), encode(Proposal, next))
    if (next.status === 'deposit_period') this.#store.set(K.depositQueueKey(next.depositEndTime, next.id), K.PRESENT)
    if (next.status === 'voting_period') this.#store.set(K.votingQueueKey(next.votingEndTime!, next.id), K.PRESENT)
  }

  #dequeue(p: ProposalValue): void {
    if (p.status === 'deposit_period') this.#store.delete(K.depositQueueKey(p.depositEndTime, p.id))
    if (p.status === 'voting_period') this.#store.delete(K.votingQueueKey(p.votingEndTime!, p.id))
  }

  *proposals(): Generator<ProposalValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_PROPOSALS)) yield decodeStored(Proposal, raw)
  }

  /** Ids whose deposit period (queue 0x04) or voting period (queue 0x05) ends at or before `time`, by end time then id. */
  due(queue: 'deposit' | 'voting', time: bigint): bigint[] {
    const ids: bigint[] = []
    for (const [key] of this.#store.iterate(queue === 'deposit' ? K.DEPOSIT_QUEUE_PREFIX : K.VOTING_QUEUE_PREFIX)) {
      const { end, id } = K.parseQueueKey(key)
      if (end > time) break
      ids.push(id)
    }
    return ids
  }

  /** Every queue entry, for the invariants. */
  *queue(queue: 'deposit' | 'voting'): Generator<{ end: bigint; id: bigint }> {
    for (const [key] of this.#store.iterate(queue === 'deposit' ? K.DEPOSIT_QUEUE_PREFIX : K.VOTING_QUEUE_PREFIX))
      yield K.parseQueueKey(key)
  }

  deposit(id: bigint, depositor: Uint8Array): bigint {
    const raw = this.#store.get(K.depositKey(id, depositor))
    return raw === undefined ? 0n : decodeStored(Deposit, raw).amount
  }

  setDeposit(id: bigint, depositor: Uint8Array, amount: bigint): void {
    if (amount <= 0n) throw new Error(`gov books: a deposit of ${amount}`)
    this.#store.set(K.depositKey(id, depositor), encode(Deposit, { amount }))
  }

  /** A proposal's deposits (all of them, with `id` undefined), by proposal then depositor. */
  *deposits(id?: bigint): Generator<{ proposal: bigint; depositor: Uint8Array; amount: bigint }> {
    for (const [key, raw] of this.#store.iterate(id === undefined ? K.ALL_DEPOSITS : K.depositsOf(id))) {
      const { id: proposal, account } = K.parseAccountKey(key)
      yield { proposal, depositor: account, amount: decodeStored(Deposit, raw).amount }
    }
  }

  vote(id: bigint, voter: Uint8Array): WeightedVoteOptionValue[] | undefined {
    const raw = this.#store.get(K.voteKey(id, voter))
    return raw === undefined ? undefined : decodeStored(Vote, raw).options
  }

  setVote(id: bigint, voter: Uint8Array, options: WeightedVoteOptionValue[]): void {
    this.#store.set(K.voteKey(id, voter), encode(Vote, { options }))
  }

  /** A proposal's votes (all of them, with `id` undefined), by proposal then voter. */
  *votes(id?: bigint): Generator<{ proposal: bigint; voter: Uint8Array; options: WeightedVoteOptionValue[] }> {
    for (const [key, raw] of this.#store.iterate(id === undefined ? K.ALL_VOTES : K.votesOf(id))) {
      const { id: proposal, account } = K.parseAccountKey(key)
      yield { proposal, voter: account, options: decodeStored(Vote, raw).options }
    }
  }

  upgradePlan(): UpgradePlanValue | undefined {
    const raw = this.#store.get(K.PLAN_KEY)
    return raw === undefined ? undefined : decodeStored(UpgradePlan, raw)
  }

  setUpgradePlan(plan: UpgradePlanValue | undefined): void {
    if (plan === undefined) this.#store.delete(K.PLAN_KEY)
    else this.#store.set(K.PLAN_KEY, encode(UpgradePlan, plan))
  }

  /** The height upgrade `name` was applied at, if it was. */
  applied(name: string): bigint | undefined {
    const raw = this.#store.get(K.appliedKey(name))
    return raw === undefined ? undefined : decodeStored(AppliedUpgrade, raw).height
  }

  setApplied(upgrade: AppliedUpgradeValue): void {
    this.#store.set(K.appliedKey(upgrade.name), encode(AppliedUpgrade, upgrade))
  }

  /** Every upgrade done, by name (byte order). */
  *appliedUpgrades(): Generator<AppliedUpgradeValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_APPLIED)) yield decodeStored(AppliedUpgrade, raw)
  }
}
