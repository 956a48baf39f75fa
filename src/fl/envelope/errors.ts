import { FedraError } from '../../errors.js'

/** Failures of encrypted envelopes (STYLE §2), each with its own context. */
export interface EnvelopeErrorContexts {
  /** Not an envelope: short, wrong magic or version, a field out of range. */
  ENVELOPE_MALFORMED: { reason: string }
  /** The envelope's key epoch or subnet is not the key set's. */
  ENVELOPE_WRONG_EPOCH: { envelope: number; keySet: number }
  /** The reader is not among the key set's recipients. */
  ENVELOPE_NO_KEY: { recipient: string; epoch: number }
  /** The envelope does not authenticate under the epoch's key: altered bytes or sealed to another key. */
  ENVELOPE_DECRYPT: { what: 'envelope'; epoch: number }
  /** The reader's wrap does not open or yields a secret that is not the epoch's: node-local, loud. */
  ENVELOPE_BAD_WRAP: { epoch: number }
  /** A key set with no recipient, a recipient twice, or a key that is not 32 bytes. */
  ENVELOPE_KEY_SET: { reason: string }
}

export type EnvelopeErrorCode = keyof EnvelopeErrorContexts

export class EnvelopeError<C extends EnvelopeErrorCode = EnvelopeErrorCode> extends FedraError<C, EnvelopeErrorContexts[C]> {
  constructor(code: C, message: string, context: EnvelopeErrorContexts[C], options?: { cause?: unknown }) {
    super(code, message, context, options)
  }
}
