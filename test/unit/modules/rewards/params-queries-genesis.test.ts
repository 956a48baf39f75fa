import assert from 'node:assert/strict'
import { REWARDS_ERRORS, rewardsParams } from '../../../../src/modules/rewards/index.js'
import { Dec, ModuleError, type StateDB, StateError } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { MsgFundSubnetPool } from '../../../../src/modules/rewards/index.js'
import { MsgTopUpSubnetBond } from '../../../../src/modules/subnets/index.js'
import { RewardsChain, TrainingChain, allScore, rewardsGenesisJson, VALIDATORS } from './harness.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const subtree = (db: StateDB, prefix: string) => [...db.iterate(Buffer.from(prefix))].map(([k, v]) => `${hex(k)}=${hex(v)}`)

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof ModuleError) return error.code
    throw error
  }
  return 'OK'
}

const genesisRefused = (e: unknown, path: RegExp) => e instanceof StateError && e.code === 'GENESIS_INVALID' && path.test(e.message)

describe('rewards params, queries and genesis', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('has documented defaults: 10 FDR a round, harmful below 0.02 of an equal share, 5% slashed', async () => {
    const c = await RewardsChain.open(dirs.next())
    assert.deepEqual(c.query('params'), {
      emission_per_round: '10000000',
      harmful_score_threshold: '0.02',
      slash_reputation_threshold: '0.25',
      trainer_slash_fraction: '0.05',
    })
    assert.deepEqual(c.query('totals'), { denom: 'ufdr', emitted: '0', burned: '0' })
    await c.close()
  })

  it('refuses params out of range, in genesis and through validate', async () => {
    for (const [params, path] of [
      [{ harmful_score_threshold: '1.5' }, /harmful_score_threshold/],
      [{ trainer_slash_fraction: '2' }, /trainer_slash_fraction/],
      [{ emission_per_round: '-1' }, /emission_per_round/],
      [{ emission: '1' }, /rewards\.params\.emission/],
    ] as const) {
      await assert.rejects(
        TrainingChain.open(dirs.next(), { genesis: rewardsGenesisJson({ params }) }),
        (e: unknown) => genesisRefused(e, path),
        JSON.stringify(params),
      )
    }
    assert.equal(
      codeOf(() => rewardsParams.validate({ ...rewardsParams.defaults, trainerSlashFraction: Dec.parse('1.1') })),
      'INVALID_PARAMS',
    )
  })

  it('answers INVALID_QUERY, UNKNOWN_SUBNET and UNKNOWN_PAYOUTS', async () => {
    const c = await RewardsChain.open(dirs.next())
    assert.equal(
      codeOf(() => c.query('pool', { subnet: 'one' })),
      'INVALID_QUERY',
    )
    assert.equal(
      codeOf(() => c.query('pool', { subnet: '9' })),
      'UNKNOWN_SUBNET',
    )
    assert.equal(
      codeOf(() => c.query('treasury', { subnet: '9' })),
      'UNKNOWN_SUBNET',
    )
    assert.equal(
      codeOf(() => c.query('payouts', { subnet: '0', round: '0' })),
      'UNKNOWN_PAYOUTS',
    )
    assert.equal(
      codeOf(() => c.query('payouts', { subnet: '0' })),
      'INVALID_QUERY',
    )
    assert.equal(REWARDS_ERRORS.UNKNOWN_PAYOUTS, 7)
    await c.close()
  })

  it('exports and re-imports its books unchanged (pools, treasuries, payouts, totals)', async () => {
    const c = await RewardsChain.open(dirs.next(), { rewards: { params: { slash_reputation_threshold: '1' } } })
    await c.play({
      scores: allScore({ 2: 3, 3: 5, 4: 7, 7: 0 }),
      txs: [[1, MsgFundSubnetPool, { subnet: 0n, amount: { denom: 'ufdr', amount: 12_345n } }]],
    })
    // Trainer 7 was slashed 50 as harmful: it tops its bond up to the subnet's minimum to train again.
    await c.play({
      scores: new Map([[VALIDATORS[0]!, null]]),
      txs: [[7, MsgTopUpSubnetBond, { subnet: 0n, role: 'trainer', amount: { denom: 'ufdr', amount: 50n } }]],
    })
    const exported = c.app.exportAppState()
    const section = exported.rewards as { pools: unknown[]; treasuries: unknown[]; payouts: unknown[]; totals: { burned: string } }
    assert.deepEqual(
      [section.pools.length, section.treasuries.length, section.payouts.length, section.totals.burned !== '0'],
      [1, 1, 2, true],
    )
    const fresh = await TrainingChain.open(dirs.next(), {
      genesis: { ...rewardsGenesisJson(), initial_height: c.chain.height + 1, app_state: exported },
    })
    assert.deepEqual(subtree(fresh.app.db, 'rewards/'), subtree(c.app.db, 'rewards/'))
    fresh.app.assertInvariants()
    assert.deepEqual(fresh.app.exportAppState().rewards, exported.rewards)
    await fresh.close()
    await c.close()
  })

  it('refuses a genesis whose pools do not match the rewards account, or whose payouts do not balance', async () => {
    const c = await RewardsChain.open(dirs.next())
    await c.play({ scores: allScore({ 2: 1, 3: 1, 4: 1, 7: 1 }) })
    const exported = c.app.exportAppState()
    const section = exported.rewards as { pools: unknown[]; payouts: Record<string, unknown>[] }
    const at = { ...rewardsGenesisJson(), initial_height: c.chain.height + 1 }
    const extraPool = { ...exported, rewards: { ...section, pools: [{ subnet: '0', amount: '1' }] } }
    await assert.rejects(TrainingChain.open(dirs.next(), { genesis: { ...at, app_state: extraPool } }), (e: unknown) =>
      genesisRefused(e, /rewards account holds/),
    )
    const unbalanced = { ...exported, rewards: { ...section, payouts: [{ ...section.payouts[0]!, carried: '5' }] } }
    await assert.rejects(TrainingChain.open(dirs.next(), { genesis: { ...at, app_state: unbalanced } }), (e: unknown) =>
      genesisRefused(e, /payouts\[0\]/),
    )
    await c.close()
  })
})
