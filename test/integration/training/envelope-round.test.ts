import assert from 'node:assert/strict'
import { ed25519 } from '@noble/curves/ed25519.js'
import { type KeySet, type Recipient, newKeySet, rotateKeySet, sealEnvelope } from '../../../src/fl/envelope/index.js'
import { MsgCreateValidator } from '../../../src/modules/staking/index.js'
import { MsgJoinSubnet } from '../../../src/modules/subnets/index.js'
import { MsgSetEnvelopeKeys, type MsgSetEnvelopeKeysValue } from '../../../src/modules/training/envelope-messages.js'
import { TRAINING_ERRORS } from '../../../src/modules/training/index.js'
import { EnvelopeKeyring } from '../../../src/fl/envelope/index.js'
import { Dec, StateError } from '../../../src/state/index.js'
import { testKey } from '../../helpers/chain.js'
import { tempDirs } from '../../support/chain.js'
import { seededBytes } from '../../unit/fl/secagg/support.js'
import {
  ADMIN,
  AGGREGATORS,
  AGGREGATOR_BOND,
  OUTSIDER,
  TRAINERS,
  TrainingChain,
  codes,
  coin,
  eventsOf,
  honestAggregate,
  trainingGenesisJson,
  updateBlob,
} from '../../unit/modules/training/harness.js'

/**
 * A private subnet on a real chain (every block executed, committed and its invariants checked):
 * the admin publishes the key set, trainers seal their updates to the epoch key, the chain opens
 * them with the node's own key before it checks them and recomputes the aggregate.
 */
const NODE = 100 // the genesis validator's key: this test node's consensus key, listed as a reader
const fail = (code: keyof typeof TRAINING_ERRORS): [string, number] => ['training', TRAINING_ERRORS[code]]
const OK: [string, number] = ['', 0]
const seedOf = (i: number) => new Uint8Array(32).fill(i + 1) // testKey's seed
const recipient = (i: number, label: string): Recipient => ({
  id: label,
  publicKey: ed25519.utils.toMontgomery(ed25519.getPublicKey(seedOf(i))),
})
const secretOf = (i: number) => ed25519.utils.toMontgomerySecret(seedOf(i))
const values = new Map([
  [2, [100, -200, 300, -400, 500, -600]],
  [3, [-50, 70, 90, 110, -130, 150]],
  [4, [7, 8, -9, 10, 11, -12]],
])
const random = seededBytes('envelope round')

function messageOf(keySet: KeySet, readers: number[]): MsgSetEnvelopeKeysValue {
  return {
    subnet: keySet.subnet,
    epoch: keySet.epoch,
    publicKey: keySet.publicKey,
    wrapPublicKey: keySet.wrapPublicKey,
    wraps: keySet.wraps.map((w) => ({ id: w.id, publicKey: w.publicKey, wrapped: w.wrapped })),
    previous: keySet.previous ?? null,
    readers: readers.map((r) => testKey(r).publicKey.bytes),
  }
}

const baseRecipients = () => [...AGGREGATORS.map((a) => recipient(a, `aggregator${a}`)), recipient(NODE, 'node')]

async function privateChain(dir: string, submitWindow = 3) {
  const chain = await TrainingChain.withSubnet(dir, { timing: { submitWindow, aggregateWindow: 2, gap: 1 } })
  chain.envelopes = new EnvelopeKeyring([secretOf(NODE)])
  const epoch0 = newKeySet(0n, 0, baseRecipients(), random)
  return { chain, epoch0 }
}

