import assert from 'node:assert/strict'
import { trainingInvariants } from '../../../../src/modules/training/index.js'
import { TrainingBooks } from '../../../../src/modules/training/books.js'
import { EnvelopeBooks } from '../../../../src/modules/training/envelope-books.js'
import {
  Application,
  CacheStore,
  Context,
  GasMeter,
  type KVStore,
  StateDB,
  StateError,
  outsideBlock,
  parseGenesis,
} from '../../../../src/state/index.js'
import { CHAIN_ID } from '../../../helpers/chain.js'
import { tempDirs, testRegistry } from '../../../support/chain.js'
import { TrainingChain, addr, honestAggregate, trainingGenesisJson, updateBlob } from './harness.js'

const U = [
  { trainer: 2, values: [10, 20, 30, 40, 50, 60] },
  { trainer: 3, values: [-10, -20, -30, -40, -50, -60] },
]
const blobs = U.map((u) => ({ trainer: u.trainer, blob: updateBlob(u.values) }))
const expected = honestAggregate(U.map((u) => ({ values: u.values, weight: 100 })))
const subtree = (db: StateDB, prefix: string) =>
  [...db.iterate(Buffer.from(prefix))].map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`)

/** A chain after a lie and an honest aggregate in round 0 (height 5, round 0 not closed yet). */
async function playedRound(dir: string): Promise<TrainingChain> {
  const chain = await TrainingChain.withSubnet(dir)
  await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
  await chain.until(4)
  await chain.block(
    chain.aggregate(5, blobs, expected.modelCid, expected.modelCid),
    chain.aggregate(6, blobs, expected.aggregateCid, expected.modelCid),
  )
  return chain
}

describe('training books: genesis round trip, invariants and planted bugs', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('exports and re-imports its state unchanged (progress, schedule, rounds, updates, versions, rejections), and the rounds go on', async () => {
    const chain = await playedRound(dirs.next())
    const exported = chain.app.exportAppState()
    const section = exported.training as {
      next_subnet: string
      subnets: { versions: unknown[]; updates: unknown[]; rejections: unknown[]; scheduled_height: string }[]
    }
    assert.deepEqual(
      [
        section.next_subnet,
        section.subnets[0]!.versions.length,
        section.subnets[0]!.updates.length,
        section.subnets[0]!.rejections.length,
        section.subnets[0]!.scheduled_height,
      ],
      ['1', 2, 2, 1, '7'],
    )
    const genesis = { ...trainingGenesisJson(), initial_height: chain.height + 1, app_state: exported }
    const fresh = await TrainingChain.open(dirs.next(), { genesis })
    assert.deepEqual(subtree(fresh.app.db, 'training/'), subtree(chain.app.db, 'training/'))
    fresh.app.assertInvariants()
    assert.deepEqual(fresh.app.exportAppState().training, exported.training)
    fresh.put(expected.modelBytes)
    await fresh.until(8)
    await chain.until(8)
    assert.equal(fresh.query<{ round: string }>('round', { subnet: '0' }).round, '1')
    assert.deepEqual(
      subtree(fresh.app.db, 'training/'),
      subtree(chain.app.db, 'training/'),
      'the imported chain runs its rounds as the original does',
    )
    await fresh.close()
    await chain.close()
  })

  it('is deterministic: two nodes executing the same blocks (a lie, a slash, an accepted aggregate) reach the same state root', async () => {
    const a = await playedRound(dirs.next())
    const b = await playedRound(dirs.next())
    const [ra, rb] = [await a.block(), await b.block()]
    assert.deepEqual(Buffer.from(ra.stateRoot).toString('hex'), Buffer.from(rb.stateRoot).toString('hex'))
    assert.deepEqual(subtree(a.app.db, 'training/'), subtree(b.app.db, 'training/'))
    await a.close()
    await b.close()
  })

  it('refuses a genesis naming a subnet subnets does not have, or with malformed fields', async () => {
    const registry = testRegistry()
    const bad = (training: unknown) => () => parseGenesis(trainingGenesisJson(training as Record<string, unknown>), registry)
    const invalid = (path: string) => (e: unknown) =>
      e instanceof StateError && e.code === 'GENESIS_INVALID' && String(e.context.path).startsWith(path)
    assert.throws(bad({ extra: 1 }), invalid('app_state.training.extra'))
    assert.throws(
      bad({ subnets: [{ subnet: '0', round: null, latest_version: '0', scheduled_height: '1', scheduled_phase: 'later' }] }),
      invalid('app_state.training.subnets[0].scheduled_phase'),
    )
    assert.throws(
      bad({
        next_subnet: '0',
        subnets: [{ subnet: '0', round: null, latest_version: '0', scheduled_height: '1', scheduled_phase: 'open' }],
      }),
      invalid('app_state.training.next_subnet'),
    )
    assert.throws(bad({ params: { score_window: -1 } }), invalid('app_state.training.params.score_window'))
    const genesis = trainingGenesisJson({
      subnets: [{ subnet: '4', round: null, latest_version: '0', scheduled_height: '1', scheduled_phase: 'open' }],
    })
    const app = new Application(await StateDB.open(dirs.next()), registry, parseGenesis(genesis, registry))
    await assert.rejects(app.initChain(), invalid('app_state.training.subnets[0].subnet'))
    await app.db.close()
  })

  it('each invariant catches a planted bug in the books', async () => {
    const chain = await playedRound(dirs.next())
    const planted = (plant: (books: TrainingBooks, store: KVStore) => void): Record<string, string | null> => {
      const store = new CacheStore(chain.app.db)
      const ctx = new Context(outsideBlock(CHAIN_ID, chain.height), store, new GasMeter(2n ** 64n), chain.app.registry, [], 'training')
      plant(new TrainingBooks(ctx.moduleStore()), ctx.moduleStore())
      return Object.fromEntries(Object.entries(trainingInvariants).map(([name, check]) => [name, check(ctx)]))
    }
    assert.deepEqual(
      planted(() => {}),
      { updates: null, versions: null, phases: null, freeRiders: null, dpLedger: null, envelopes: null },
    )
    const keySet = { publicKey: new Uint8Array(32).fill(9), wrapPublicKey: new Uint8Array(32).fill(9), readers: [], height: 1n }
    const wraps = [{ id: 'a', publicKey: new Uint8Array(32).fill(1), wrapped: new Uint8Array(48) }]
    assert.match(
      planted((_, store) => new EnvelopeBooks(store).publish(0n, 1, { ...keySet, wraps, previous: new Uint8Array(48) })).envelopes!,
      /is at epoch 1 with 1 key sets/,
    )
    assert.match(
      planted((_, store) => new EnvelopeBooks(store).publish(0n, 0, { ...keySet, wraps, previous: new Uint8Array(48) })).envelopes!,
      /wrong chain link/,
    )
    const round = (books: TrainingBooks) => books.round(0n, 0n)!
    assert.match(planted((b) => b.setRound({ ...round(b), updates: 3 })).updates!, /counts 3 updates, 2 are recorded/)
    assert.match(planted((b) => b.setUpdate(0n, 5n, addr(2), b.updates(0n, 0n)[0]!)).updates!, /round 0\/5, which does not exist/)
    assert.match(planted((b) => b.setRound({ ...round(b), rejections: 0 })).updates!, /counts 0 rejections/)
    assert.match(planted((b) => b.setVersion({ ...b.version(0n, 1n)!, parent: 1n })).versions!, /version 1 has parent 1/)
    assert.match(planted((b) => b.setProgress(0n, { ...b.progress(0n)!, latestVersion: 2n })).versions!, /has 2 versions, its latest is 2/)
    assert.match(planted((b) => b.setRound({ ...round(b), version: null })).versions!, /does not point at version 1/)
    assert.match(planted((b) => b.setRound({ ...round(b), closed: true })).phases!, /is closed at height 5, its close height is 7/)
    assert.match(planted((b) => b.schedule(9n, 0n, 'open')).phases!, /two schedule entries/)
    assert.match(planted((b) => b.setRound({ ...round(b), submitEnd: 1n })).phases!, /windows are out of order/)
    await chain.close()
  })
})
