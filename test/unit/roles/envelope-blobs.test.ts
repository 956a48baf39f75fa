import assert from 'node:assert/strict'
import { toHex } from '../../../src/bytes.js'
import type { FedraClient } from '../../../src/client/index.js'
import { PrivateKey } from '../../../src/crypto/index.js'
import { type KeySet, newKeySet, openEnvelopeAs, rotateKeySet } from '../../../src/fl/envelope/index.js'
import { x25519OfEd25519, x25519SecretOfEd25519Seed } from '../../../src/fl/x25519.js'
import { keySetJson } from '../../../src/modules/training/envelope-books.js'
import { blobCid } from '../../../src/modules/training/index.js'
import { EnvelopeBlobs } from '../../../src/roles/envelope-blobs.js'
import { ENVELOPE_GAS_PER_RECIPIENT, sealedUpdate, updateBytesFor } from '../../../src/roles/envelope-seal.js'
import { RoleError } from '../../../src/roles/errors.js'
import { seededBytes } from '../fl/secagg/support.js'

const random = seededBytes('envelope roles')
const key = (i: number) => PrivateKey.fromSeed(new Uint8Array(32).fill(i))
const recipient = (i: number) => ({ id: `k${i}`, publicKey: x25519OfEd25519(key(i).publicKey.bytes)! })
const blob = Uint8Array.from({ length: 200 }, (_, i) => (i * 7) % 251)

/** subnet_envelopeKeys over a list of published key sets (none: a plain subnet). */
function chainOf(sets: KeySet[]): FedraClient {
  const call = async (method: string, params: { subnet: string; epoch?: string }) => {
    assert.equal(method, 'subnet_envelopeKeys')
    if (sets.length === 0) return { height: '1', subnet: params.subnet, private: false, latest_epoch: null, stale: null, key_set: null }
    const set = sets[params.epoch === undefined ? sets.length - 1 : Number(params.epoch)]!
    const record = { ...set, wraps: [...set.wraps], previous: set.previous ?? null, readers: [], height: 1n }
    return {
      height: '1',
      subnet: params.subnet,
      private: true,
      latest_epoch: sets.length - 1,
      stale: false,
      key_set: keySetJson(set.subnet, set.epoch, record),
    }
  }
  return { call } as unknown as FedraClient
}

function storeOf(entries: Uint8Array[]) {
  const map = new Map(entries.map((b) => [blobCid(b), b]))
  return { get: async (cid: string) => map.get(cid)!, put: async (b: Uint8Array) => blobCid(b) }
}

describe('daemons and envelopes: the trainer seals, recipients open', () => {
  const epoch0 = newKeySet(3n, 0, [recipient(1), recipient(2)], random)
  const epoch1 = rotateKeySet(epoch0.keySet, epoch0.epochSecret, [recipient(1), recipient(2), recipient(3)], random)

  it('a trainer stores its blob as is in a plain subnet and sealed to the latest epoch in a private one', async () => {
    assert.deepEqual(await updateBytesFor(chainOf([]), 3n, blob, random), blob)
    const sealed = await updateBytesFor(chainOf([epoch0.keySet, epoch1.keySet]), 3n, blob, random)
    assert.equal(toHex(sealed).includes(toHex(blob.subarray(0, 16))), false)
    assert.deepEqual(openEnvelopeAs(sealed, epoch1.keySet, x25519SecretOfEd25519Seed(key(3).exportSeed())), blob)
  })

  it("a sealed update's gas limit grows with the key set's recipients (the chain's staleness check reads each); a plain one's does not", async () => {
    assert.equal((await sealedUpdate(chainOf([]), 3n, blob, random)).extraGas, 0n)
    assert.equal((await sealedUpdate(chainOf([epoch0.keySet]), 3n, blob, random)).extraGas, 2n * ENVELOPE_GAS_PER_RECIPIENT)
    assert.equal((await sealedUpdate(chainOf([epoch0.keySet, epoch1.keySet]), 3n, blob, random)).extraGas, 3n * ENVELOPE_GAS_PER_RECIPIENT)
  })

  it('a recipient reads envelopes opened (an epoch before it joined through the chain) and plain blobs as stored; a stranger gets ENVELOPE_UNREADABLE', async () => {
    const sealed0 = await updateBytesFor(chainOf([epoch0.keySet]), 3n, blob, random)
    const plain = Uint8Array.of(1, 2, 3)
    const client = chainOf([epoch0.keySet, epoch1.keySet])
    const joiner = new EnvelopeBlobs(storeOf([sealed0, plain]), client, key(3))
    assert.deepEqual(await joiner.get(blobCid(sealed0)), blob)
    assert.deepEqual(await joiner.get(blobCid(plain)), plain)
    const stranger = new EnvelopeBlobs(storeOf([sealed0]), client, key(9))
    await assert.rejects(
      () => stranger.get(blobCid(sealed0)),
      (e: unknown) => e instanceof RoleError && e.code === 'ENVELOPE_UNREADABLE' && e.context.code === 'ENVELOPE_NO_KEY',
    )
    const tampered = Uint8Array.from(sealed0)
    tampered[tampered.length - 1]! ^= 1
    await assert.rejects(
      () => new EnvelopeBlobs(storeOf([tampered]), client, key(1)).get(blobCid(tampered)),
      (e: unknown) => e instanceof RoleError && e.context.code === 'ENVELOPE_DECRYPT',
    )
  })
})
