import type { BlobCid } from './cid.js'
import { formatCid } from './cid.js'
import { BlobError, type BlobErrorCode } from './errors.js'
import type { BlobExchange } from './exchange.js'
import type { BlobStore } from './store.js'

/** What ensureAvailable found: every blob local, or the ones that are not and why. */
export type AvailabilityVerdict = { available: true } | { available: false; missing: { cid: string; code: BlobErrorCode }[] }

/** Blobs loaded for one block's execution: synchronous, local reads only (DESIGN §5). */
export interface ExecutionBlobs {
  /** @throws BlobError NOT_FOUND for a CID the block did not declare (execution must not reach the network). */
  get(cid: BlobCid): Uint8Array
}

/**
 * Data availability for block execution (DESIGN §5). The proposer calls `holds` before it puts a
 * tx referencing blobs into a block; a validator calls `ensureAvailable` with the block's
 * referenced CIDs and its prevote deadline before it executes, and prevotes nil unless the
 * verdict is available; execution then reads through `load`, which never fetches.
 */
export class DataAvailability {
  readonly #store: BlobStore
  readonly #exchange: BlobExchange
  readonly #now: () => number

  constructor(store: BlobStore, exchange: BlobExchange, now: () => number = Date.now) {
    this.#store = store
    this.#exchange = exchange
    this.#now = now
  }

  /**
   * Whether every blob is local now, answered from memory: a proposer reaping the mempool
   * (synchronously) leaves out a tx whose blobs this is false for.
   */
  holds(cids: readonly BlobCid[]): boolean {
    return cids.every((cid) => this.#store.holdsNow(cid))
  }

  /** Fetches the missing blobs in parallel until `deadline` (a wall-clock ms). Never throws for a missing blob. */
  async ensureAvailable(cids: readonly BlobCid[], deadline: number): Promise<AvailabilityVerdict> {
    const missing: { cid: string; code: BlobErrorCode }[] = []
    await Promise.all(
      unique(cids).map(async (cid) => {
        if (this.#store.holdsNow(cid)) return
        const timeoutMs = Math.max(1, deadline - this.#now())
        try {
          await this.#exchange.fetch(cid, { timeoutMs })
        } catch (error) {
          if (!(error instanceof BlobError)) throw error
          missing.push({ cid: formatCid(cid), code: error.code })
        }
      }),
    )
    missing.sort((a, b) => (a.cid < b.cid ? -1 : a.cid > b.cid ? 1 : 0))
    return missing.length === 0 ? { available: true } : { available: false, missing }
  }

  /** Reads every declared blob from the local store into memory. @throws BlobError NOT_FOUND */
  async load(cids: readonly BlobCid[]): Promise<ExecutionBlobs> {
    const loaded = new Map<string, Uint8Array>()
    for (const cid of unique(cids)) loaded.set(formatCid(cid), await this.#store.get(cid))
    return {
      get(cid) {
        const bytes = loaded.get(formatCid(cid))
        if (bytes === undefined)
          throw new BlobError('NOT_FOUND', `${formatCid(cid)} was not declared by the block`, { cid: formatCid(cid) })
        return bytes
      },
    }
  }
}

function unique(cids: readonly BlobCid[]): BlobCid[] {
  const byKey = new Map<string, BlobCid>()
  for (const cid of cids) byKey.set(formatCid(cid), cid)
  return [...byKey.values()]
}

/** The verdict shape of consensus' Application.processBlock (kept structural: blobs does not import consensus). */
export interface BlockVerdict {
  valid: boolean
  reason?: string
}

export interface AvailabilityGateOptions<B> {
  availability: DataAvailability
  /** The CIDs a block's transactions reference (each module declares its messages' references). */
  referenced: (block: B) => BlobCid[]
  /** How long a validator may spend fetching before it must prevote: a part of the prevote timeout, ms. */
  budgetMs: number
  now?: () => number
}

/**
 * Wraps a processBlock so a block whose referenced blobs cannot be made local within the budget
 * is answered invalid (a nil prevote) without being executed, and one whose blobs are all local
 * is executed as before. Nothing is remembered here: asked again in a later round, it fetches
 * again, so a block becomes valid once its data appears — provided the caller asks again (the
 * consensus core keeps one validity per value and height; see docs/blobs.md).
 */
export function gateOnAvailability<B>(
  process: (block: B) => BlockVerdict | PromiseLike<BlockVerdict>,
  options: AvailabilityGateOptions<B>,
): (block: B) => Promise<BlockVerdict> {
  const now = options.now ?? Date.now
  return async (block) => {
    const cids = options.referenced(block)
    if (cids.length > 0) {
      const verdict = await options.availability.ensureAvailable(cids, now() + options.budgetMs)
      if (!verdict.available)
        return { valid: false, reason: `blobs unavailable: ${verdict.missing.map((m) => `${m.cid} (${m.code})`).join(', ')}` }
    }
    return process(block)
  }
}
