import { createCipheriv, createDecipheriv, createHash } from 'node:crypto'
import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesEqual, toHex } from '../../bytes.js'
import { x25519Shared } from '../x25519.js'
import { EnvelopeError } from './errors.js'

/**
 * Encrypted envelopes for private subnets (docs/privacy.md): an update blob is stored and
 * addressed (CID) only as ciphertext. Trainers seal; only the subnet's recipients (validators,
 * aggregators, listed readers) open.
 *
 * Epoch e of a subnet has one X25519 key pair (a_e, A_e), made by the subnet's admin.
 * The key set published for epoch e:
 *   A_e;
 *   per recipient r (long-term X25519 key P_r: its ed25519 key mapped to Curve25519), with one
 *   wrapping key pair (w, W) per key set:
 *     K_r = HKDF-SHA256(X25519(w, P_r), salt = context_e, info = "fedra/envelope/v2/wrap" ‖ P_r, 32)
 *     wrapped_r = AES-256-GCM(K_r, nonce = 12 zero bytes, aad = context_e ‖ P_r, a_e)   (48 bytes)
 *   previous (e > 0): AES-256-GCM(HKDF(a_e, salt = context_e, info = "fedra/envelope/v2/previous"),
 *     nonce = 0, aad = context_e, a_{e-1}) — so a holder of e reads every earlier epoch (a node
 *     joining later replays history), while a member removed at e holds nothing sealed from e on.
 *   context_e = SHA-256("fedra/envelope/v2/epoch" ‖ u64be subnet ‖ u32be e)
 *
 * Envelope (ECIES to A_e; the sealer needs no secret and cannot read other envelopes):
 *   header = "FLE1" ‖ u8 version = 2 ‖ 3 zero bytes ‖ u64be subnet ‖ u32be epoch ‖ E (32)   (52 bytes)
 *   with E = k·G for a fresh k per envelope, and
 *   key = HKDF-SHA256(X25519(k, A_e), salt = context_e, info = "fedra/envelope/v2/seal" ‖ E ‖ A_e, 32)
 *   body = AES-256-GCM(key, nonce = 12 zero bytes (the key is used once), aad = header, blob) ‖ tag
 * Every recipient holds the same a_e, so whether an envelope opens is the same on all of them:
 * block execution stays deterministic. The blob's CID is that of these bytes.
 */
export interface Recipient {
  /** A label for errors and queries (an address). */
  readonly id: string
  readonly publicKey: Uint8Array
}

export interface KeyWrap {
  readonly id: string
  readonly publicKey: Uint8Array
  readonly wrapped: Uint8Array
}

export interface KeySet {
  readonly subnet: bigint
  readonly epoch: number
  /** A_e: what trainers seal to. */
  readonly publicKey: Uint8Array
  /** W: the wrapping key pair's public half. */
  readonly wrapPublicKey: Uint8Array
  readonly wraps: readonly KeyWrap[]
  /** a_{e-1} under a key derived from a_e; absent at epoch 0. */
  readonly previous?: Uint8Array
}

/** The public part of a key set a sealer needs. */
export type SealingKey = Pick<KeySet, 'subnet' | 'epoch' | 'publicKey'>

const MAGIC = [0x46, 0x4c, 0x45, 0x31] // "FLE1"
const VERSION = 2
export const ENVELOPE_HEADER_BYTES = 52
const TAG_BYTES = 16
const ZERO_NONCE = new Uint8Array(12)
const encoder = new TextEncoder()

function epochContext(subnet: bigint, epoch: number): Uint8Array {
  const bytes = new Uint8Array(12)
  const view = new DataView(bytes.buffer)
  view.setBigUint64(0, subnet)
  view.setUint32(8, epoch)
  return new Uint8Array(createHash('sha256').update('fedra/envelope/v2/epoch').update(bytes).digest())
}

