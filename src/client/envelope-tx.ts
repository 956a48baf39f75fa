import { encode } from '../codec/index.js'
import { MAX_ENVELOPE_READERS, MAX_ENVELOPE_RECIPIENTS, MsgSetEnvelopeKeys } from '../modules/training/envelope-messages.js'
import { bytes32, invalid, u64 } from './inputs.js'

type Id = bigint | number | string

/** A key set as the envelope library makes it (src/fl/envelope: newKeySet, rotateKeySet), the public part only. */
export interface EnvelopeKeySetInput {
  subnet: Id
  epoch: number
  publicKey: Uint8Array
  wrapPublicKey: Uint8Array
  wraps: readonly { id: string; publicKey: Uint8Array; wrapped: Uint8Array }[]
  previous?: Uint8Array
}

/** Builders for training's envelope messages (merged into `messages`, src/client/tx.ts). */
export const envelopeMessages = {
  /**
   * training/MsgSetEnvelopeKeys: the subnet admin's key set of one epoch (docs/privacy.md), with
   * the ed25519 keys of the readers it was made for (32 bytes or 64 hex digits each). The chain
   * checks the recipients against its own view; the sizes are checked here.
   */
  trainingSetEnvelopeKeys(keySet: EnvelopeKeySetInput, readers: readonly (Uint8Array | string)[]): Uint8Array {
    if (!Number.isInteger(keySet.epoch) || keySet.epoch < 0 || keySet.epoch > 0xffff_ffff) invalid('epoch', 'epoch: expected a u32')
    if (keySet.wraps.length < 1 || keySet.wraps.length > MAX_ENVELOPE_RECIPIENTS)
      invalid('wraps', `wraps: 1 to ${MAX_ENVELOPE_RECIPIENTS} recipients`)
    if (readers.length > MAX_ENVELOPE_READERS) invalid('readers', `readers: at most ${MAX_ENVELOPE_READERS}`)
    return encode(MsgSetEnvelopeKeys, {
      subnet: u64(keySet.subnet, 'subnet'),
      epoch: keySet.epoch,
      publicKey: bytes32(keySet.publicKey, 'publicKey'),
      wrapPublicKey: bytes32(keySet.wrapPublicKey, 'wrapPublicKey'),
      wraps: keySet.wraps.map((w) => ({ id: w.id, publicKey: bytes32(w.publicKey, 'wraps.publicKey'), wrapped: w.wrapped })),
      previous: keySet.previous ?? null,
      readers: readers.map((r, i) => bytes32(r, `readers[${i}]`)),
    })
  },
}
