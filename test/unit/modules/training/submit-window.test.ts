import assert from 'node:assert/strict'
import { MsgJoinSubnet, MsgLeaveSubnet } from '../../../../src/modules/subnets/index.js'
import { TRAINING_ERRORS, trainingInvariants, trainingParams } from '../../../../src/modules/training/index.js'
import { TrainingBooks } from '../../../../src/modules/training/books.js'
import { CacheStore, Context, GasMeter, StateError, outsideBlock, parseGenesis } from '../../../../src/state/index.js'
import { CHAIN_ID } from '../../../helpers/chain.js'
import { tempDirs, testRegistry } from '../../../support/chain.js'
import {
  OUTSIDER,
  TRAINER_BOND,
  TrainingChain,
  coin,
  codes,
  eventsOf,
  honestAggregate,
  trainingGenesisJson,
  updateBlob,
} from './harness.js'

// The harness' subnet: submit 3 blocks, aggregate 2, gap 1; round 0 opens at height 2 with
// submit [2, 5), aggregate [5, 7), close 7. Trainers 2, 3, 4.
const U = [
  { trainer: 2, values: [100, -200, 300, 0, 5, -5] },
  { trainer: 3, values: [120, -180, 280, 10, 5, -7] },
  { trainer: 4, values: [90, -210, 330, -10, 6, -4] },
]
const blobs = U.map((u) => ({ trainer: u.trainer, blob: updateBlob(u.values) }))
const expected = honestAggregate(U.map((u) => ({ values: u.values, weight: 100 })))

const closing = (params: Record<string, unknown> = {}) => ({
  genesis: trainingGenesisJson({ params: { close_submit_when_full: true, ...params } }),
})
const ok: [string, number] = ['', 0]

interface RoundJson {
  phase: string
  open_height: string
  submit_end_height: string
  aggregate_end_height: string
  close_height: string
  updates: number
  version: string | null
  closed: boolean
}
const heights = (r: RoundJson) => [r.phase, r.submit_end_height, r.aggregate_end_height, r.close_height]

/** The committed books, read (and, for a planted bug, written) outside a block. */
function booksOf(chain: TrainingChain): { books: TrainingBooks; invariants: () => Record<string, string | null> } {
  const ctx = new Context(
    outsideBlock(CHAIN_ID, chain.height),
    new CacheStore(chain.app.db),
    new GasMeter(2n ** 64n),
    chain.app.registry,
    [],
    'training',
  )
  const books = new TrainingBooks(ctx.moduleStore())
  return { books, invariants: () => Object.fromEntries(Object.entries(trainingInvariants).map(([name, check]) => [name, check(ctx)])) }
}

