import { toHex } from '../../bytes.js'
import { encodeAddress } from '../../crypto/index.js'
import { x25519Shared } from '../../fl/x25519.js'
import { type Context, type MessageHandler, readParams } from '../../state/index.js'
import { EnvelopeBooks, keySetJson } from './envelope-books.js'
import { MsgSetEnvelopeKeys, type MsgSetEnvelopeKeysValue } from './envelope-messages.js'
import { currentRecipients, recipientDifference } from './envelope-recipients.js'
import { trainingError } from './errors.js'
import { emitEnvelopeKeysPublished } from './events.js'
import { SUBNETS } from './expected-keepers.js'
import { trainingParams } from './params.js'

// Any scalar: only whether the point is of low order matters (then every product is the identity).
const PROBE = new Uint8Array(32).fill(0x5a)

/**
 * The stateless checks of a key set (the message's and genesis'): A_e and W are not low-order
 * points (a key anyone could compute), no recipient key or label twice, no reader twice, and the
 * chain link present exactly after epoch 0. Throws ENVELOPE_INVALID_KEY_SET.
 */
export function checkKeySetShape(
  m: Pick<MsgSetEnvelopeKeysValue, 'epoch' | 'publicKey' | 'wrapPublicKey' | 'wraps' | 'previous' | 'readers'>,
): void {
  const bad = (reason: string) => trainingError('ENVELOPE_INVALID_KEY_SET', `key set of epoch ${m.epoch}: ${reason}`, { reason })
  if (x25519Shared(PROBE, m.publicKey) === null) throw bad('the epoch public key is a low-order point')
  if (x25519Shared(PROBE, m.wrapPublicKey) === null) throw bad('the wrapping key is a low-order point')
  const keys = new Set(m.wraps.map((w) => toHex(w.publicKey)))
  if (keys.size !== m.wraps.length) throw bad('a recipient key is wrapped for twice')
  if (new Set(m.wraps.map((w) => w.id)).size !== m.wraps.length) throw bad('a recipient label is used twice')
  if (new Set(m.readers.map(toHex)).size !== m.readers.length) throw bad('a reader is listed twice')
  if ((m.previous !== null) !== m.epoch > 0) throw bad('an epoch after 0 chains the previous epoch secret, epoch 0 none')
}

/**
 * MsgSetEnvelopeKeys: the subnet's admin publishes epoch e's key set. Epoch 0 makes the subnet
 * private (for good, like a DP policy: updates sealed from then on, plaintext refused); each
 * later epoch is the latest + 1 (ENVELOPE_WRONG_KEY_EPOCH otherwise). The wraps must be exactly
 * the current recipients (envelope-recipients.ts; ENVELOPE_BAD_RECIPIENTS names who is missing
 * or extra). The chain cannot see inside the wraps: a wrong wrap surfaces on the recipient that
 * holds it (ENVELOPE_BAD_WRAP, loud, node-local), and the admin is trusted to wrap correctly:
 * a garbage wrap stops that recipient's node at the subnet's next sealed update. So only an
 * account governance lists in training's `envelope_admins` may publish
 * (ENVELOPE_ADMIN_NOT_ALLOWED), checked after ENVELOPE_NOT_ADMIN.
 */