describe('encrypted envelopes on chain: a private subnet', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('publishes its key set, takes sealed updates, refuses plaintext and bad envelopes, and verifies the aggregate of what the envelopes hold', async () => {
    const { chain, epoch0 } = await privateChain(dirs.next())
    const message = messageOf(epoch0.keySet, [NODE])
    const missing = messageOf(newKeySet(0n, 0, baseRecipients().slice(1), random).keySet, [NODE])
    const published = await chain.block(
      [OUTSIDER, MsgSetEnvelopeKeys, message],
      [ADMIN, MsgSetEnvelopeKeys, { ...message, epoch: 1, previous: new Uint8Array(48) }],
      [ADMIN, MsgSetEnvelopeKeys, missing],
      [ADMIN, MsgSetEnvelopeKeys, message],
      [ADMIN, MsgSetEnvelopeKeys, message],
    )
    assert.deepEqual(codes(published), [
      fail('ENVELOPE_NOT_ADMIN'),
      fail('ENVELOPE_WRONG_KEY_EPOCH'),
      fail('ENVELOPE_BAD_RECIPIENTS'),
      OK,
      fail('ENVELOPE_WRONG_KEY_EPOCH'),
    ])
    assert.equal(eventsOf(published, 'envelope_keys_published').length, 1)
    const keys = chain.query<{ private: boolean; latest_epoch: number; stale: boolean }>('envelopeKeys', { subnet: '0' })
    assert.deepEqual([keys.private, keys.latest_epoch, keys.stale], [true, 0, false])

    const sealed = new Map(TRAINERS.map((t) => [t, sealEnvelope(epoch0.keySet, updateBlob(values.get(t)!), random)]))
    const tampered = Uint8Array.from(sealed.get(4)!)
    tampered[tampered.length - 1]! ^= 1
    const otherEpoch = sealEnvelope({ ...epoch0.keySet, epoch: 1 }, updateBlob(values.get(4)!), random)
    const short = Uint8Array.from([0x46, 0x4c, 0x45, 0x31, 2, 0, 0, 0])
    const submitted = await chain.block(
      chain.submit(2, sealed.get(2)!),
      chain.submit(3, sealed.get(3)!),
      chain.submit(4, updateBlob(values.get(4)!)),
      chain.submit(4, tampered),
      chain.submit(4, otherEpoch),
      chain.submit(4, short),
      chain.submit(4, sealed.get(4)!),
    )
    assert.deepEqual(codes(submitted), [
      OK,
      OK,
      fail('ENVELOPE_REQUIRED'),
      fail('ENVELOPE_DECRYPT'),
      fail('ENVELOPE_WRONG_EPOCH'),
      fail('ENVELOPE_MALFORMED'),
      OK,
    ])
    await chain.until(4)
    const honest = honestAggregate(TRAINERS.map((t) => ({ values: values.get(t)!, weight: 100 })))
    const included = TRAINERS.map((t) => ({ trainer: t, blob: sealed.get(t)! }))
    const aggregated = await chain.block(chain.aggregate(AGGREGATORS[0]!, included, honest.aggregateCid, honest.modelCid))
    assert.deepEqual(codes(aggregated), [OK])
    assert.equal(eventsOf(aggregated, 'aggregate_accepted').length, 1)

    // a chain restarted from an export keeps the subnet private with its key sets
    const exported = chain.app.exportAppState() as { training: { envelopes: unknown[] } }
    assert.equal(exported.training.envelopes.length, 1)
    const restarted = await TrainingChain.open(dirs.next(), {
      genesis: { ...trainingGenesisJson(), initial_height: chain.height + 1, app_state: exported },
    })
    assert.deepEqual(restarted.app.exportAppState(), exported)
    await restarted.close()
    const [entry] = exported.training.envelopes as Record<string, unknown>[]
    await assert.rejects(
      TrainingChain.open(dirs.next(), {
        genesis: {
          ...trainingGenesisJson(),
          initial_height: chain.height + 1,
          app_state: { ...exported, training: { ...exported.training, envelopes: [{ ...entry, subnet: '5' }] } },
        },
      }),
      /subnets has no subnet 5/,
    )
    await chain.close()
  })

  it('a round holding a plaintext update from before the subnet became private still aggregates it with the sealed ones', async () => {
    const { chain, epoch0 } = await privateChain(dirs.next())
    const before = await chain.block(chain.submit(2, updateBlob(values.get(2)!)))
    assert.deepEqual(codes(before), [OK])
    const sealed = sealEnvelope(epoch0.keySet, updateBlob(values.get(3)!), random)
    const after = await chain.block(
      [ADMIN, MsgSetEnvelopeKeys, messageOf(epoch0.keySet, [NODE])],
      chain.submit(3, sealed),
      chain.submit(4, updateBlob(values.get(4)!)),
    )
    assert.deepEqual(codes(after), [OK, OK, fail('ENVELOPE_REQUIRED')])
    await chain.until(4)
    const honest = honestAggregate([2, 3].map((t) => ({ values: values.get(t)!, weight: 100 })))
    const included = [
      { trainer: 2, blob: updateBlob(values.get(2)!) },
      { trainer: 3, blob: sealed },
    ]
    const aggregated = await chain.block(chain.aggregate(AGGREGATORS[0]!, included, honest.aggregateCid, honest.modelCid))
    assert.deepEqual(codes(aggregated), [OK])
    assert.equal(eventsOf(aggregated, 'aggregate_accepted').length, 1)
    await chain.close()
  })

  it('publishes no key set unless governance lists the admin in envelope_admins (a wrong wrap could stop a validator)', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, { genesis: trainingGenesisJson({ params: { envelope_admins: [] } }) })
    const { keySet } = newKeySet(0n, 0, baseRecipients(), random)
    const refused = await chain.block([ADMIN, MsgSetEnvelopeKeys, messageOf(keySet, [NODE])])
    assert.deepEqual(codes(refused), [fail('ENVELOPE_ADMIN_NOT_ALLOWED')])
    assert.equal(chain.query<{ private: boolean }>('envelopeKeys', { subnet: '0' }).private, false)
    const params = chain.query<{ envelope_admins: string[] }>('params')
    assert.deepEqual(params.envelope_admins, [])
    await chain.close()
  })

  it('an envelope in a subnet that is not private is refused', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    const { keySet } = newKeySet(0n, 0, baseRecipients(), random)
    const executed = await chain.block(chain.submit(2, sealEnvelope(keySet, updateBlob(values.get(2)!), random)))
    assert.deepEqual(codes(executed), [fail('ENVELOPE_NOT_PRIVATE')])
    const keys = chain.query<{ private: boolean }>('envelopeKeys', { subnet: '0' })
    assert.equal(keys.private, false)
    await chain.close()
  })

  it('a validator that bonds makes the key set stale: updates wait until the admin rotates, then seal to the new epoch; the aggregate opens both epochs, on a node added at the rotation', async () => {
    const { chain, epoch0 } = await privateChain(dirs.next(), 6)
    await chain.block([ADMIN, MsgSetEnvelopeKeys, messageOf(epoch0.keySet, [NODE])])
    const first = sealEnvelope(epoch0.keySet, updateBlob(values.get(2)!), random)
    const before = await chain.block(chain.submit(2, first))
    assert.deepEqual(codes(before), [OK])
    const validator = testKey(OUTSIDER)
    const bonded = await chain.block([
      OUTSIDER,
      MsgCreateValidator,
      {
        pubKey: validator.publicKey.bytes,
        moniker: 'late',
        commissionRate: Dec.parse('0.1'),
        commissionMaxRate: Dec.parse('0.2'),
        commissionMaxChangeRate: Dec.parse('0.01'),
        minSelfDelegation: 1n,
        value: coin(3_000_000n),
      },
    ])
    assert.deepEqual(codes(bonded), [OK])
    const stale = await chain.block(chain.submit(3, sealEnvelope(epoch0.keySet, updateBlob(values.get(3)!), random)))
    assert.deepEqual(codes(stale), [fail('ENVELOPE_KEY_SET_STALE')])
    assert.equal(chain.query<{ stale: boolean }>('envelopeKeys', { subnet: '0' }).stale, true)

    const withValidator = [...baseRecipients(), recipient(OUTSIDER, 'validator7')]
    const epoch1 = rotateKeySet(epoch0.keySet, epoch0.epochSecret, withValidator, random)
    const second = sealEnvelope(epoch1.keySet, updateBlob(values.get(3)!), random)
    const rotated = await chain.block(
      [ADMIN, MsgSetEnvelopeKeys, messageOf(epoch1.keySet, [NODE])],
      chain.submit(3, sealEnvelope(epoch0.keySet, updateBlob(values.get(3)!), random)),
      chain.submit(3, second),
    )
    assert.deepEqual(codes(rotated), [OK, fail('ENVELOPE_WRONG_EPOCH'), OK])
    // the aggregate opens trainer 2's epoch-0 envelope and trainer 3's epoch-1 one; the new validator's own opener reads both
    await chain.until(7)
    chain.envelopes = new EnvelopeKeyring([secretOf(OUTSIDER)])
    const honest = honestAggregate([2, 3].map((t) => ({ values: values.get(t)!, weight: 100 })))
    const included = [
      { trainer: 2, blob: first },
      { trainer: 3, blob: second },
    ]
    const aggregated = await chain.block(chain.aggregate(AGGREGATORS[0]!, included, honest.aggregateCid, honest.modelCid))
    assert.deepEqual(codes(aggregated), [OK])
    assert.equal(eventsOf(aggregated, 'aggregate_accepted').length, 1)
    await chain.close()
  })

  it('an aggregator joining makes it stale too (updates and aggregates refused), and a node that is no recipient cannot execute the block (ENVELOPE_UNREADABLE, nothing committed)', async () => {
    const { chain, epoch0 } = await privateChain(dirs.next())
    const first = sealEnvelope(epoch0.keySet, updateBlob(values.get(2)!), random)
    const opened = await chain.block([ADMIN, MsgSetEnvelopeKeys, messageOf(epoch0.keySet, [NODE])], chain.submit(2, first))
    assert.deepEqual(codes(opened), [OK, OK])
    chain.envelopes = new EnvelopeKeyring([secretOf(OUTSIDER)])
    const height = chain.height
    await assert.rejects(
      () => chain.block(chain.submit(4, sealEnvelope(epoch0.keySet, updateBlob(values.get(4)!), random))),
      (error: unknown) => error instanceof StateError && error.code === 'ENVELOPE_UNREADABLE' && /ENVELOPE_NO_KEY/.test(error.message),
    )
    assert.equal(chain.height, height)
    chain.envelopes = new EnvelopeKeyring([secretOf(NODE)])
    const joined = await chain.block([OUTSIDER, MsgJoinSubnet, { subnet: 0n, role: 'aggregator', bond: coin(AGGREGATOR_BOND) }])
    assert.deepEqual(codes(joined), [OK])
    const stale = await chain.block(chain.submit(3, sealEnvelope(epoch0.keySet, updateBlob(values.get(3)!), random)))
    assert.deepEqual(codes(stale), [fail('ENVELOPE_KEY_SET_STALE')])
    await chain.until(4)
    const honest = honestAggregate([{ values: values.get(2)!, weight: 100 }])
    const aggregate = await chain.block(
      chain.aggregate(AGGREGATORS[0]!, [{ trainer: 2, blob: first }], honest.aggregateCid, honest.modelCid),
    )
    assert.deepEqual(codes(aggregate), [fail('ENVELOPE_KEY_SET_STALE')])
    await chain.close()
  })
})
