import { decodeStored, encode } from '../../codec/index.js'
import type { KVStore } from '../../state/index.js'
import * as K from './keys.js'
import {
  AggregateRejection,
  type AggregateRejectionValue,
  ContentSeen,
  type ContentSeenValue,
  UpdateRejection,
  type UpdateRejectionValue,
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

export interface UpdateRejectionView extends UpdateRejectionValue {
  trainer: Uint8Array
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
    for (const [key, raw] of this.#store.iterate(K.ALL_PROGRESS))
      yield { subnet: K.parseProgressKey(key), progress: decodeStored(SubnetProgress, raw) }
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
    return [...this.#store.iterate(K.updatesOf(subnet, round))].map(([key, raw]) => ({
      ...decodeStored(UpdateRecord, raw),
      trainer: K.parseUpdateKey(key).trainer,
    }))
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
    return [...this.#store.iterate(K.rejectionsOf(subnet, round))].map(([key, raw]) => ({
      ...decodeStored(AggregateRejection, raw),
      aggregator: K.parseRejectionKey(key).aggregator,
    }))
  }

  *allRejections(): Generator<RejectionView & { subnet: bigint; round: bigint }> {
    for (const [key, raw] of this.#store.iterate(K.ALL_REJECTIONS)) {
      const { subnet, round, aggregator } = K.parseRejectionKey(key)
      yield { ...decodeStored(AggregateRejection, raw), aggregator, subnet, round }
    }
  }

  /** Where an update with these exact bytes (its CID) was recorded in the subnet, if the index still holds it. */
  contentSeen(subnet: bigint, cid: string): ContentSeenValue | undefined {
    const raw = this.#store.get(K.contentKey(subnet, cid))
    return raw === undefined ? undefined : decodeStored(ContentSeen, raw)
  }

  setContentSeen(subnet: bigint, cid: string, value: ContentSeenValue): void {
    this.#store.set(K.contentKey(subnet, cid), encode(ContentSeen, value))
  }

  deleteContentSeen(subnet: bigint, cid: string): void {
    this.#store.delete(K.contentKey(subnet, cid))
  }

  *allContent(): Generator<ContentSeenValue & { subnet: bigint; cid: string }> {
    for (const [key, raw] of this.#store.iterate(K.ALL_CONTENT)) yield { ...decodeStored(ContentSeen, raw), ...K.parseContentKey(key) }
  }

  updateRejection(subnet: bigint, round: bigint, trainer: Uint8Array): UpdateRejectionValue | undefined {
    const raw = this.#store.get(K.updateRejectionKey(subnet, round, trainer))
    return raw === undefined ? undefined : decodeStored(UpdateRejection, raw)
  }

  setUpdateRejection(subnet: bigint, round: bigint, trainer: Uint8Array, value: UpdateRejectionValue): void {
    this.#store.set(K.updateRejectionKey(subnet, round, trainer), encode(UpdateRejection, value))
  }

  /** One round's rejected updates, in trainer-address order. */
  updateRejections(subnet: bigint, round: bigint): UpdateRejectionView[] {
    return [...this.#store.iterate(K.updateRejectionsOf(subnet, round))].map(([key, raw]) => ({
      ...decodeStored(UpdateRejection, raw),
      trainer: K.parseTrainerRoundKey(key).trainer,
    }))
  }

  *allUpdateRejections(): Generator<UpdateRejectionView & { subnet: bigint; round: bigint }> {
    for (const [key, raw] of this.#store.iterate(K.ALL_UPDATE_REJECTIONS)) {
      const { subnet, round, trainer } = K.parseTrainerRoundKey(key)
      yield { ...decodeStored(UpdateRejection, raw), trainer, subnet, round }
    }
  }

  setUpdateCopy(subnet: bigint, round: bigint, trainer: Uint8Array, bytes: Uint8Array): void {
    this.#store.set(K.updateCopyKey(subnet, round, trainer), bytes)
  }

  /** The blob bytes of a round's recorded updates kept for the near-copy test, in trainer-address order. */
  updateCopies(subnet: bigint, round: bigint): { trainer: Uint8Array; bytes: Uint8Array }[] {
    return [...this.#store.iterate(K.updateCopiesOf(subnet, round))].map(([key, bytes]) => ({
      trainer: K.parseTrainerRoundKey(key).trainer,
      bytes,
    }))
  }

  /** Deletes a round's copies; returns how many there were. */
  deleteUpdateCopies(subnet: bigint, round: bigint): number {
    const keys = [...this.#store.iterate(K.updateCopiesOf(subnet, round))].map(([key]) => key)
    for (const key of keys) this.#store.delete(key)
    return keys.length
  }

  *allUpdateCopies(): Generator<{ subnet: bigint; round: bigint; trainer: Uint8Array; bytes: Uint8Array }> {
    for (const [key, bytes] of this.#store.iterate(K.ALL_UPDATE_COPIES)) yield { ...K.parseTrainerRoundKey(key), bytes }
  }
}
