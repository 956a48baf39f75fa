import { createHash } from 'node:crypto'

/**
 * What Fedra puts on a gossip topic around the application's payload.
 *
 * Messages are unsigned at the libp2p level (StrictNoSign: payloads are already ed25519-signed
 * by the application, and a second signature per hop would only cost CPU), so the message id
 * has to come from the content. But the application re-publishes identical payloads on purpose
 * while consensus is stuck, and a content id alone would make every peer drop those as
 * duplicates for seenTTL. So each publish gets an 8-byte big-endian sequence in front of the
 * payload: the id covers it, validate/deliver never see it.
 */
export const SEQUENCE_BYTES = 8

/** The id is 20 bytes of sha256 (as in Ethereum's gossip): plenty against accidental collisions. */
const MESSAGE_ID_BYTES = 20

/**
 * A per-host publish counter. It starts from the wall clock shifted left by 20 bits, so a host
 * that restarts within seenTTL does not reuse the sequence (and so the ids) of its previous
 * run unless it published over a million messages per millisecond.
 */
export class GossipSequence {
  #next: bigint

  constructor(nowMs: number) {
    this.#next = BigInt(Math.max(0, Math.floor(nowMs))) << 20n
  }

  next(): bigint {
    const value = this.#next
    this.#next = (this.#next + 1n) & 0xffff_ffff_ffff_ffffn
    return value
  }
}

export function sealGossip(sequence: bigint, payload: Uint8Array): Uint8Array {
  const data = new Uint8Array(SEQUENCE_BYTES + payload.length)
  new DataView(data.buffer).setBigUint64(0, sequence)
  data.set(payload, SEQUENCE_BYTES)
  return data
}

/** The payload of a gossip message, or null when it is too short to carry a sequence. */
export function openGossip(data: Uint8Array): Uint8Array | null {
  if (data.length < SEQUENCE_BYTES) return null
  // A plain Uint8Array view even when the decoder handed out a Buffer.
  return new Uint8Array(data.buffer, data.byteOffset + SEQUENCE_BYTES, data.length - SEQUENCE_BYTES)
}

/**
 * Content-based message id over (topic, sequence + payload). The topic is included because
 * gossipsub keeps one seen-cache for all topics.
 */
export function gossipMessageId(topic: string, data: Uint8Array): Uint8Array {
  const hash = createHash('sha256').update(topic).update(SEPARATOR).update(data).digest()
  return new Uint8Array(hash.buffer, hash.byteOffset, MESSAGE_ID_BYTES)
}

const SEPARATOR = new Uint8Array([0])
