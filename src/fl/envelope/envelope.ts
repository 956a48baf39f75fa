import { createCipheriv, createDecipheriv, createHash } from 'node:crypto'
import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { EnvelopeError } from './errors.js'

/**
 * Encrypted envelopes for private subnets (docs/privacy.md): an update blob is stored and
 * addressed (CID) only as ciphertext, readable by the holders of the subnet's current content key
 * — its aggregators and validators, to whom each key epoch's key is wrapped.
 *
 * Key set of epoch e (one per membership of the recipient set; a change rotates it):
 *   content key K_e = 32 random bytes;
 *   ephemeral X25519 key pair (a_e, A_e), one per epoch;
 *   per recipient r (its long-term X25519 key P_r, e.g. its ed25519 account key mapped to Curve25519):
 *     W_r = HKDF-SHA256(X25519(a_e, P_r), salt = context_e, info = "fedra/envelope/v1/wrap" ‖ P_r, 32)
 *     wrapped_r = AES-256-GCM(W_r, nonce = 12 zero bytes, aad = context_e ‖ P_r, K_e)   (48 bytes)
 *   context_e = SHA-256("fedra/envelope/v1/epoch" ‖ u64be subnet ‖ u32be e)
 *
 * Envelope of a blob under K_e (self-describing, one encoding):
 *   "FLE1" ‖ u8 version = 1 ‖ u8 0 ‖ u16be 0 ‖ u64be subnet ‖ u32be epoch ‖ nonce (12)
 *   ‖ AES-256-GCM(K_e, nonce, aad = the 32 header bytes, blob) ‖ tag (16)
 * The nonce is random (96 bits: unique per envelope with overwhelming probability for the 2^32
 * envelopes an epoch may seal at most). The blob's CID is that of these bytes.
 */
export interface Recipient {
  /** A label for errors and queries (an address). */
  readonly id: string
  readonly publicKey: Uint8Array
}

export interface KeySet {
  readonly subnet: bigint
  readonly epoch: number
  readonly ephemeralPublicKey: Uint8Array
  readonly recipients: readonly { id: string; publicKey: Uint8Array; wrapped: Uint8Array }[]
}

const MAGIC = [0x46, 0x4c, 0x45, 0x31] // "FLE1"
const HEADER_BYTES = 32
const TAG_BYTES = 16
const encoder = new TextEncoder()

function epochContext(subnet: bigint, epoch: number): Uint8Array {
  const bytes = new Uint8Array(12)
  const view = new DataView(bytes.buffer)
  view.setBigUint64(0, subnet)
  view.setUint32(8, epoch)
  return new Uint8Array(createHash('sha256').update('fedra/envelope/v1/epoch').update(bytes).digest())
}

function wrapKey(shared: Uint8Array, context: Uint8Array, recipient: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, context, Buffer.concat([encoder.encode('fedra/envelope/v1/wrap'), recipient]), 32)
}

function checkKey(key: Uint8Array, what: string): void {
  if (!(key instanceof Uint8Array) || key.length !== 32)
    throw new EnvelopeError('ENVELOPE_KEY_SET', `${what} must be 32 bytes`, { reason: what })
}

function gcmSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plain: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-256-gcm', key, nonce)
  cipher.setAAD(aad)
  return new Uint8Array(Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]))
}

function gcmOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  if (sealed.length < TAG_BYTES) return undefined
  const decipher = createDecipheriv('aes-256-gcm', key, nonce)
  decipher.setAAD(aad)
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
  try {
    return new Uint8Array(Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]))
  } catch {
    return undefined
  }
}

/**
 * Epoch `epoch`'s key set for `recipients` (at least one, each once), with a fresh content key:
 * the content key itself is returned for the sealer; only the key set is published.
 */
export function newKeySet(
  subnet: bigint,
  epoch: number,
  recipients: readonly Recipient[],
  randomBytes: (n: number) => Uint8Array,
): { keySet: KeySet; contentKey: Uint8Array } {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff)
    throw new EnvelopeError('ENVELOPE_KEY_SET', `epoch ${epoch} is not a u32`, { reason: 'epoch' })
  if (recipients.length === 0)
    throw new EnvelopeError('ENVELOPE_KEY_SET', 'a key set needs at least one recipient', { reason: 'no recipient' })
  const seen = new Set<string>()
  for (const r of recipients) {
    checkKey(r.publicKey, `${r.id}'s public key`)
    const hex = Buffer.from(r.publicKey).toString('hex')
    if (seen.has(hex) || seen.has(`id:${r.id}`))
      throw new EnvelopeError('ENVELOPE_KEY_SET', `recipient ${r.id} named twice`, { reason: 'duplicate recipient' })
    seen.add(hex).add(`id:${r.id}`)
  }
  const contentKey = randomBytes(32)
  const ephemeral = randomBytes(32)
  const context = epochContext(subnet, epoch)
  const wrapped = recipients.map((r) => {
    let shared: Uint8Array
    try {
      shared = x25519.getSharedSecret(ephemeral, r.publicKey)
    } catch (error) {
      throw new EnvelopeError(
        'ENVELOPE_KEY_SET',
        `${r.id}'s public key is a low-order point`,
        { reason: 'low-order key' },
        { cause: error },
      )
    }
    if (shared.every((b) => b === 0))
      throw new EnvelopeError('ENVELOPE_KEY_SET', `${r.id}'s public key is a low-order point`, { reason: 'low-order key' })
    return {
      id: r.id,
      publicKey: Uint8Array.from(r.publicKey),
      wrapped: gcmSeal(wrapKey(shared, context, r.publicKey), new Uint8Array(12), Buffer.concat([context, r.publicKey]), contentKey),
    }
  })
  return { keySet: { subnet, epoch, ephemeralPublicKey: x25519.getPublicKey(ephemeral), recipients: wrapped }, contentKey }
}

