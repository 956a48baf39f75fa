import type { ConsensusMessage } from './messages.js'
import type { Address } from './types.js'

export interface FutureBufferLimits {
  /** All buffered messages together. */
  maxBytes: number
  /** Messages signed by one validator: one Byzantine signer cannot crowd out the others. */
  maxBytesPerSigner: number
}

/** Enough for a few large proposals per signer and every honest validator's next-height votes. */
export const DEFAULT_FUTURE_LIMITS: FutureBufferLimits = { maxBytes: 64 * 1024 * 1024, maxBytesPerSigner: 8 * 1024 * 1024 }

export interface BufferedMessage {
  peer: string
  message: ConsensusMessage
}

interface Entry extends BufferedMessage {
  signer: Address
  bytes: number
}

/** Fixed costs of the parts of a message that are not txs: header, signatures, framing. */
const HEADER_BYTES = 512
const VOTE_BYTES = 160
const EVIDENCE_BYTES = 2 * VOTE_BYTES

/**
 * What a message costs to hold, from its parts (no encoding: this runs before the message is
 * trusted). An upper bound of the encoded size up to the per-field overhead.
 */
export function messageBytes(message: ConsensusMessage): number {
  switch (message.type) {
    case 'vote':
      return VOTE_BYTES
    case 'status':
      return 16
    case 'proposal':
    case 'commit': {
      const { block } = message
      let bytes = HEADER_BYTES + block.evidence.length * EVIDENCE_BYTES + (block.lastCommit?.signatures.length ?? 0) * VOTE_BYTES
      for (const tx of block.txs) bytes += tx.length + 8
      return bytes + (message.type === 'commit' ? message.commit.signatures.length * VOTE_BYTES : 0)
    }
  }
}

/** The identity of a message for deduplication: one proposal per (height, round, proposer), one copy of a vote. */
function keyOf(message: ConsensusMessage): string | null {
  switch (message.type) {
    case 'proposal':
      return `p/${message.proposal.height}/${message.proposal.round}/${message.proposal.proposer}`
    case 'vote': {
      const v = message.vote
      return `v/${v.height}/${v.round}/${v.type}/${v.validator}/${v.valueId ?? ''}`
    }
    default:
      return null
  }
}

/**
 * Signed messages for the next height, held until the node gets there. Bounded in bytes, in
 * total and per signer (the caller has checked the signature, so a signer's share is its own);
 * a second proposal for one (height, round, proposer) and a repeated vote are refused.
 */
export class FutureBuffer {
  readonly #limits: FutureBufferLimits
  #entries: Entry[] = []
  #keys = new Set<string>()
  #bySigner = new Map<Address, number>()
  #bytes = 0

  constructor(limits: FutureBufferLimits = DEFAULT_FUTURE_LIMITS) {
    this.#limits = limits
  }

  get bytes(): number {
    return this.#bytes
  }

  get size(): number {
    return this.#entries.length
  }

  /** Holds a proposal or vote signed by `signer`; false when it is a repeat or over a bound. */
  add(peer: string, message: ConsensusMessage, signer: Address): boolean {
    const key = keyOf(message)
    if (key === null || this.#keys.has(key)) return false
    const bytes = messageBytes(message)
    const signerBytes = this.#bySigner.get(signer) ?? 0
    if (this.#bytes + bytes > this.#limits.maxBytes || signerBytes + bytes > this.#limits.maxBytesPerSigner) return false
    this.#keys.add(key)
    this.#bySigner.set(signer, signerBytes + bytes)
    this.#bytes += bytes
    this.#entries.push({ peer, message, signer, bytes })
    return true
  }

  /** Everything held, in arrival order; the buffer is empty afterwards. */
  drain(): BufferedMessage[] {
    const out = this.#entries.map(({ peer, message }) => ({ peer, message }))
    this.#entries = []
    this.#keys = new Set()
    this.#bySigner = new Map()
    this.#bytes = 0
    return out
  }
}
