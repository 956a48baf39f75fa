import assert from 'node:assert/strict'
import { MsgCreateSubnet } from '../../../../src/modules/subnets/index.js'
import { TRAINING_HOOKS, TRAINING_ERRORS } from '../../../../src/modules/training/index.js'
import { type Module, ModuleError, implementHooks } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { ADMIN, TrainingChain, createTrainingSubnet, eventsOf, honestAggregate, updateBlob } from './harness.js'
import { testKey } from '../../../helpers/chain.js'

const calls: string[] = []
/** A subscriber of training's hooks, as rewards, reputation and lineage will be. */
const recorder: Module = {
  name: 'recorder',
  messages: [],
  queries: {},
  keeper: () => ({}),
  genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
  invariants: {},
  hooks: [
    implementHooks(TRAINING_HOOKS, (ctx) => ({
      roundOpened: (r) => void calls.push(`${ctx.block.height} opened ${r.subnet}/${r.round}`),
      roundAggregated: (r, v) => void calls.push(`${ctx.block.height} aggregated ${r.subnet}/${r.round} v${v.version}`),
      roundClosed: (r, v) => void calls.push(`${ctx.block.height} closed ${r.subnet}/${r.round} ${v === null ? 'none' : `v${v.version}`}`),
    })),
  ],
}

const queryCode = (fn: () => unknown): string => {
  try {
    fn()
  } catch (error) {
    if (error instanceof ModuleError) return error.code
    throw error
  }
  return 'OK'
}

describe('training hooks, queries and several subnets', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('fires roundOpened, roundAggregated and roundClosed to subscribers at composition, in the block of the change', async () => {
    calls.length = 0
    const chain = await TrainingChain.withSubnet(
      dirs.next(),
      {},
      { extra: [recorder], composition: { hooks: [{ point: TRAINING_HOOKS, subscriber: 'recorder' }] } },
    )
    const blob = updateBlob([1, 2, 3, 4, 5, 6])
    await chain.block(chain.submit(2, blob))
    await chain.until(4)
    const expected = honestAggregate([{ values: [1, 2, 3, 4, 5, 6], weight: 100 }])
    await chain.block(chain.aggregate(5, [{ trainer: 2, blob }], expected.aggregateCid, expected.modelCid))
    await chain.until(8)
    assert.deepEqual(calls, ['2 opened 0/0', '5 aggregated 0/0 v1', '7 closed 0/0 v1', '8 opened 0/1'])
    await chain.until(13)
    assert.deepEqual(calls.slice(4), ['13 closed 0/1 none'], 'a round without an aggregate closes with no version')
    await chain.close()
  })

  it('runs each subnet on its own schedule: a subnet created later opens its round 0 in the next block', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    await chain.until(2)
    const created = await chain.block([
      ADMIN,
      MsgCreateSubnet,
      createTrainingSubnet({ name: 'second' }, { timing: { submitWindow: 1, aggregateWindow: 1, gap: 2 } }),
    ])
    assert.equal(eventsOf(created, 'round_opened').length, 0)
    const opened = await chain.block()
    assert.deepEqual(
      eventsOf(opened, 'round_opened').map((e) => [e.subnet, e.round]),
      [['1', '0']],
    )
    await chain.until(9)
    const first = chain.query<{ round: string }>('round', { subnet: '0' })
    const second = chain.query<{ round: string; open_height: string }>('round', { subnet: 1 })
    assert.deepEqual([first.round, second.round, second.open_height], ['1', '1', '8'])
    await chain.close()
  })

  it('answers round, updates, version, versions, latestVersion and params, and refuses unknown subnets, rounds and versions with their codes', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    await chain.block(chain.submit(3, updateBlob([1, 1, 1, 1, 1, 1])))
    const round = chain.query<Record<string, unknown>>('round', { subnet: '0', round: '0' })
    assert.deepEqual(Object.keys(round).sort(), [
      'aggregate_end_height',
      'at_height',
      'base_global_cid',
      'base_version',
      'close_height',
      'closed',
      'gap',
      'max_updates',
      'next_open_height',
      'open_height',
      'phase',
      'quantization',
      'rejections',
      'round',
      'rule',
      'sample_cap',
      'slash_fraction',
      'submit_end_height',
      'subnet',
      'updates',
      'version',
    ])
    assert.deepEqual(round.quantization, { dtype: 'int16', scale: 16384, max_abs: 32767 })
    assert.equal(chain.query<{ updates: unknown[] }>('updates', { subnet: '0', round: '0' }).updates.length, 1)
    assert.equal(chain.query<{ versions: unknown[] }>('versions', { subnet: '0' }).versions.length, 1)
    assert.deepEqual(chain.query('params'), {
      score_window: 0,
      gas_per_coordinate: '1',
      free_rider_memory_rounds: 0, // the harness' (TEST_MEMORY_ROUNDS); the module's default is 100
      min_update_norm: '1',
      near_copy_cosine: '1', // the harness' (TEST_NEAR_COPY_COSINE); the module's default is 0.99
      free_rider_slash_fraction: '0.1',
      close_submit_when_full: false,
      envelope_admins: [testKey(ADMIN).publicKey.address],
    })
    assert.equal(
      queryCode(() => chain.query('round', { subnet: '7' })),
      'UNKNOWN_SUBNET',
    )
    assert.equal(
      queryCode(() => chain.query('round', { subnet: 'x' })),
      'UNKNOWN_SUBNET',
    )
    assert.equal(
      queryCode(() => chain.query('round', { subnet: '0', round: '3' })),
      'UNKNOWN_ROUND',
    )
    assert.equal(
      queryCode(() => chain.query('updates', { subnet: '0' })),
      'UNKNOWN_ROUND',
    )
    assert.equal(
      queryCode(() => chain.query('version', { subnet: '0', version: '1' })),
      'UNKNOWN_VERSION',
    )
    assert.equal(TRAINING_ERRORS.UNKNOWN_VERSION, 31)
    await chain.close()
  })
})
