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
  rotateKeySet,
  sealEnvelope,
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

  it('a stored envelope is readable by every recipient and by no other node; its CID is that of the ciphertext, which holds no run of the plaintext', async () => {
    const { keySet, contentKey } = newKeySet(7n, 0, [aggregator, validator], random)
    const sealed = sealEnvelope(keySet, contentKey, update, random)
    const put = await store.put(sealed)
    const stored = await store.get(put.cid)
    assert.deepEqual(openEnvelope(stored, keySet, aggregator.secretKey), update)
    assert.deepEqual(openEnvelope(stored, keySet, validator.secretKey), update)
    assert.equal(
      codeOf(() => openEnvelope(stored, keySet, outsider.secretKey)),
      'ENVELOPE_NO_KEY',
    )
    // an outsider that copies a recipient's wrapped key under its own public key still cannot unwrap it
    const forged = {
      ...keySet,
      recipients: [...keySet.recipients, { ...keySet.recipients[0]!, id: 'forged', publicKey: outsider.publicKey }],
    }
    assert.equal(
      codeOf(() => openEnvelope(stored, forged, outsider.secretKey)),
      'ENVELOPE_DECRYPT',
    )
    assert.notEqual(formatCid(put.cid), formatCid((await store.put(update)).cid))
    const haystack = Buffer.from(stored)
    for (let at = 0; at + 16 <= update.length; at += 512)
      assert.equal(haystack.indexOf(Buffer.from(update.subarray(at, at + 16))), -1, `plaintext bytes ${at}.. appear in the envelope`)
    // the same blob sealed twice: different ciphertexts (fresh nonce), both open
    const again = sealEnvelope(keySet, contentKey, update, random)
    assert.notDeepEqual(again, sealed)
    assert.deepEqual(openEnvelope(again, keySet, validator.secretKey), update)
  })

  it('rotates the key when membership changes: a removed node cannot read what is sealed after, a new one cannot read what was sealed before', () => {
    const first = newKeySet(7n, 0, [aggregator, validator, outsider], random)
    const before = sealEnvelope(first.keySet, first.contentKey, update, random)
    assert.deepEqual(openEnvelope(before, first.keySet, outsider.secretKey), update)
    const members = [aggregator, validator, joiner]
    assert.equal(membershipChanged(first.keySet, members), true)
    assert.equal(membershipChanged(first.keySet, [validator, outsider, aggregator]), false, 'order does not matter')
    const second = rotateKeySet(first.keySet, members, random)
    assert.equal(second.keySet.epoch, 1)
    assert.notDeepEqual(second.contentKey, first.contentKey)
    const after = sealEnvelope(second.keySet, second.contentKey, update, random)
    assert.deepEqual(envelopeHeader(after), { subnet: 7n, epoch: 1 })
    assert.equal(
      codeOf(() => openEnvelope(after, second.keySet, outsider.secretKey)),
      'ENVELOPE_NO_KEY',
    )
    assert.equal(
      codeOf(() => openEnvelope(after, first.keySet, outsider.secretKey)),
      'ENVELOPE_WRONG_EPOCH',
    )
    assert.equal(
      codeOf(() => openEnvelope(before, second.keySet, joiner.secretKey)),
      'ENVELOPE_WRONG_EPOCH',
    )
    assert.equal(
      codeOf(() => openEnvelope(before, first.keySet, joiner.secretKey)),
      'ENVELOPE_NO_KEY',
    )
    assert.deepEqual(openEnvelope(after, second.keySet, joiner.secretKey), update)
  })

  it('refuses malformed input with a typed error: altered bytes, short or foreign blobs, bad key sets', () => {
    const { keySet, contentKey } = newKeySet(7n, 0, [aggregator], random)
    const sealed = sealEnvelope(keySet, contentKey, update, random)
    for (const at of [10, 25, 40, sealed.length - 1]) {
      const altered = sealed.slice()
      altered[at]! ^= 1
      assert.equal(
        codeOf(() => openEnvelope(altered, keySet, aggregator.secretKey)),
        at === 10 ? 'ENVELOPE_WRONG_EPOCH' : 'ENVELOPE_DECRYPT',
        `byte ${at}`,
      )
    }
    assert.equal(
      codeOf(() => openEnvelope(sealed.subarray(0, 40), keySet, aggregator.secretKey)),
      'ENVELOPE_MALFORMED',
    )
    assert.equal(
      codeOf(() => openEnvelope(update, keySet, aggregator.secretKey)),
      'ENVELOPE_MALFORMED',
    )
    const version = sealed.slice()
    version[4] = 2
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
      codeOf(() => openEnvelope(sealed, keySet, new Uint8Array(5))),
      'ENVELOPE_KEY_SET',
    )
  })
})
