import type { BlobCid } from './cid.js'
import type { BlobStore } from './store.js'

/**
 * Pin labels: why state keeps a blob. A label names its owner so a retention policy can
 * release exactly its own pins (Datanet records and model versions are never released by
 * round; round updates are, once they fall out of the window).
 */
export const pinLabels = {
  /** A trainer's update in round `round` of subnet `subnet`. */
  roundUpdate: (subnet: string, round: number): string => `round:${subnet}:${round}`,
  /** A global model version (current and historic): kept for lineage. */
  model: (subnet: string, version: number): string => `model:${subnet}:${version}`,
  datanetRecord: (datanet: string, version: number): string => `datanet:${datanet}:${version}`,
  /** Put through RPC or CLI with pin: true. */
  user: 'user',
} as const

/**
 * Keeps the updates of the last `retainRounds` rounds of each subnet pinned: when subnet `subnet`
 * opens round `current`, pins of its rounds ≤ current − retainRounds are released, and those
 * blobs are collected by the next gc() once their grace period has passed.
 */
export class RoundRetention {
  readonly #store: BlobStore
  readonly #retainRounds: number

  constructor(store: BlobStore, retainRounds: number) {
    this.#store = store
    this.#retainRounds = retainRounds
  }

  pinUpdate(cid: BlobCid, subnet: string, round: number): Promise<void> {
    return this.#store.pin(cid, pinLabels.roundUpdate(subnet, round))
  }

  /** Returns how many pins were released. */
  roundOpened(subnet: string, current: number): Promise<number> {
    const prefix = `round:${subnet}:`
    const oldest = current - this.#retainRounds
    return this.#store.unpinWhere((label) => label.startsWith(prefix) && Number(label.slice(prefix.length)) <= oldest)
  }
}
