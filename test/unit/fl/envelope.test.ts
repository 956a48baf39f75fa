import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ed25519 } from '@noble/curves/ed25519.js'
import { BlobStore, formatCid } from '../../../src/blobs/index.js'
import {
  EnvelopeError,
  type EnvelopeErrorCode,
  envelopeHeader,
  membershipChanged,
  newKeySet,
  openEnvelope,
  openEnvelopeAs,
  previousEpochSecret,
  rotateKeySet,
  sealEnvelope,
  unwrapEpochSecret,
} from '../../../src/fl/envelope/index.js'
import { encodeUpdateBlob } from '../../../src/fl/update/blob.js'
import { seededBytes } from './secagg/support.js'

/** A node's long-term X25519 key: its ed25519 account key mapped to Curve25519. */
function node(i: number) {
  const seed = new Uint8Array(32).fill(i + 1)
  return {
    id: `node${i}`,
    publicKey: ed25519.utils.toMontgomery(ed25519.getPublicKey(seed)),
    secretKey: ed25519.utils.toMontgomerySecret(seed),
  }
}

function codeOf(fn: () => unknown): EnvelopeErrorCode | 'OK' {
  try {
    fn()
  } catch (error) {
    if (error instanceof EnvelopeError) return error.code
    throw error
  }
  return 'OK'
}

