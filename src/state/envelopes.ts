import { StateError } from './errors.js'

/**
 * An epoch's key set as the envelope library takes it (src/fl/envelope KeySet, the same shape),
 * declared here so that the framework imports no FL code.
 */
export interface EnvelopeKeySet {
  readonly subnet: bigint
  readonly epoch: number
  readonly publicKey: Uint8Array
  readonly wrapPublicKey: Uint8Array
  readonly wraps: readonly { readonly id: string; readonly publicKey: Uint8Array; readonly wrapped: Uint8Array }[]
  readonly previous?: Uint8Array
}

/**
 * The node-local opener of a private subnet's update envelopes, beside the BlobReader
 * (docs/privacy.md "Encrypted envelopes"): it holds this node's own keys (the consensus key, any
 * reader key), unwraps each epoch's secret once and opens envelopes with it. Whether an envelope
 * opens is the same on every recipient (they share the epoch secret), so the handler may turn
 * ENVELOPE_MALFORMED, ENVELOPE_WRONG_EPOCH and ENVELOPE_DECRYPT into a tx refusal; ENVELOPE_NO_KEY
 * and ENVELOPE_BAD_WRAP are this node's own failure and must stop it (StateError
 * ENVELOPE_UNREADABLE: the block is not executed).
 */
export interface EnvelopeOpener {
  /**
   * The blob inside `envelope`, sealed to the epoch of `keySets[0]`; the later epochs' key sets
   * follow in order, so a node added after that epoch reaches its secret back through the chain.
   * @throws EnvelopeError (src/fl/envelope/errors.ts)
   */
  open(envelope: Uint8Array, keySets: readonly EnvelopeKeySet[]): Uint8Array
}

/** The opener of work with no keys (mempool checks, queries, nodes built without one). */
export const NO_ENVELOPES: EnvelopeOpener = {
  open() {
    throw new StateError('ENVELOPE_UNREADABLE', 'this execution holds no envelope keys', {})
  },
}
