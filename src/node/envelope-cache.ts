import { ByteBudgetLru } from '../serving/lru.js'
import type { EnvelopeKeySet, EnvelopeOpener } from '../state/index.js'

/** Default bound of the opened blobs a node keeps, envelopes and blobs together: a round of 64 updates of 1M int32 parameters. */
export const OPENED_ENVELOPES_MAX_BYTES = 512 * 2 ** 20

// Bytes of the envelope that name a cache entry: its head (FLE1 header with the sender's random
// ephemeral key) and its tail (the AEAD tag). Two envelopes that share them are told apart by the
// full comparison on a hit, so they only cost a miss.
const HEAD_BYTES = 64
const TAIL_BYTES = 16

interface OpenedEnvelope {
  envelope: Uint8Array
  blob: Uint8Array
}

/**
 * A node's envelope opener that opens each envelope once: a private subnet's handlers read every
 * update of a round again for each new update's near-copy test and once more for its aggregate
 * (K updates: K + K(K−1)/2 + K opens without it), and a hit here answers those from memory.
 *
 * A hit changes nothing but speed, so execution is the same on a node whose cache is cold (just
 * restarted, evicted): an entry is the blob `inner` returned for these exact bytes (compared in
 * full on every hit) and the same epoch key set, and opening is a pure function of both (the
 * epoch's key set pins its secret, src/state/envelopes.ts); a failed open is not kept and fails
 * again; every hit returns a fresh copy, so a caller that writes into the blob it got changes no
 * later answer. Gas never reads this cache. Bounded by `maxBytes` (envelope and blob of each
 * entry), least recently used out first; a round larger than the bound misses on what it evicted.
 */
export class OpenedEnvelopeCache implements EnvelopeOpener {
  readonly #inner: EnvelopeOpener
  readonly #entries: ByteBudgetLru<OpenedEnvelope>

  constructor(inner: EnvelopeOpener, maxBytes = OPENED_ENVELOPES_MAX_BYTES) {
    this.#inner = inner
    this.#entries = new ByteBudgetLru(maxBytes, () => {})
  }

  /** Envelope and blob bytes held now. */
  get bytes(): number {
    return this.#entries.bytes
  }

  open(envelope: Uint8Array, keySets: readonly EnvelopeKeySet[]): Uint8Array {
    const key = entryKey(envelope, keySets)
    const hit = key === undefined ? undefined : this.#entries.peek(key)
    if (hit !== undefined && view(hit.envelope).equals(view(envelope))) {
      this.#entries.acquire(key!) // most recently used now
      this.#entries.release(key!)
      return Uint8Array.from(hit.blob)
    }
    const blob = this.#inner.open(envelope, keySets)
    if (key !== undefined) this.#keep(key, { envelope: Uint8Array.from(envelope), blob: Uint8Array.from(blob) })
    return blob
  }

  #keep(key: string, entry: OpenedEnvelope): void {
    const size = entry.envelope.byteLength + entry.blob.byteLength
    // One larger than the whole bound is not kept: inserted, it would first evict every other entry.
    if (size > this.#entries.maxBytes) return
    this.#entries.delete(key) // a twin under the same name: the newer one is kept
    this.#entries.insert(key, entry, size)
    this.#entries.release(key)
  }
}

const view = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/** The entry's name: the envelope's length, head and tail, and the subnet, epoch and public key of the key set it is sealed to. */
function entryKey(envelope: Uint8Array, keySets: readonly EnvelopeKeySet[]): string | undefined {
  const first = keySets[0]
  if (first === undefined || envelope.byteLength < HEAD_BYTES + TAIL_BYTES) return undefined
  const head = view(envelope.subarray(0, HEAD_BYTES)).toString('hex')
  const tail = view(envelope.subarray(envelope.byteLength - TAIL_BYTES)).toString('hex')
  return `${first.subnet}/${first.epoch}/${view(first.publicKey).toString('hex')}/${envelope.byteLength}/${head}/${tail}`
}