describe("encrypted envelopes: update blobs only the subnet's aggregators and validators can read", function () {
  this.timeout(20_000)
  const random = seededBytes('envelopes')
  const [aggregator, validator, outsider, joiner] = [node(1), node(2), node(3), node(4)]
  const update = encodeUpdateBlob({
    dtype: 'int16',
    shape: [4096],
    scale: 16384,
    values: Int32Array.from({ length: 4096 }, (_, i) => ((i * 37) % 2001) - 1000),
  })
  let dir: string
  let store: BlobStore

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedra-envelopes-'))
    store = new BlobStore({ directory: join(dir, 'blobs'), maxBytes: 1 << 26, maxBlobBytes: 1 << 24, gcGraceMs: 1000 })
    await store.open()
  })
  afterEach(async () => {
    await store.close().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  })

  it('a trainer seals to the public key alone; every recipient opens the stored envelope, no other node; the CID is of the ciphertext, which holds no run of the plaintext', async () => {
    const { keySet, epochSecret } = newKeySet(7n, 0, [aggregator, validator], random)
    // the sealer is given only the public part: no secret
    const sealed = sealEnvelope({ subnet: keySet.subnet, epoch: keySet.epoch, publicKey: keySet.publicKey }, update, random)
    const put = await store.put(sealed)
    const stored = await store.get(put.cid)
    assert.deepEqual(openEnvelopeAs(stored, keySet, aggregator.secretKey), update)
    assert.deepEqual(openEnvelopeAs(stored, keySet, validator.secretKey), update)
    // every recipient unwraps the same epoch secret: the verdict on an envelope is the same on all of them
    assert.deepEqual(unwrapEpochSecret(keySet, aggregator.secretKey), epochSecret)
    assert.deepEqual(unwrapEpochSecret(keySet, validator.secretKey), epochSecret)
    assert.equal(
      codeOf(() => openEnvelopeAs(stored, keySet, outsider.secretKey)),
      'ENVELOPE_NO_KEY',
    )
    // an outsider that copies a recipient's wrap under its own public key still cannot unwrap it
    const forged = { ...keySet, wraps: [...keySet.wraps, { ...keySet.wraps[0]!, id: 'forged', publicKey: outsider.publicKey }] }
    assert.equal(
      codeOf(() => openEnvelopeAs(stored, forged, outsider.secretKey)),
      'ENVELOPE_BAD_WRAP',
    )
    assert.notEqual(formatCid(put.cid), formatCid((await store.put(update)).cid))
    const haystack = Buffer.from(stored)
    for (let at = 0; at + 16 <= update.length; at += 1)
      assert.equal(haystack.indexOf(Buffer.from(update.subarray(at, at + 16))), -1, `plaintext bytes ${at}.. appear in the envelope`)
    // the same blob sealed twice: different ciphertexts (fresh ephemeral key), both open
    const again = sealEnvelope(keySet, update, random)
    assert.notDeepEqual(again, sealed)
    assert.deepEqual(openEnvelope(again, keySet, epochSecret), update)
  })

  it("a trainer cannot open another trainer's envelope: its own ephemeral keys and the wraps give it nothing", () => {
    const { keySet } = newKeySet(7n, 0, [aggregator, validator], random)
    const trainer = node(9)
    const sealed = sealEnvelope(keySet, update, random)
    assert.equal(
      codeOf(() => openEnvelopeAs(sealed, keySet, trainer.secretKey)),
      'ENVELOPE_NO_KEY',
    )
    // nor with its long-term key taken as the epoch secret
    assert.equal(
      codeOf(() => openEnvelope(sealed, keySet, trainer.secretKey)),
      'ENVELOPE_BAD_WRAP',
    )
  })

  it('a wrap for a wrong key is caught loudly (ENVELOPE_BAD_WRAP), not taken for an envelope that does not open', () => {
    const good = newKeySet(7n, 0, [aggregator, validator], random)
    const other = newKeySet(7n, 0, [aggregator, validator], random)
    // the admin publishes epoch 0's public key with another epoch secret's wraps (a planted bug)
    const planted = { ...good.keySet, wrapPublicKey: other.keySet.wrapPublicKey, wraps: other.keySet.wraps }
    const sealed = sealEnvelope(planted, update, random)
    assert.equal(
      codeOf(() => unwrapEpochSecret(planted, validator.secretKey)),
      'ENVELOPE_BAD_WRAP',
    )
    assert.equal(
      codeOf(() => openEnvelopeAs(sealed, planted, validator.secretKey)),
      'ENVELOPE_BAD_WRAP',
    )
    // an envelope sealed to another epoch key of the same number does not open: a verdict on the envelope
    const foreign = sealEnvelope(other.keySet, update, random)
    assert.equal(
      codeOf(() => openEnvelope(foreign, good.keySet, good.epochSecret)),
      'ENVELOPE_DECRYPT',
    )
  })

  it('rotates when membership changes: a removed node reads nothing sealed after; a node added later reads every earlier epoch through the chain', () => {
    const first = newKeySet(7n, 0, [aggregator, validator, outsider], random)
    const before = sealEnvelope(first.keySet, update, random)
    assert.deepEqual(openEnvelopeAs(before, first.keySet, outsider.secretKey), update)
    const members = [aggregator, validator, joiner]
    assert.equal(membershipChanged(first.keySet, members), true)
    assert.equal(membershipChanged(first.keySet, [validator, outsider, aggregator]), false, 'order does not matter')
    const second = rotateKeySet(first.keySet, first.epochSecret, members, random)
    assert.equal(second.keySet.epoch, 1)
    assert.notDeepEqual(second.epochSecret, first.epochSecret)
    const after = sealEnvelope(second.keySet, update, random)
    assert.deepEqual(envelopeHeader(after), { subnet: 7n, epoch: 1 })
    // the removed node: no wrap in epoch 1, and its epoch-0 secret is no key for epoch 1
    assert.equal(
      codeOf(() => openEnvelopeAs(after, second.keySet, outsider.secretKey)),
      'ENVELOPE_NO_KEY',
    )
    assert.equal(
      codeOf(() => openEnvelopeAs(after, first.keySet, outsider.secretKey)),
      'ENVELOPE_WRONG_EPOCH',
    )
    assert.equal(
      codeOf(() => openEnvelope(after, second.keySet, unwrapEpochSecret(first.keySet, outsider.secretKey))),
      'ENVELOPE_BAD_WRAP',
    )
    // the joiner: no wrap in epoch 0, but epoch 1 chains epoch 0's secret
    assert.equal(
      codeOf(() => openEnvelopeAs(before, first.keySet, joiner.secretKey)),
      'ENVELOPE_NO_KEY',
    )
    const joinerSecret = unwrapEpochSecret(second.keySet, joiner.secretKey)
    assert.deepEqual(openEnvelope(after, second.keySet, joinerSecret), update)
    assert.deepEqual(openEnvelope(before, first.keySet, previousEpochSecret(second.keySet, joinerSecret)), update)
    // rotation needs the right previous secret
    assert.equal(
      codeOf(() => rotateKeySet(first.keySet, second.epochSecret, members, random)),
      'ENVELOPE_BAD_WRAP',
    )
    const tampered = { ...second.keySet, previous: second.keySet.previous!.slice() }
    tampered.previous[3]! ^= 1
    assert.equal(
      codeOf(() => previousEpochSecret(tampered, second.epochSecret)),
      'ENVELOPE_BAD_WRAP',
    )
    assert.equal(
      codeOf(() => previousEpochSecret(first.keySet, first.epochSecret)),
      'ENVELOPE_KEY_SET',
    )
  })

  it('refuses malformed input with a typed error: altered bytes, short or foreign blobs, bad key sets', () => {
    const { keySet, epochSecret } = newKeySet(7n, 0, [aggregator], random)
    const sealed = sealEnvelope(keySet, update, random)
    for (const at of [10, 17, 25, 40, 60, sealed.length - 1]) {
      const altered = sealed.slice()
      altered[at]! ^= 1
      assert.equal(
        codeOf(() => openEnvelope(altered, keySet, epochSecret)),
        at === 10 || at === 17 ? 'ENVELOPE_WRONG_EPOCH' : 'ENVELOPE_DECRYPT',
        `byte ${at}`,
      )
    }
    assert.equal(
      codeOf(() => openEnvelope(sealed.subarray(0, 60), keySet, epochSecret)),
      'ENVELOPE_MALFORMED',
    )
    assert.equal(
      codeOf(() => openEnvelope(update, keySet, epochSecret)),
      'ENVELOPE_MALFORMED',
    )
    const version = sealed.slice()
    version[4] = 1
    assert.equal(
      codeOf(() => envelopeHeader(version)),
      'ENVELOPE_MALFORMED',
    )
    const reserved = sealed.slice()
    reserved[6] = 1
    assert.equal(
      codeOf(() => envelopeHeader(reserved)),
      'ENVELOPE_MALFORMED',
    )
    const lowOrder = sealed.slice()
    lowOrder.fill(0, 20, 52)
    assert.equal(
      codeOf(() => openEnvelope(lowOrder, keySet, epochSecret)),
      'ENVELOPE_DECRYPT',
    )
    assert.equal(
      codeOf(() => newKeySet(7n, 0, [], random)),
      'ENVELOPE_KEY_SET',
    )
    assert.equal(
      codeOf(() => newKeySet(7n, 0, [aggregator, aggregator], random)),
      'ENVELOPE_KEY_SET',
    )
    assert.equal(
      codeOf(() => newKeySet(7n, 0, [{ id: 'x', publicKey: new Uint8Array(31) }], random)),
      'ENVELOPE_KEY_SET',
    )
    assert.equal(
      codeOf(() => newKeySet(7n, 0, [{ id: 'x', publicKey: new Uint8Array(32) }], random)),
      'ENVELOPE_KEY_SET',
    )
    assert.equal(
      codeOf(() => newKeySet(7n, -1, [aggregator], random)),
      'ENVELOPE_KEY_SET',
    )
    assert.equal(
      codeOf(() => newKeySet(7n, 1, [aggregator], random)),
      'ENVELOPE_KEY_SET',
    )
    assert.equal(
      codeOf(() => sealEnvelope({ ...keySet, publicKey: new Uint8Array(32) }, update, random)),
      'ENVELOPE_KEY_SET',
    )
    assert.equal(
      codeOf(() => openEnvelope(sealed, keySet, new Uint8Array(5))),
      'ENVELOPE_KEY_SET',
    )
  })
})
