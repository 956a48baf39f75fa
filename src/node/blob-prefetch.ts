import { BlobError, type BlobCid, type DataAvailability, formatCid, parseBlobCid } from '../blobs/index.js'
import type { Logger } from '../log/index.js'

export interface BlobPrefetchOptions<Tx = Uint8Array> {
  availability: DataAvailability
  /** The CIDs a transaction's messages declare (the node: Application.declaredBlobs of the admitted tx). */
  declared: (tx: Tx) => string[]
  /** How long one fetch may take before it is given up, ms. */
  timeoutMs: number
  /** Most fetches at once; more wait for a slot (a burst of updates must not open hundreds of streams). */
  concurrency: number
  log: Logger
  now?: () => number
}

/**
 * Makes a pending transaction's blobs local on every node that admits it, so that whichever
 * validator proposes next can include it (a proposer includes only transactions whose blobs it
 * holds: chain-app prepareBlock). Without this, an update stored on one node waits for that
 * node's turn to propose, and an aggregate, which declares the round's K updates and its base
 * model, waits for a node that happens to hold all of them. Fetches are deduplicated by CID and
 * bounded in number; a failure is logged and forgotten (the tx stays pending; the next admission
 * of a tx naming the CID tries again). Nothing here touches consensus: it only warms the store.
 */
export class BlobPrefetch<Tx = Uint8Array> {
  readonly #options: BlobPrefetchOptions<Tx>
  readonly #now: () => number
  readonly #inFlight = new Set<string>()
  readonly #queue: BlobCid[] = []
  #active = 0
  #stopped = false

  constructor(options: BlobPrefetchOptions<Tx>) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  /** Called on each mempool admission. */
  consider(tx: Tx): void {
    if (this.#stopped) return
    const { availability, declared } = this.#options
    for (const text of declared(tx)) {
      if (this.#inFlight.has(text)) continue
      let cid: BlobCid
      try {
        cid = parseBlobCid(text)
      } catch (error) {
        if (error instanceof BlobError) continue // the tx fails on chain with its own code
        throw error
      }
      if (availability.holds([cid])) continue
      this.#inFlight.add(text)
      this.#queue.push(cid)
    }
    this.#pump()
  }

  /** Pending fetches: queued or running. */
  get pending(): number {
    return this.#inFlight.size
  }

  stop(): void {
    this.#stopped = true
    this.#queue.length = 0
  }

  #pump(): void {
    while (!this.#stopped && this.#active < this.#options.concurrency && this.#queue.length > 0) {
      const cid = this.#queue.shift()!
      this.#active++
      void this.#fetch(cid).finally(() => {
        this.#active--
        this.#pump()
      })
    }
  }

  async #fetch(cid: BlobCid): Promise<void> {
    const text = formatCid(cid)
    try {
      const verdict = await this.#options.availability.ensureAvailable([cid], this.#now() + this.#options.timeoutMs)
      if (!verdict.available)
        this.#options.log.debug({ cid: text, missing: verdict.missing }, "prefetch of a pending transaction's blob failed")
    } catch (error) {
      this.#options.log.warn({ err: error, cid: text }, "prefetch of a pending transaction's blob threw")
    } finally {
      this.#inFlight.delete(text)
    }
  }
}
