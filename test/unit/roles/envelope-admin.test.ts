import assert from 'node:assert/strict'
import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { toHex } from '../../../src/bytes.js'
import { ClientError, type FedraClient, messages } from '../../../src/client/index.js'
import { PrivateKey } from '../../../src/crypto/index.js'
import { decode } from '../../../src/codec/index.js'
import { unwrapEpochSecret, previousEpochSecret } from '../../../src/fl/envelope/index.js'
import { x25519SecretOfEd25519Seed } from '../../../src/fl/x25519.js'
import { keySetJson } from '../../../src/modules/training/envelope-books.js'
import { MsgSetEnvelopeKeys } from '../../../src/modules/training/envelope-messages.js'
import { EnvelopeSecrets, nextEnvelopeKeys } from '../../../src/roles/envelope-admin.js'
import { keySetOfJson } from '../../../src/roles/envelope-keys-rpc.js'
import { RoleError } from '../../../src/roles/errors.js'
import { tempDir } from '../../helpers/chain.js'
import { seededBytes } from '../fl/secagg/support.js'

const key = (i: number) => PrivateKey.fromSeed(new Uint8Array(32).fill(i))
const secretOf = (i: number) => x25519SecretOfEd25519Seed(key(i).exportSeed())

/** The RPC answers the admin tool reads: one bonded validator (key 1), one aggregator (key 2), the published key sets. */
function chain(published: ReturnType<typeof keySetJson>[]): FedraClient {
  const answers: Record<string, (p: Record<string, string>) => unknown> = {
    staking_validators: () => ({ validators: [{ operator: 'fedravaloper1v', consensus_pubkey: key(1).publicKey.hex }] }),
    subnet_members: () => ({ members: [{ address: key(2).publicKey.address }] }),
    account_get: () => ({ publicKey: key(2).publicKey.hex }),
    subnet_envelopeKeys: () =>
      published.length === 0
        ? { private: false, latest_epoch: null, stale: null, key_set: null }
        : { private: true, latest_epoch: published.length - 1, stale: false, key_set: published.at(-1) },
  }
  return { call: async (method: string, params: Record<string, string>) => answers[method]!(params) } as unknown as FedraClient
}

describe("the subnet admin's key sets: recipients from chain state, epoch secrets kept, rotation chained", () => {
  const dir = tempDir()
  after(() => dir.remove())
  const random = seededBytes('envelope admin')

  it('makes epoch 0 for the validators, aggregators and readers, saves its secret (0600), then rotates to epoch 1 from it', async () => {
    const secrets = new EnvelopeSecrets(join(dir.path, 'secrets.json'))
    const reader = key(3).publicKey.bytes
    const first = await nextEnvelopeKeys(chain([]), 5n, secrets, [reader], random)
    assert.equal(first.keySet.epoch, 0)
    assert.deepEqual(
      first.keySet.wraps.map((w) => w.id.split(':')[0]),
      ['validator', 'aggregator', 'reader'],
    )
    assert.equal(statSync(join(dir.path, 'secrets.json')).mode & 0o777, 0o600)
    const decoded = decode(MsgSetEnvelopeKeys, first.message)
    assert.deepEqual([decoded.epoch, decoded.readers.map(toHex)], [0, [toHex(reader)]])
    for (const i of [1, 2, 3]) assert.deepEqual(unwrapEpochSecret(first.keySet, secretOf(i)), secrets.get(5n, 0))

    const published = [keySetJson(5n, 0, { ...decoded, wraps: [...decoded.wraps], readers: [...decoded.readers], height: 3n })]
    const second = await nextEnvelopeKeys(chain(published), 5n, secrets, undefined, random)
    assert.equal(second.keySet.epoch, 1)
    assert.equal(second.readers.length, 1, 'the readers of the latest key set are kept by default')
    assert.deepEqual(previousEpochSecret(second.keySet, secrets.get(5n, 1)!), secrets.get(5n, 0))
    assert.deepEqual(keySetOfJson(published[0]!).publicKey, first.keySet.publicKey)
  })

  it('refuses to rotate without the latest secret, and a secrets file that is not an object', async () => {
    const secrets = new EnvelopeSecrets(join(dir.path, 'other.json'))
    const made = await nextEnvelopeKeys(chain([]), 6n, secrets, [], random)
    const decoded = decode(MsgSetEnvelopeKeys, made.message)
    const published = [keySetJson(6n, 0, { ...decoded, wraps: [...decoded.wraps], readers: [], height: 1n })]
    await assert.rejects(
      () => nextEnvelopeKeys(chain(published), 6n, new EnvelopeSecrets(join(dir.path, 'empty.json')), [], random),
      (e: unknown) => e instanceof RoleError && e.code === 'BAD_OPTION' && /cannot rotate/.test(e.message),
    )
    writeFileSync(join(dir.path, 'bad.json'), '"text"')
    assert.throws(
      () => new EnvelopeSecrets(join(dir.path, 'bad.json')).check(),
      (e: unknown) => e instanceof RoleError && e.code === 'BAD_OPTION',
    )
  })

  it('the client message refuses a bad epoch, no recipient or too many readers (INVALID_INPUT)', () => {
    const base = { subnet: 1n, epoch: 0, publicKey: new Uint8Array(32).fill(9), wrapPublicKey: new Uint8Array(32).fill(9) }
    const wrap = { id: 'a', publicKey: new Uint8Array(32).fill(1), wrapped: new Uint8Array(48) }
    const refused = (fn: () => unknown, field: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof ClientError && e.code === 'INVALID_INPUT' && field.test(e.message))
    refused(() => messages.trainingSetEnvelopeKeys({ ...base, epoch: -1, wraps: [wrap] }, []), /epoch/)
    refused(() => messages.trainingSetEnvelopeKeys({ ...base, wraps: [] }, []), /wraps/)
    refused(
      () =>
        messages.trainingSetEnvelopeKeys(
          { ...base, wraps: [wrap] },
          Array.from({ length: 65 }, () => new Uint8Array(32)),
        ),
      /readers/,
    )
    refused(() => messages.trainingSetEnvelopeKeys({ ...base, wraps: [wrap] }, ['zz']), /readers\[0\]/)
  })
})