function derive(secret: Uint8Array, context: Uint8Array, label: string, ...parts: Uint8Array[]): Uint8Array {
  return hkdf(sha256, secret, context, Buffer.concat([encoder.encode(label), ...parts]), 32)
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

/** The key under which epoch e's key set carries a_{e-1}: derived from a_e, so only its holders open it. */
function chainKey(epochSecret: Uint8Array, context: Uint8Array): Uint8Array {
  return derive(epochSecret, context, 'fedra/envelope/v2/previous')
}

/** X25519 that refuses low-order points with `onLowOrder`'s error. */
function agree(secret: Uint8Array, publicKey: Uint8Array, onLowOrder: () => EnvelopeError): Uint8Array {
  const shared = x25519Shared(secret, publicKey)
  if (shared === null) throw onLowOrder()
  return shared
}

/**
 * Epoch `epoch`'s key set for `recipients` (at least one, each once) with a fresh epoch secret a_e,
 * returned for the admin only; `previousSecret` (a_{e-1}) is chained in when given.
 */
export function newKeySet(
  subnet: bigint,
  epoch: number,
  recipients: readonly Recipient[],
  randomBytes: (n: number) => Uint8Array,
  previousSecret?: Uint8Array,
): { keySet: KeySet; epochSecret: Uint8Array } {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff)
    throw new EnvelopeError('ENVELOPE_KEY_SET', `epoch ${epoch} is not a u32`, { reason: 'epoch' })
  if (recipients.length === 0)
    throw new EnvelopeError('ENVELOPE_KEY_SET', 'a key set needs at least one recipient', { reason: 'no recipient' })
  if (previousSecret !== undefined) checkKey(previousSecret, 'previous epoch secret')
  if ((previousSecret !== undefined) !== epoch > 0)
    throw new EnvelopeError('ENVELOPE_KEY_SET', 'an epoch after 0 chains the previous epoch secret, epoch 0 none', {
      reason: 'previous',
    })
  const seen = new Set<string>()
  for (const r of recipients) {
    checkKey(r.publicKey, `${r.id}'s public key`)
    if (seen.has(toHex(r.publicKey)) || seen.has(`id:${r.id}`))
      throw new EnvelopeError('ENVELOPE_KEY_SET', `recipient ${r.id} named twice`, { reason: 'duplicate recipient' })
    seen.add(toHex(r.publicKey)).add(`id:${r.id}`)
  }
  const epochSecret = randomBytes(32)
  const wrapSecret = randomBytes(32)
  const context = epochContext(subnet, epoch)
  const wraps = recipients.map((r) => {
    const shared = agree(
      wrapSecret,
      r.publicKey,
      () => new EnvelopeError('ENVELOPE_KEY_SET', `${r.id}'s public key is a low-order point`, { reason: 'low-order key' }),
    )
    const key = derive(shared, context, 'fedra/envelope/v2/wrap', r.publicKey)
    return {
      id: r.id,
      publicKey: Uint8Array.from(r.publicKey),
      wrapped: gcmSeal(key, ZERO_NONCE, Buffer.concat([context, r.publicKey]), epochSecret),
    }
  })
  const previous = previousSecret === undefined ? undefined : gcmSeal(chainKey(epochSecret, context), ZERO_NONCE, context, previousSecret)
  return {
    keySet: {
      subnet,
      epoch,
      publicKey: x25519.getPublicKey(epochSecret),
      wrapPublicKey: x25519.getPublicKey(wrapSecret),
      wraps,
      ...(previous === undefined ? {} : { previous }),
    },
    epochSecret,
  }
}

/**
 * Key rotation on membership change: epoch e + 1 with a fresh secret for the new recipient set,
 * chaining a_e in. A removed member keeps what it could read (epochs ≤ e) and reads nothing sealed
 * from e + 1 on; an added member reads every epoch through the chain.
 */
export function rotateKeySet(
  previous: KeySet,
  previousSecret: Uint8Array,
  recipients: readonly Recipient[],
  randomBytes: (n: number) => Uint8Array,
): { keySet: KeySet; epochSecret: Uint8Array } {
  checkSecret(previous, previousSecret)
  return newKeySet(previous.subnet, previous.epoch + 1, recipients, randomBytes, previousSecret)
}

