import { decodeStored, encode } from '../../codec/index.js'
import type { KVStore } from '../../state/index.js'
import * as K from './keys.js'
import {
  AggregateRejection,
  type AggregateRejectionValue,
  ModelVersion,
  type ModelVersionValue,
  RoundRecord,
  type RoundValue,
  SubnetProgress,
  type SubnetProgressValue,
  UpdateRecord,
  type UpdateValue,
} from './messages.js'

export interface UpdateView extends UpdateValue {
  trainer: Uint8Array
}

export interface RejectionView extends AggregateRejectionValue {
  aggregator: Uint8Array
}

/** Training's raw books, as stored (keys.ts). Internal to the module; rounds.ts and handler.ts put the rules on top. */
export class TrainingBooks {
  readonly #store: KVStore

  constructor(store: KVStore) {
    this.#store = store
  }

  cursor(): bigint {
    const raw = this.#store.get(K.CURSOR_KEY)
    return raw === undefined ? 0n : K.readU64(raw)
  }

  setCursor(id: bigint): void {
    this.#store.set(K.CURSOR_KEY, K.u64Bytes(id))
  }

  progress(subnet: bigint): SubnetProgressValue | undefined {
    const raw = this.#store.get(K.progressKey(subnet))
    return raw === undefined ? undefined : decodeStored(SubnetProgress, raw)
  }

  setProgress(subnet: bigint, value: SubnetProgressValue): void {
    this.#store.set(K.progressKey(subnet), encode(SubnetProgress, value))
  }

  *allProgress(): Generator<{ subnet: bigint; progress: SubnetProgressValue }> {
    for (const [key, raw] of this.#store.iterate(K.ALL_PROGRESS)) yield { subnet: K.parseProgressKey(key), progress: decodeStored(SubnetProgress, raw) }
  }

  round(subnet: bigint, round: bigint): RoundValue | undefined {
    const raw = this.#store.get(K.roundKey(subnet, round))
    return raw === undefined ? undefined : decodeStored(RoundRecord, raw)
  }

  setRound(value: RoundValue): void {
    this.#store.set(K.roundKey(value.subnet, value.round), encode(RoundRecord, value))
  }

  /** One subnet's rounds, in order. */
  *rounds(subnet: bigint): Generator<RoundValue> {
    for (const [, raw] of this.#store.iterate(K.roundsOf(subnet))) yield decodeStored(RoundRecord, raw)
  }

  *allRounds(): Generator<RoundValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_ROUNDS)) yield decodeStored(RoundRecord, raw)
  }

  update(subnet: bigint, round: bigint, trainer: Uint8Array): UpdateValue | undefined {
    const raw = this.#store.get(K.updateKey(subnet, round, trainer))
    return raw === undefined ? undefined : decodeStored(UpdateRecord, raw)
  }

  setUpdate(subnet: bigint, round: bigint, trainer: Uint8Array, value: UpdateValue): void {
    this.#store.set(K.updateKey(subnet, round, trainer), encode(UpdateRecord, value))
  }

  /** One round's updates, in trainer-address order (the canonical order of an aggregate). */
  updates(subnet: bigint, round: bigint): UpdateView[] {
    return [...this.#store.iterate(K.updatesOf(subnet, round))].map(([key, raw]) => ({ ...decodeStored(UpdateRecord, raw), trainer: K.parseUpdateKey(key).trainer }))
  }

  *allUpdates(): Generator<UpdateView & { subnet: bigint; round: bigint }> {
    for (const [key, raw] of this.#store.iterate(K.ALL_UPDATES)) {
      const { subnet, round, trainer } = K.parseUpdateKey(key)
      yield { ...decodeStored(UpdateRecord, raw), trainer, subnet, round }
    }
  }

  version(subnet: bigint, version: bigint): ModelVersionValue | undefined {
    const raw = this.#store.get(K.versionKey(subnet, version))
    return raw === undefined ? undefined : decodeStored(ModelVersion, raw)
  }

  setVersion(value: ModelVersionValue): void {
    this.#store.set(K.versionKey(value.subnet, value.version), encode(ModelVersion, value))
  }

  /** One subnet's versions, in order. */
  versions(subnet: bigint): ModelVersionValue[] {
    return [...this.#store.iterate(K.versionsOf(subnet))].map(([, raw]) => decodeStored(ModelVersion, raw))
  }

  *allVersions(): Generator<ModelVersionValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_VERSIONS)) yield decodeStored(ModelVersion, raw)
  }

  schedule(height: bigint, subnet: bigint, phase: K.ScheduledPhase): void {
    this.#store.set(K.scheduleKey(height, subnet), K.phaseBytes(phase))
  }

  unschedule(height: bigint, subnet: bigint): void {
    this.#store.delete(K.scheduleKey(height, subnet))
  }

  /** The changes due at `height`, by subnet id: only this height's entries are read. */
  dueAt(height: bigint): { subnet: bigint; phase: K.ScheduledPhase }[] {
    return [...this.#store.iterate(K.scheduledAt(height))].map(([key, value]) => K.parseScheduleEntry(key, value))
  }

  *allScheduled(): Generator<{ height: bigint; subnet: bigint; phase: K.ScheduledPhase }> {
    for (const [key, value] of this.#store.iterate(K.ALL_SCHEDULED)) yield K.parseScheduleEntry(key, value)
  }

  rejection(subnet: bigint, round: bigint, aggregator: Uint8Array): AggregateRejectionValue | undefined {
    const raw = this.#store.get(K.rejectionKey(subnet, round, aggregator))
    return raw === undefined ? undefined : decodeStored(AggregateRejection, raw)
  }

  setRejection(subnet: bigint, round: bigint, aggregator: Uint8Array, value: AggregateRejectionValue): void {
    this.#store.set(K.rejectionKey(subnet, round, aggregator), encode(AggregateRejection, value))
  }

  rejections(subnet: bigint, round: bigint): RejectionView[] {
    return [...this.#store.iterate(K.rejectionsOf(subnet, round))].map(([key, raw]) => ({ ...decodeStored(AggregateRejection, raw), aggregator: K.parseRejectionKey(key).aggregator }))
  }

  *allRejections(): Generator<RejectionView & { subnet: bigint; round: bigint }> {
    for (const [key, raw] of this.#store.iterate(K.ALL_REJECTIONS)) {
      const { subnet, round, aggregator } = K.parseRejectionKey(key)
      yield { ...decodeStored(AggregateRejection, raw), aggregator, subnet, round }
    }
  }
}
