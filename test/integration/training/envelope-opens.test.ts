import assert from 'node:assert/strict'
import { ed25519 } from '@noble/curves/ed25519.js'
import { EnvelopeKeyring, type Recipient, newKeySet, sealEnvelope } from '../../../src/fl/envelope/index.js'
import { MsgCreateSubnet, MsgJoinSubnet } from '../../../src/modules/subnets/index.js'
import { MsgSetEnvelopeKeys } from '../../../src/modules/training/envelope-messages.js'
import { OpenedEnvelopeCache } from '../../../src/node/envelope-cache.js'
import type { EnvelopeKeySet, EnvelopeOpener, ExecutedBlock } from '../../../src/state/index.js'
import { seededRandom, testKey } from '../../helpers/chain.js'
import { tempDirs } from '../../support/chain.js'
import { seededBytes } from '../../unit/fl/secagg/support.js'
import {
  ADMIN,
  AGGREGATORS,
  AGGREGATOR_BOND,
  TRAINER_BOND,
  TrainingChain,
  type Tx,
  coin,
  createTrainingSubnet,
  honestAggregate,
  trainingGenesisJson,
  updateBlob,
} from '../../unit/modules/training/harness.js'

/**
 * How often a node opens a private subnet's envelopes in one round of K sealed updates. Each new
 * update is compared with every earlier one (near-copy) and the aggregate reads all K, so a node
 * opening every read would open K + K(K−1)/2 + K times; the node's opener (OpenedEnvelopeCache)
 * opens each envelope once. Same blocks on every opener: the same results, gas and state roots.
 */
const NODE = 100 // the genesis validator: this node's consensus key, a listed reader
const K = 8
const TRAINERS = Array.from({ length: K }, (_, i) => 10 + i) // accounts funded below
const seedOf = (i: number) => new Uint8Array(32).fill(i + 1) // testKey's seed
const recipient = (i: number, id: string): Recipient => ({ id, publicKey: ed25519.utils.toMontgomery(ed25519.getPublicKey(seedOf(i))) })
// random directions: no two parallel, so every update is recorded and compared with all earlier ones
const valuesOf = (k: number) => {
  const random = seededRandom(k + 1)
  return Array.from({ length: 6 }, () => Math.floor(random() * 6001) - 3000)
}

function genesis(): Record<string, unknown> {
  const base = trainingGenesisJson()
  const appState = base.app_state as { bank: { balances: unknown[] } }
  const funded = TRAINERS.map((t) => ({ address: testKey(t).publicKey.address, coins: [{ denom: 'ufdr', amount: '1000000000' }] }))
  return { ...base, app_state: { ...appState, bank: { ...appState.bank, balances: [...appState.bank.balances, ...funded] } } }
}

/** The opener under test, counting what it asks of the real one. */
class CountingOpener implements EnvelopeOpener {
  opens = 0
  readonly #inner = new EnvelopeKeyring([ed25519.utils.toMontgomerySecret(seedOf(NODE))])

  open(envelope: Uint8Array, keySets: readonly EnvelopeKeySet[]): Uint8Array {
    this.opens++
    return this.#inner.open(envelope, keySets)
  }
}

const summary = (b: ExecutedBlock) => ({
  root: Buffer.from(b.stateRoot).toString('hex'),
  results: b.txResults.map((r) => ({ code: `${r.codespace}/${r.code}`, gas: r.gasUsed, events: r.events.map((e) => e.type) })),
})

/** One round of K sealed updates and its aggregate, on a chain whose node opens with `opener`. */
async function playRound(dir: string, opener: EnvelopeOpener) {
  const chain = await TrainingChain.open(dir, { genesis: genesis() })
  chain.envelopes = opener
  const random = seededBytes('envelope opens')
  const blocks: ExecutedBlock[] = []
  blocks.push(
    await chain.block(
      [ADMIN, MsgCreateSubnet, createTrainingSubnet({}, { timing: { submitWindow: 3, aggregateWindow: 2, gap: 1 } })],
      ...TRAINERS.map((t): Tx => [t, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(TRAINER_BOND) }]),
      ...AGGREGATORS.map((a): Tx => [a, MsgJoinSubnet, { subnet: 0n, role: 'aggregator', bond: coin(AGGREGATOR_BOND) }]),
    ),
  )
  const { keySet } = newKeySet(0n, 0, [...AGGREGATORS.map((a) => recipient(a, `aggregator${a}`)), recipient(NODE, 'node')], random)
  const message = {
    subnet: keySet.subnet,
    epoch: keySet.epoch,
    publicKey: keySet.publicKey,
    wrapPublicKey: keySet.wrapPublicKey,
    wraps: keySet.wraps.map((w) => ({ id: w.id, publicKey: w.publicKey, wrapped: w.wrapped })),
    previous: null,
    readers: [testKey(NODE).publicKey.bytes],
  }
  blocks.push(await chain.block([ADMIN, MsgSetEnvelopeKeys, message]))
  const sealed = TRAINERS.map((t, k) => ({ trainer: t, blob: sealEnvelope(keySet, updateBlob(valuesOf(k)), random) }))
  blocks.push(await chain.block(...sealed.map((s) => chain.submit(s.trainer, s.blob))))
  await chain.until(4)
  const honest = honestAggregate(TRAINERS.map((_, k) => ({ values: valuesOf(k), weight: 100 })))
  blocks.push(await chain.block(chain.aggregate(AGGREGATORS[0]!, sealed, honest.aggregateCid, honest.modelCid)))
  await chain.close()
  return blocks.map(summary)
}

describe('encrypted envelopes on chain: a node opens each of a round’s envelopes once', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it(`K = ${K} sealed updates and their aggregate: K opens through the node's cache, K + K(K−1)/2 + K opening every read; the same results, gas and state roots`, async () => {
    const cached = new CountingOpener()
    const withCache = await playRound(dirs.next(), new OpenedEnvelopeCache(cached))
    const bare = new CountingOpener()
    const everyRead = await playRound(dirs.next(), bare)
    // a cache too small to keep one entry misses every time: execution must not notice
    const starved = new CountingOpener()
    const withoutRoom = await playRound(dirs.next(), new OpenedEnvelopeCache(starved, 1))

    const submitted = withCache[2]!.results
    assert.equal(submitted.length, K)
    assert.ok(
      submitted.every((r) => r.code === '/0' && r.events.includes('update_submitted')),
      'every sealed update is recorded, so each later one is compared with all before it',
    )
    const [aggregate] = withCache[3]!.results
    assert.ok(
      aggregate?.code === '/0' && aggregate.events.includes('aggregate_accepted'),
      'the aggregate of the opened updates is accepted',
    )
    assert.equal(bare.opens, K + (K * (K - 1)) / 2 + K, 'opening every read: the near-copy tests reopen all earlier updates')
    assert.equal(starved.opens, bare.opens)
    assert.equal(cached.opens, K, 'with the cache: one open per envelope, for its submission')
    assert.deepEqual(withCache, everyRead)
    assert.deepEqual(withoutRoom, everyRead)
  })
})