/** Whether the recipient set differs from the key set's (then the admin must rotate). */
export function membershipChanged(keySet: KeySet, recipients: readonly Recipient[]): boolean {
  const now = new Set(recipients.map((r) => toHex(r.publicKey)))
  return now.size !== keySet.wraps.length || keySet.wraps.some((r) => !now.has(toHex(r.publicKey)))
}

/** ENVELOPE_BAD_WRAP unless `epochSecret` is the secret of `keySet`'s A_e. */
function checkSecret(keySet: KeySet, epochSecret: Uint8Array): void {
  checkKey(epochSecret, 'epoch secret')
  if (!bytesEqual(x25519.getPublicKey(epochSecret), keySet.publicKey))
    throw new EnvelopeError('ENVELOPE_BAD_WRAP', `the secret does not match epoch ${keySet.epoch}'s public key`, {
      epoch: keySet.epoch,
    })
}

/**
 * a_e for the holder of `secretKey`: ENVELOPE_NO_KEY if it is no recipient; ENVELOPE_BAD_WRAP if
 * its wrap does not open or yields a secret that is not A_e's (the admin wrapped it wrongly: a
 * node-local failure, to be reported loudly, never a verdict on an envelope).
 */
export function unwrapEpochSecret(keySet: KeySet, secretKey: Uint8Array): Uint8Array {
  checkKey(secretKey, 'secret key')
  const publicKey = x25519.getPublicKey(secretKey)
  const entry = keySet.wraps.find((r) => bytesEqual(r.publicKey, publicKey))
  if (entry === undefined)
    throw new EnvelopeError('ENVELOPE_NO_KEY', `this key is no recipient of epoch ${keySet.epoch} of subnet ${keySet.subnet}`, {
      recipient: toHex(publicKey),
      epoch: keySet.epoch,
    })
  const context = epochContext(keySet.subnet, keySet.epoch)
  const shared = agree(
    secretKey,
    keySet.wrapPublicKey,
    () => new EnvelopeError('ENVELOPE_BAD_WRAP', 'the wrapping key is a low-order point', { epoch: keySet.epoch }),
  )
  const secret = gcmOpen(
    derive(shared, context, 'fedra/envelope/v2/wrap', publicKey),
    ZERO_NONCE,
    Buffer.concat([context, publicKey]),
    entry.wrapped,
  )
  if (secret === undefined || secret.length !== 32)
    throw new EnvelopeError('ENVELOPE_BAD_WRAP', `the wrapped secret of epoch ${keySet.epoch} does not open`, { epoch: keySet.epoch })
  checkSecret(keySet, secret)
  return secret
}

/** a_{e-1} from epoch e's key set and a_e (ENVELOPE_BAD_WRAP if the chain does not open). */
export function previousEpochSecret(keySet: KeySet, epochSecret: Uint8Array): Uint8Array {
  checkSecret(keySet, epochSecret)
  if (keySet.previous === undefined)
    throw new EnvelopeError('ENVELOPE_KEY_SET', `epoch ${keySet.epoch} chains no previous epoch`, { reason: 'previous' })
  const context = epochContext(keySet.subnet, keySet.epoch)
  const secret = gcmOpen(chainKey(epochSecret, context), ZERO_NONCE, context, keySet.previous)
  if (secret === undefined || secret.length !== 32)
    throw new EnvelopeError('ENVELOPE_BAD_WRAP', `epoch ${keySet.epoch}'s previous-epoch secret does not open`, {
      epoch: keySet.epoch,
    })
  return secret
}

function header(subnet: bigint, epoch: number, ephemeral: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(ENVELOPE_HEADER_BYTES)
  const view = new DataView(bytes.buffer)
  bytes.set(MAGIC, 0)
  view.setUint8(4, VERSION)
  view.setBigUint64(8, subnet)
  view.setUint32(16, epoch)
  bytes.set(ephemeral, 20)
  return bytes
}