/**
 * Key rotation on membership change: epoch e + 1 with a fresh content key for the new recipient
 * set. A removed member keeps what it could read before (the old epochs' envelopes) and cannot
 * read anything sealed from now on; an added member cannot read the old epochs unless it is given
 * those keys.
 */
export function rotateKeySet(
  previous: KeySet,
  recipients: readonly Recipient[],
  randomBytes: (n: number) => Uint8Array,
): { keySet: KeySet; contentKey: Uint8Array } {
  return newKeySet(previous.subnet, previous.epoch + 1, recipients, randomBytes)
}

/** Whether the recipient set differs from the key set's (then the sealer must rotate). */
export function membershipChanged(keySet: KeySet, recipients: readonly Recipient[]): boolean {
  const key = (p: Uint8Array) => Buffer.from(p).toString('hex')
  const now = new Set(recipients.map((r) => key(r.publicKey)))
  return now.size !== keySet.recipients.length || keySet.recipients.some((r) => !now.has(key(r.publicKey)))
}

/** The content key of `keySet` for the holder of `secretKey`: ENVELOPE_NO_KEY if it is no recipient, ENVELOPE_DECRYPT if its wrap does not open. */
export function unwrapContentKey(keySet: KeySet, secretKey: Uint8Array): Uint8Array {
  checkKey(secretKey, 'secret key')
  const publicKey = x25519.getPublicKey(secretKey)
  const entry = keySet.recipients.find((r) => Buffer.from(r.publicKey).equals(Buffer.from(publicKey)))
  if (entry === undefined)
    throw new EnvelopeError('ENVELOPE_NO_KEY', `this key is no recipient of epoch ${keySet.epoch} of subnet ${keySet.subnet}`, {
      recipient: Buffer.from(publicKey).toString('hex'),
      epoch: keySet.epoch,
    })
  const context = epochContext(keySet.subnet, keySet.epoch)
  const shared = x25519.getSharedSecret(secretKey, keySet.ephemeralPublicKey)
  const key = gcmOpen(wrapKey(shared, context, publicKey), new Uint8Array(12), Buffer.concat([context, publicKey]), entry.wrapped)
  if (key === undefined || key.length !== 32)
    throw new EnvelopeError('ENVELOPE_DECRYPT', `the wrapped content key of epoch ${keySet.epoch} does not open`, {
      what: 'content key',
      epoch: keySet.epoch,
    })
  return key
}

function header(subnet: bigint, epoch: number, nonce: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES)
  const view = new DataView(bytes.buffer)
  bytes.set(MAGIC, 0)
  view.setUint8(4, 1)
  view.setBigUint64(8, subnet)
  view.setUint32(16, epoch)
  bytes.set(nonce, 20)
  return bytes
}

/** `blob` sealed under the epoch's content key. */
export function sealEnvelope(keySet: KeySet, contentKey: Uint8Array, blob: Uint8Array, randomBytes: (n: number) => Uint8Array): Uint8Array {
  checkKey(contentKey, 'content key')
  const nonce = randomBytes(12)
  const head = header(keySet.subnet, keySet.epoch, nonce)
  return new Uint8Array(Buffer.concat([head, gcmSeal(contentKey, nonce, head, blob)]))
}

/** The envelope's subnet and epoch (what a reader needs to pick the key set), or ENVELOPE_MALFORMED. */
export function envelopeHeader(bytes: Uint8Array): { subnet: bigint; epoch: number } {
  if (bytes.length < HEADER_BYTES + TAG_BYTES)
    throw new EnvelopeError('ENVELOPE_MALFORMED', `an envelope is at least ${HEADER_BYTES + TAG_BYTES} bytes`, { reason: 'short' })
  for (let i = 0; i < 4; i++)
    if (bytes[i] !== MAGIC[i]) throw new EnvelopeError('ENVELOPE_MALFORMED', 'not an envelope (magic)', { reason: 'magic' })
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint8(4) !== 1)
    throw new EnvelopeError('ENVELOPE_MALFORMED', `unknown envelope version ${view.getUint8(4)}`, { reason: 'version' })
  if (view.getUint8(5) !== 0 || view.getUint16(6) !== 0)
    throw new EnvelopeError('ENVELOPE_MALFORMED', 'reserved bytes must be zero', { reason: 'reserved' })
  return { subnet: view.getBigUint64(8), epoch: view.getUint32(16) }
}

/** The blob inside `bytes`, for a recipient of the envelope's epoch. */
export function openEnvelope(bytes: Uint8Array, keySet: KeySet, secretKey: Uint8Array): Uint8Array {
  const { subnet, epoch } = envelopeHeader(bytes)
  if (subnet !== keySet.subnet || epoch !== keySet.epoch)
    throw new EnvelopeError(
      'ENVELOPE_WRONG_EPOCH',
      `the envelope is of epoch ${epoch} (subnet ${subnet}); the key set is epoch ${keySet.epoch} (subnet ${keySet.subnet})`,
      { envelope: epoch, keySet: keySet.epoch },
    )
  const contentKey = unwrapContentKey(keySet, secretKey)
  const blob = gcmOpen(contentKey, bytes.subarray(20, 32), bytes.subarray(0, HEADER_BYTES), bytes.subarray(HEADER_BYTES))
  if (blob === undefined)
    throw new EnvelopeError('ENVELOPE_DECRYPT', 'the envelope does not authenticate: altered bytes or another key', {
      what: 'envelope',
      epoch,
    })
  return blob
}
