import { EnvelopeError, envelopeHeader } from '../../fl/envelope/index.js'
import { type Context, StateError } from '../../state/index.js'
import { EnvelopeBooks, keySetOf } from './envelope-books.js'
import { checkKeySetFresh } from './envelope-keys.js'
import { trainingError } from './errors.js'

const ENVELOPE_MAGIC = [0x46, 0x4c, 0x45, 0x31] // "FLE1" (src/fl/envelope/envelope.ts)

const looksSealed = (bytes: Uint8Array): boolean => ENVELOPE_MAGIC.every((b, i) => bytes[i] === b)

/** Whether the subnet is private: its admin published a key set (envelope-keys.ts). */
export function isPrivateSubnet(ctx: Context, subnet: bigint): boolean {
  return new EnvelopeBooks(ctx.moduleStore()).head(subnet) !== undefined
}

/**
 * MsgSubmitUpdate's and MsgSubmitAggregate's check before they read a private subnet's updates:
 * ENVELOPE_KEY_SET_STALE while the latest key set no longer wraps for the current recipients.
 */
export function checkEnvelopeKeys(ctx: Context, subnet: bigint): void {
  const head = new EnvelopeBooks(ctx.moduleStore()).head(subnet)
  if (head !== undefined) checkKeySetFresh(ctx, subnet, head)
}

/**
 * The update blob a handler checks, from the stored bytes of an update: in a plain subnet the
 * bytes themselves (ENVELOPE_NOT_PRIVATE for an envelope: nobody could check it); in a private
 * one the blob inside the envelope, opened by this node's opener (ctx.block.envelopes).
 * `submitted`: the envelope must be of the latest epoch (a new update); otherwise (an aggregate's
 * inputs, the round's near-copy copies) of any published epoch, and a plaintext blob is one
 * recorded before the subnet became private. Refusals that are the same on every recipient: ENVELOPE_REQUIRED
 * (plaintext), ENVELOPE_MALFORMED, ENVELOPE_WRONG_EPOCH, ENVELOPE_DECRYPT. A key this node lacks
 * or a wrong wrap is StateError ENVELOPE_UNREADABLE: the node cannot execute the block.
 */
export function updateBlobOf(ctx: Context, subnet: bigint, bytes: Uint8Array, submitted: boolean): Uint8Array {
  const books = new EnvelopeBooks(ctx.moduleStore())
  const head = books.head(subnet)
  const at = { subnet: String(subnet) }
  if (head === undefined) {
    if (looksSealed(bytes))
      throw trainingError('ENVELOPE_NOT_PRIVATE', `subnet ${subnet} is not private: its updates are plain blobs, not envelopes`, at)
    return bytes
  }
  // A recorded update in plaintext was recorded before the first key set (every later one is
  // sealed): the round it belongs to still aggregates it as it is.
  if (!looksSealed(bytes) && !submitted) return bytes
  if (!looksSealed(bytes))
    throw trainingError('ENVELOPE_REQUIRED', `subnet ${subnet} is private: an update must be an envelope sealed to its epoch key`, at)
  let header: { subnet: bigint; epoch: number }
  try {
    header = envelopeHeader(bytes)
  } catch (error) {
    if (error instanceof EnvelopeError) throw trainingError('ENVELOPE_MALFORMED', error.plainMessage, { ...at, reason: error.code })
    throw error
  }
  if (header.subnet !== subnet || header.epoch > head || (submitted && header.epoch !== head))
    throw trainingError(
      'ENVELOPE_WRONG_EPOCH',
      `the envelope is sealed to epoch ${header.epoch} of subnet ${header.subnet}; subnet ${subnet} seals to epoch ${head}`,
      { ...at, epoch: header.epoch, expected: head },
    )
  const keySets = []
  for (let e = header.epoch; e <= head; e++) keySets.push(keySetOf(subnet, e, books.keySet(subnet, e)!))
  try {
    return ctx.block.envelopes.open(bytes, keySets)
  } catch (error) {
    if (!(error instanceof EnvelopeError)) throw error
    if (error.code === 'ENVELOPE_DECRYPT' || error.code === 'ENVELOPE_MALFORMED' || error.code === 'ENVELOPE_WRONG_EPOCH')
      throw trainingError(error.code, error.plainMessage, { ...at, epoch: header.epoch })
    // ENVELOPE_NO_KEY, ENVELOPE_BAD_WRAP, ENVELOPE_KEY_SET: this node's keys, not the envelope.
    throw new StateError(
      'ENVELOPE_UNREADABLE',
      `this node cannot open subnet ${subnet}'s envelopes of epoch ${header.epoch}: ${error.code}: ${error.plainMessage}`,
      {},
      { cause: error },
    )
  }
}