describe('training close_submit_when_full: a round stops taking updates once every trainer member submitted', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('is off by default and must be a boolean', () => {
    assert.equal(trainingParams.fromJson({}, 'p').closeSubmitWhenFull, false)
    const registry = testRegistry()
    const invalid = (e: unknown) =>
      e instanceof StateError &&
      e.code === 'GENESIS_INVALID' &&
      String(e.context.path) === 'app_state.training.params.close_submit_when_full'
    assert.throws(() => parseGenesis(trainingGenesisJson({ params: { close_submit_when_full: 'yes' } }), registry), invalid)
  })

  it('3 of 3 trainers in block h: the aggregate window opens at h + 1, the aggregate is accepted there, the round closes two blocks later', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, closing())
    const submitted = await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
    assert.equal(chain.height, 2)
    assert.deepEqual(codes(submitted), [ok, ok, ok])
    assert.deepEqual(eventsOf(submitted, 'submit_window_closed'), [
      { subnet: '0', round: '0', reason: 'all_submitted', submit_end: '3', aggregate_end: '5', close_height: '5' },
    ])
    assert.deepEqual(heights(chain.query<RoundJson>('round', { subnet: '0' })), ['aggregate', '3', '5', '5'])
    const aggregated = await chain.block(chain.aggregate(5, blobs, expected.aggregateCid, expected.modelCid))
    assert.deepEqual(codes(aggregated), [ok])
    assert.equal(eventsOf(aggregated, 'aggregate_accepted')[0]!.version, '1')
    await chain.until(4)
    assert.equal(chain.query<RoundJson>('round', { subnet: '0' }).phase, 'closed')
    const next = await chain.block().then(() => chain.block())
    assert.equal(eventsOf(next, 'round_opened')[0]!.round, '1', 'round 1 opens at the moved close (5) + gap (1)')
    await chain.close()
  })

  it('moves the scheduled close: exactly one schedule entry, at the new close height; a planted leftover entry is caught', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, closing())
    await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
    const { books, invariants } = booksOf(chain)
    assert.deepEqual([...books.allScheduled()], [{ height: 5n, subnet: 0n, phase: 'close' }])
    assert.equal(books.progress(0n)!.scheduledHeight, 5n)
    books.schedule(7n, 0n, 'close')
    assert.match(invariants().phases!, /subnet 0 has two schedule entries/)
    await chain.close()
  })

  it("keeps the aggregate and score windows' lengths (reputation reads them from the round)", async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, closing({ score_window: 4 }))
    const submitted = await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
    assert.deepEqual(
      eventsOf(submitted, 'submit_window_closed').map((e) => [e.submit_end, e.aggregate_end, e.close_height]),
      [['3', '5', '9']],
    )
    assert.deepEqual(heights(chain.query<RoundJson>('round', { subnet: '0' })), ['aggregate', '3', '5', '9'])
    await chain.close()
  })

  it('2 of 3 trainers: the window stays; the third, a block later, ends it at the block after its own', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, closing())
    const two = await chain.block(...blobs.slice(0, 2).map((b) => chain.submit(b.trainer, b.blob)))
    assert.deepEqual(eventsOf(two, 'submit_window_closed'), [])
    assert.deepEqual(heights(chain.query<RoundJson>('round', { subnet: '0' })), ['submit', '5', '7', '7'])
    const third = await chain.block(chain.submit(blobs[2]!.trainer, blobs[2]!.blob))
    assert.deepEqual(
      eventsOf(third, 'submit_window_closed').map((e) => [e.reason, e.submit_end, e.aggregate_end, e.close_height]),
      [['all_submitted', '4', '6', '6']],
    )
    assert.deepEqual(heights(chain.query<RoundJson>('round', { subnet: '0' })), ['aggregate', '4', '6', '6'])
    await chain.close()
  })

  it('a rejected free-rider does not count as submitted: the window stays', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, closing())
    const executed = await chain.block(
      chain.submit(2, blobs[0]!.blob),
      chain.submit(3, blobs[1]!.blob),
      chain.submit(4, blobs[0]!.blob, { sampleCount: 50 }),
    )
    assert.deepEqual(codes(executed), [ok, ok, ok])
    assert.equal(eventsOf(executed, 'update_rejected')[0]!.code, String(TRAINING_ERRORS.DUPLICATE_CONTENT))
    assert.deepEqual(eventsOf(executed, 'submit_window_closed'), [])
    const round = chain.query<RoundJson>('round', { subnet: '0' })
    assert.deepEqual([round.updates, ...heights(round)], [2, 'submit', '5', '7', '7'])
    await chain.close()
  })

  it('counts current members only: a trainer who submitted and left does not stand in for one who joined since', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, closing())
    await chain.block(
      chain.submit(2, blobs[0]!.blob),
      [2, MsgLeaveSubnet, { subnet: 0n, role: 'trainer' }],
      [OUTSIDER, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(TRAINER_BOND) }],
    )
    const executed = await chain.block(chain.submit(3, blobs[1]!.blob), chain.submit(4, blobs[2]!.blob))
    assert.deepEqual(codes(executed), [ok, ok])
    assert.deepEqual(eventsOf(executed, 'submit_window_closed'), [], '3 updates and 3 trainers, but the new member has not submitted')
    assert.deepEqual(heights(chain.query<RoundJson>('round', { subnet: '0' })), ['submit', '5', '7', '7'])
    await chain.close()
  })

  it('a full round (maxUpdates) ends its window too, with reason full', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), { maxTrainers: 2 }, closing())
    const executed = await chain.block(...blobs.slice(0, 2).map((b) => chain.submit(b.trainer, b.blob)))
    assert.deepEqual(
      eventsOf(executed, 'submit_window_closed').map((e) => [e.reason, e.submit_end]),
      [['full', '3']],
    )
    await chain.close()
  })

  it('a round completed in its last submit block keeps its heights and emits nothing', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, closing())
    await chain.until(3)
    const executed = await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
    assert.equal(chain.height, 4)
    assert.deepEqual(eventsOf(executed, 'submit_window_closed'), [])
    assert.deepEqual(heights(chain.query<RoundJson>('round', { subnet: '0' })), ['aggregate', '5', '7', '7'])
    await chain.close()
  })

  it('param off: 3 of 3 trainers leave the fixed window as it was', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    const executed = await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
    assert.deepEqual(eventsOf(executed, 'submit_window_closed'), [])
    assert.deepEqual(heights(chain.query<RoundJson>('round', { subnet: '0' })), ['submit', '5', '7', '7'])
    await chain.close()
  })

  it('exports and re-imports the param and a moved round unchanged, and both chains go on alike', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, closing())
    await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
    const exported = chain.app.exportAppState()
    const section = exported.training as {
      params: Record<string, unknown>
      subnets: { scheduled_height: string; rounds: { submit_end_height: string }[] }[]
    }
    assert.deepEqual(
      [section.params.close_submit_when_full, section.subnets[0]!.scheduled_height, section.subnets[0]!.rounds[0]!.submit_end_height],
      [true, '5', '3'],
    )
    const fresh = await TrainingChain.open(dirs.next(), {
      genesis: { ...trainingGenesisJson(), initial_height: chain.height + 1, app_state: exported },
    })
    fresh.app.assertInvariants()
    assert.deepEqual(fresh.app.exportAppState().training, exported.training)
    assert.equal(fresh.query<{ close_submit_when_full: boolean }>('params').close_submit_when_full, true)
    chain.put(expected.modelBytes)
    // One signed tx for both: the fresh harness does not know account 5's nonce.
    const [from, type, message] = chain.aggregate(5, blobs, expected.aggregateCid, expected.modelCid)
    const tx = chain.sign(from, type, message)
    const [a, b] = [await chain.blockOf([tx]), await fresh.blockOf([tx], chain.blobs)]
    assert.deepEqual([codes(a), codes(b)], [[ok], [ok]])
    await chain.until(7)
    await fresh.until(7)
    assert.deepEqual(fresh.app.exportAppState().training, chain.app.exportAppState().training)
    await fresh.close()
    await chain.close()
  })
})
