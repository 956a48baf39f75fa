// Encrypted envelopes' message and stored records (codec only, like messages.ts: the client builds
// the transaction from this file). Tags 2590–2594 of training's range.
import { t, type StructValue } from '../../codec/index.js'

/** Most recipients one key set wraps for (validators + aggregators + readers). */
export const MAX_ENVELOPE_RECIPIENTS = 256
/** Most reader keys an admin may list. */
export const MAX_ENVELOPE_READERS = 64
const key = t.fixedBytes(32)

/** One recipient's wrap of the epoch secret a_e (src/fl/envelope/envelope.ts KeyWrap): 32 bytes + GCM tag. */
export const EnvelopeWrap = t.struct('training/EnvelopeWrap', 2590, 1, {
  /** A label for errors and queries, chosen by the admin. */
  id: t.string({ max: 64, pattern: /^[\x21-\x7e]{1,64}$/ }),
  /** The recipient's X25519 key: its ed25519 key mapped to Curve25519. */
  publicKey: key,
  wrapped: t.fixedBytes(48),
})

/**
 * The subnet's admin publishes epoch `epoch`'s key set (the envelope library's KeySet). The first
 * key set (epoch 0) makes the subnet private for good; each later one is the previous epoch + 1
 * and chains a_{e-1} in `previous`. The wraps' keys must be exactly the recipients the chain
 * computes: the bonded validators' consensus keys, the subnet's aggregators' account keys and the
 * `readers` listed here (ed25519 keys of full nodes), each mapped to X25519.
 */
export const MsgSetEnvelopeKeys = t.struct('training/MsgSetEnvelopeKeys', 2591, 1, {
  subnet: t.u64,
  epoch: t.u32,
  publicKey: key,
  wrapPublicKey: key,
  wraps: t.array(EnvelopeWrap, { min: 1, max: MAX_ENVELOPE_RECIPIENTS }),
  previous: t.optional(t.fixedBytes(48)),
  readers: t.array(key, { max: MAX_ENVELOPE_READERS }),
})

/** An epoch's key set as stored, with the readers it was made for and the block that published it. */
export const EnvelopeKeySetRecord = t.struct('training/EnvelopeKeySet', 2592, 1, {
  publicKey: key,
  wrapPublicKey: key,
  wraps: t.array(EnvelopeWrap, { min: 1, max: MAX_ENVELOPE_RECIPIENTS }),
  previous: t.optional(t.fixedBytes(48)),
  readers: t.array(key, { max: MAX_ENVELOPE_READERS }),
  height: t.u64,
})

/** A private subnet's latest epoch (present iff the subnet is private). */
export const EnvelopeHead = t.struct('training/EnvelopeHead', 2593, 1, {
  epoch: t.u32,
})

export type EnvelopeWrapValue = StructValue<typeof EnvelopeWrap.fields>
export type MsgSetEnvelopeKeysValue = StructValue<typeof MsgSetEnvelopeKeys.fields>
export type EnvelopeKeySetValue = StructValue<typeof EnvelopeKeySetRecord.fields>
