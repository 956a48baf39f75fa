import { decodeStored, encode } from '../../codec/index.js'
import type { KVStore } from '../../state/index.js'
import {
  ALL_MISSED_BLOCKS,
  ALL_SIGNING_INFOS,
  MISSED,
  WINDOW_KEY,
  missedBlockKey,
  missedBlocksOf,
  parseMissedBlockKey,
  parseSigningInfoKey,
  signingInfoKey,
} from './keys.js'
import { ValidatorSigningInfo, type ValidatorSigningInfoValue } from './messages.js'

/**
 * Slashing's raw books: signing infos and the sparse missed-blocks bitmap, as stored. Internal
 * to the module; liveness, evidence, the message server and genesis put the rules on top.
 */
export class SigningInfos {
  readonly #store: KVStore

  constructor(store: KVStore) {
    this.#store = store
  }

  get(consensusAddress: Uint8Array): ValidatorSigningInfoValue | undefined {
    const raw = this.#store.get(signingInfoKey(consensusAddress))
    return raw === undefined ? undefined : decodeStored(ValidatorSigningInfo, raw)
  }

  set(consensusAddress: Uint8Array, info: ValidatorSigningInfoValue): void {
    this.#store.set(signingInfoKey(consensusAddress), encode(ValidatorSigningInfo, info))
  }

  /** Deletes the signing info and every missed bit of the validator. */
  delete(consensusAddress: Uint8Array): void {
    this.#store.delete(signingInfoKey(consensusAddress))
    this.clearMissed(consensusAddress)
  }

  *all(): Generator<{ consensusAddress: Uint8Array; info: ValidatorSigningInfoValue }> {
    for (const [key, value] of this.#store.iterate(ALL_SIGNING_INFOS))
      yield { consensusAddress: parseSigningInfoKey(key), info: decodeStored(ValidatorSigningInfo, value) }
  }

  missed(consensusAddress: Uint8Array, index: bigint): boolean {
    return this.#store.get(missedBlockKey(consensusAddress, index)) !== undefined
  }

  setMissed(consensusAddress: Uint8Array, index: bigint, missed: boolean): void {
    if (missed) this.#store.set(missedBlockKey(consensusAddress, index), MISSED)
    else this.#store.delete(missedBlockKey(consensusAddress, index))
  }

  /** The window indexes at which the validator missed, ascending. */
  missedIndexes(consensusAddress: Uint8Array): bigint[] {
    const indexes: bigint[] = []
    for (const [key] of this.#store.iterate(missedBlocksOf(consensusAddress))) indexes.push(parseMissedBlockKey(key).index)
    return indexes
  }

  /** Deletes the validator's bitmap: as many keys as it has missed bits (at most the window). */
  clearMissed(consensusAddress: Uint8Array): void {
    // Collected first: deleting while iterating the same store is not something KVStore promises.
    const keys = [...this.#store.iterate(missedBlocksOf(consensusAddress))].map(([key]) => key)
    for (const key of keys) this.#store.delete(key)
  }

  /** The window the bitmaps are laid out in, once a block or genesis recorded one. */
  window(): bigint | undefined {
    const raw = this.#store.get(WINDOW_KEY)
    return raw === undefined ? undefined : new DataView(raw.buffer, raw.byteOffset, 8).getBigUint64(0)
  }

  setWindow(window: bigint): void {
    const bytes = new Uint8Array(8)
    new DataView(bytes.buffer).setBigUint64(0, window)
    this.#store.set(WINDOW_KEY, bytes)
  }

  /**
   * Lays the bitmaps out in a new window: every validator starts a fresh count (counter,
   * offset and bits cleared), as after a downtime jail. Bits of the old window would name
   * indexes the new one never revisits (a shrink) or skip (a growth); x/slashing leaves them
   * stale. Once per params change, costing one delete per stored missed bit.
   */
  resetWindows(window: bigint): void {
    for (const { consensusAddress, info } of [...this.all()]) {
      if (info.indexOffset !== 0n || info.missedBlocksCounter !== 0n)
        this.set(consensusAddress, { ...info, indexOffset: 0n, missedBlocksCounter: 0n })
      this.clearMissed(consensusAddress)
    }
    this.setWindow(window)
  }

  /** Every stored missed bit, in key order (invariants). */
  *allMissed(): Generator<{ consensusAddress: Uint8Array; index: bigint }> {
    for (const [key] of this.#store.iterate(ALL_MISSED_BLOCKS)) yield parseMissedBlockKey(key)
  }
}

/** The signing info of a validator first bonded at `height`. */
export const freshSigningInfo = (height: number): ValidatorSigningInfoValue => ({
  startHeight: BigInt(height),
  indexOffset: 0n,
  missedBlocksCounter: 0n,
  jailedUntil: 0n,
  tombstoned: false,
})