const setEnvelopeKeys: MessageHandler<MsgSetEnvelopeKeysValue> = {
  type: MsgSetEnvelopeKeys,
  validate: checkKeySetShape,
  handle(ctx, m, signer) {
    const subnet = ctx.keeper(SUBNETS).subnet(m.subnet)
    const at = { subnet: String(m.subnet), epoch: m.epoch }
    if (subnet === undefined) throw trainingError('UNKNOWN_SUBNET', `no subnet ${m.subnet}`, at)
    if (Buffer.compare(subnet.admin, signer.addressBytes) !== 0)
      throw trainingError('ENVELOPE_NOT_ADMIN', `${signer.address} is not subnet ${m.subnet}'s admin (${encodeAddress(subnet.admin)})`, at)
    const allowed = readParams(ctx.moduleStore(), trainingParams).envelopeAdmins
    if (!allowed.some((a) => Buffer.compare(a, signer.addressBytes) === 0))
      throw trainingError(
        'ENVELOPE_ADMIN_NOT_ALLOWED',
        `${signer.address} may not publish envelope key sets: governance lists ${allowed.length} account(s) in training's envelope_admins`,
        at,
      )
    const books = new EnvelopeBooks(ctx.moduleStore())
    const head = books.head(m.subnet)
    const expected = head === undefined ? 0 : head + 1
    if (m.epoch !== expected)
      throw trainingError('ENVELOPE_WRONG_KEY_EPOCH', `subnet ${m.subnet}'s next key set is epoch ${expected}, not ${m.epoch}`, {
        ...at,
        expected,
      })
    const { missing, extra } = recipientDifference(m, currentRecipients(ctx, m.subnet, m.readers))
    if (missing.length > 0 || extra.length > 0)
      throw trainingError(
        'ENVELOPE_BAD_RECIPIENTS',
        `the key set must wrap for exactly the current recipients; missing: ${missing.join(', ') || 'none'}; not recipients: ${extra.join(', ') || 'none'}`,
        { ...at, missing: missing.length, extra: extra.length },
      )
    const { subnet: _, epoch, ...keySet } = m
    books.publish(m.subnet, epoch, { ...keySet, height: BigInt(ctx.block.height) })
    emitEnvelopeKeysPublished(ctx, m.subnet, epoch, m.wraps.length)
  },
}

export const envelopeMessages: MessageHandler[] = [setEnvelopeKeys]

/**
 * ENVELOPE_KEY_SET_STALE unless the private subnet's latest key set still wraps for exactly the
 * current recipients: after a validator bonds or unbonds, or an aggregator joins or leaves,
 * nothing is sealed or opened in the subnet until the admin rotates (MsgSetEnvelopeKeys e + 1),
 * so no node ever has to open an envelope of an epoch it is not (yet) a recipient of.
 */
export function checkKeySetFresh(ctx: Context, subnet: bigint, epoch: number): void {
  const { missing, extra } = staleness(ctx, subnet, epoch)
  if (missing.length > 0 || extra.length > 0)
    throw trainingError(
      'ENVELOPE_KEY_SET_STALE',
      `subnet ${subnet}'s key set of epoch ${epoch} is stale (new: ${missing.join(', ') || 'none'}; gone: ${extra.join(', ') || 'none'}); its admin must rotate`,
      { subnet: String(subnet), epoch },
    )
}

function staleness(ctx: Context, subnet: bigint, epoch: number): { missing: string[]; extra: string[] } {
  const keySet = new EnvelopeBooks(ctx.moduleStore()).keySet(subnet, epoch)!
  return recipientDifference(keySet, currentRecipients(ctx, subnet, keySet.readers))
}

/**
 * The `envelopeKeys` query { subnet, epoch? } → { private: false } for a plain subnet, else
 * { private: true, latest_epoch, stale, key_set: KeySetJson (the epoch asked, by default the
 * latest) }; ENVELOPE_UNKNOWN_EPOCH for an epoch not published.
 */
export function envelopeKeysJson(ctx: Context, subnet: bigint, epoch: number | undefined) {
  const books = new EnvelopeBooks(ctx.moduleStore())
  const head = books.head(subnet)
  if (head === undefined) return { subnet: String(subnet), private: false, latest_epoch: null, stale: null, key_set: null }
  const chosen = epoch ?? head
  const keySet = books.keySet(subnet, chosen)
  if (keySet === undefined)
    throw trainingError('ENVELOPE_UNKNOWN_EPOCH', `subnet ${subnet} has key sets of epochs 0..${head}, not ${chosen}`, {
      subnet: String(subnet),
      epoch: chosen,
    })
  const { missing, extra } = staleness(ctx, subnet, head)
  const stale = missing.length > 0 || extra.length > 0
  return { subnet: String(subnet), private: true, latest_epoch: head, stale, key_set: keySetJson(subnet, chosen, keySet) }
}
