import { decodeStored, encode } from '../../codec/index.js'
import { Dec, type KVStore } from '../../state/index.js'
import * as K from './keys.js'
import {
  BondRecord,
  Receipt,
  type ReceiptValue,
  ReputationRecord,
  type ReputationValue,
  ScoreCommit,
  type ScoreCommitValue,
  ValidatorStanding,
  type ValidatorStandingValue,
} from './messages.js'

export interface CommitView {
  subnet: bigint
  round: bigint
  validator: Uint8Array
  record: ScoreCommitValue
}

export interface ReputationView extends ReputationValue {
  subnet: bigint
  trainer: Uint8Array
}

export interface StandingView extends ValidatorStandingValue {
  subnet: bigint
  validator: Uint8Array
}

export interface BondView {
  subnet: bigint
  trainer: Uint8Array
  validator: Uint8Array
  bond: Dec
}

/** Reputation's raw books, as stored (keys.ts). Internal to the module; handler.ts and settlement.ts put the rules on top. */
export class ReputationBooks {
  readonly #store: KVStore

  constructor(store: KVStore) {
    this.#store = store
  }

  commit(subnet: bigint, round: bigint, validator: Uint8Array): ScoreCommitValue | undefined {
    const raw = this.#store.get(K.commitKey(subnet, round, validator))
    return raw === undefined ? undefined : decodeStored(ScoreCommit, raw)
  }

  setCommit(subnet: bigint, round: bigint, validator: Uint8Array, value: ScoreCommitValue): void {
    this.#store.set(K.commitKey(subnet, round, validator), encode(ScoreCommit, value))
  }

  /** One round's commitments, in validator-address order. */
  commits(subnet: bigint, round: bigint): CommitView[] {
    return [...this.#iterateCommits(K.commitsOf(subnet, round))]
  }

  allCommits(): Generator<CommitView> {
    return this.#iterateCommits(K.ALL_COMMITS)
  }

  *#iterateCommits(prefix: Uint8Array): Generator<CommitView> {
    for (const [key, raw] of this.#store.iterate(prefix)) yield { ...K.parseCommitKey(key), record: decodeStored(ScoreCommit, raw) }
  }

  receipt(subnet: bigint, round: bigint, trainer: Uint8Array): ReceiptValue | undefined {
    const raw = this.#store.get(K.receiptKey(subnet, round, trainer))
    return raw === undefined ? undefined : decodeStored(Receipt, raw)
  }

  /** Writes the receipt and its entry in the trainer's history index. */
  setReceipt(value: ReceiptValue): void {
    this.#store.set(K.receiptKey(value.subnet, value.round, value.trainer), encode(Receipt, value))
    this.#store.set(K.historyKey(value.subnet, value.trainer, value.round), K.PRESENT)
  }

  /** One round's receipts, in trainer-address order. */
  receipts(subnet: bigint, round: bigint): ReceiptValue[] {
    return [...this.#store.iterate(K.receiptsOf(subnet, round))].map(([, raw]) => decodeStored(Receipt, raw))
  }

  *allReceipts(): Generator<ReceiptValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_RECEIPTS)) yield decodeStored(Receipt, raw)
  }

  /** A trainer's receipts in a subnet, by round (through the history index). */
  history(subnet: bigint, trainer: Uint8Array): ReceiptValue[] {
    return [...this.#store.iterate(K.historyOf(subnet, trainer))].map(
      ([key]) => this.receipt(subnet, K.parseHistoryKey(key).round, trainer)!,
    )
  }

  *allHistory(): Generator<{ subnet: bigint; trainer: Uint8Array; round: bigint }> {
    for (const [key] of this.#store.iterate(K.ALL_HISTORY)) yield K.parseHistoryKey(key)
  }

  reputation(subnet: bigint, trainer: Uint8Array): ReputationValue | undefined {
    const raw = this.#store.get(K.reputationKey(subnet, trainer))
    return raw === undefined ? undefined : decodeStored(ReputationRecord, raw)
  }

  setReputation(subnet: bigint, trainer: Uint8Array, value: ReputationValue): void {
    this.#store.set(K.reputationKey(subnet, trainer), encode(ReputationRecord, value))
  }

  /** One subnet's reputations (all subnets' without `subnet`), in trainer-address order. */
  *reputations(subnet?: bigint): Generator<ReputationView> {
    const prefix = subnet === undefined ? K.ALL_REPUTATIONS : K.reputationsOf(subnet)
    for (const [key, raw] of this.#store.iterate(prefix)) yield { ...K.parseReputationKey(key), ...decodeStored(ReputationRecord, raw) }
  }

  standing(subnet: bigint, validator: Uint8Array): ValidatorStandingValue | undefined {
    const raw = this.#store.get(K.standingKey(subnet, validator))
    return raw === undefined ? undefined : decodeStored(ValidatorStanding, raw)
  }

  setStanding(subnet: bigint, validator: Uint8Array, value: ValidatorStandingValue): void {
    this.#store.set(K.standingKey(subnet, validator), encode(ValidatorStanding, value))
  }

  *standings(subnet?: bigint): Generator<StandingView> {
    const prefix = subnet === undefined ? K.ALL_STANDINGS : K.standingsOf(subnet)
    for (const [key, raw] of this.#store.iterate(prefix)) yield { ...K.parseStandingKey(key), ...decodeStored(ValidatorStanding, raw) }
  }

  bond(subnet: bigint, trainer: Uint8Array, validator: Uint8Array): Dec {
    const raw = this.#store.get(K.bondKey(subnet, trainer, validator))
    return raw === undefined ? Dec.ZERO : decodeStored(BondRecord, raw).bond
  }

  /** A zero bond is deleted: absent means 0. */
  setBond(subnet: bigint, trainer: Uint8Array, validator: Uint8Array, bond: Dec): void {
    if (bond.isZero()) this.#store.delete(K.bondKey(subnet, trainer, validator))
    else this.#store.set(K.bondKey(subnet, trainer, validator), encode(BondRecord, { bond }))
  }

  /** The bonds on one trainer (all bonds without `trainer`), in validator-address order. */
  *bonds(subnet?: bigint, trainer?: Uint8Array): Generator<BondView> {
    const prefix =
      subnet === undefined ? K.ALL_BONDS : trainer === undefined ? K.bondsOn(subnet, new Uint8Array(0)) : K.bondsOn(subnet, trainer)
    for (const [key, raw] of this.#store.iterate(prefix)) yield { ...K.parseBondKey(key), bond: decodeStored(BondRecord, raw).bond }
  }
}