/** `blob` sealed to the epoch's public key A_e, with a fresh ephemeral key: no secret needed. */
export function sealEnvelope(key: SealingKey, blob: Uint8Array, randomBytes: (n: number) => Uint8Array): Uint8Array {
  checkKey(key.publicKey, 'epoch public key')
  const k = randomBytes(32)
  const ephemeral = x25519.getPublicKey(k)
  const shared = agree(
    k,
    key.publicKey,
    () => new EnvelopeError('ENVELOPE_KEY_SET', 'the epoch public key is a low-order point', { reason: 'low-order key' }),
  )
  const head = header(key.subnet, key.epoch, ephemeral)
  const aeadKey = derive(shared, epochContext(key.subnet, key.epoch), 'fedra/envelope/v2/seal', ephemeral, key.publicKey)
  return new Uint8Array(Buffer.concat([head, gcmSeal(aeadKey, ZERO_NONCE, head, blob)]))
}

/** The envelope's subnet and epoch (what a reader needs to pick the key set), or ENVELOPE_MALFORMED. */
export function envelopeHeader(bytes: Uint8Array): { subnet: bigint; epoch: number } {
  if (bytes.length < ENVELOPE_HEADER_BYTES + TAG_BYTES)
    throw new EnvelopeError('ENVELOPE_MALFORMED', `an envelope is at least ${ENVELOPE_HEADER_BYTES + TAG_BYTES} bytes`, {
      reason: 'short',
    })
  for (let i = 0; i < 4; i++)
    if (bytes[i] !== MAGIC[i]) throw new EnvelopeError('ENVELOPE_MALFORMED', 'not an envelope (magic)', { reason: 'magic' })
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint8(4) !== VERSION)
    throw new EnvelopeError('ENVELOPE_MALFORMED', `unknown envelope version ${view.getUint8(4)}`, { reason: 'version' })
  if (view.getUint8(5) !== 0 || view.getUint16(6) !== 0)
    throw new EnvelopeError('ENVELOPE_MALFORMED', 'reserved bytes must be zero', { reason: 'reserved' })
  return { subnet: view.getBigUint64(8), epoch: view.getUint32(16) }
}

/**
 * The blob inside `bytes`, given the epoch's key set and its secret a_e. The verdict depends only
 * on the bytes and a_e, which every recipient holds alike: ENVELOPE_MALFORMED, ENVELOPE_WRONG_EPOCH
 * or ENVELOPE_DECRYPT are the same on every node.
 */
export function openEnvelope(bytes: Uint8Array, keySet: KeySet, epochSecret: Uint8Array): Uint8Array {
  const { subnet, epoch } = envelopeHeader(bytes)
  if (subnet !== keySet.subnet || epoch !== keySet.epoch)
    throw new EnvelopeError(
      'ENVELOPE_WRONG_EPOCH',
      `the envelope is of epoch ${epoch} (subnet ${subnet}); the key set is epoch ${keySet.epoch} (subnet ${keySet.subnet})`,
      { envelope: epoch, keySet: keySet.epoch },
    )
  checkSecret(keySet, epochSecret)
  const ephemeral = bytes.subarray(20, ENVELOPE_HEADER_BYTES)
  const shared = agree(
    epochSecret,
    ephemeral,
    () => new EnvelopeError('ENVELOPE_DECRYPT', 'the envelope names a low-order ephemeral key', { what: 'envelope', epoch }),
  )
  const aeadKey = derive(shared, epochContext(subnet, epoch), 'fedra/envelope/v2/seal', ephemeral, keySet.publicKey)
  const blob = gcmOpen(aeadKey, ZERO_NONCE, bytes.subarray(0, ENVELOPE_HEADER_BYTES), bytes.subarray(ENVELOPE_HEADER_BYTES))
  if (blob === undefined)
    throw new EnvelopeError('ENVELOPE_DECRYPT', 'the envelope does not authenticate: altered bytes or another key', {
      what: 'envelope',
      epoch,
    })
  return blob
}

/** `openEnvelope` for a recipient holding its long-term key (unwraps a_e first). */
export function openEnvelopeAs(bytes: Uint8Array, keySet: KeySet, recipientSecretKey: Uint8Array): Uint8Array {
  envelopeHeader(bytes)
  return openEnvelope(bytes, keySet, unwrapEpochSecret(keySet, recipientSecretKey))
}
