import assert from 'node:assert/strict'
import { MsgSubmitProposal, MsgVote, GovKeeper } from '../../../../src/modules/gov/index.js'
import { CacheStore, Context, GasMeter, outsideBlock } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { GovChain, cancelUpgrade, eventsOf, proposal, softwareUpgrade, updateParams } from './harness.js'

/** Submits `messages` as a proposal of account 7, has validators 2 and 3 (70 of 100M) vote yes, and runs to its voting end. */
async function pass(c: GovChain, messages: Uint8Array[]) {
  const submitted = await c.block([7, MsgSubmitProposal, proposal({ messages })])
  assert.equal(submitted.txResults[0]!.code, 0, submitted.txResults[0]!.log)
  const id = BigInt(c.query('proposals').proposals.length)
  await c.block([3, MsgVote, { proposal: id, option: 'yes' }], [2, MsgVote, { proposal: id, option: 'yes' }])
  const ended = await c.untilTime(BigInt(c.proposal(id).voting_end_time))
  return { id, ended }
}

describe('gov execution of passed proposals', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it("changes slashing's and training's params from the block that executes the proposal, all messages in order", async () => {
    const c = await GovChain.open(dirs.next())
    const slashing = c.query('params', {}, 'slashing')
    const training = c.query('params', {}, 'training')
    assert.equal(slashing.slash_fraction_downtime, '0.01')
    const { id, ended } = await pass(c, [
      updateParams('slashing', { ...slashing, slash_fraction_downtime: '0.02' }),
      updateParams('training', { ...training, score_window: training.score_window + 3 }),
    ])
    assert.equal(c.proposal(id).status, 'passed')
    assert.equal(c.query('params', {}, 'slashing').slash_fraction_downtime, '0.02')
    assert.equal(c.query('params', {}, 'training').score_window, training.score_window + 3)
    const changed = eventsOf(ended, 'params_changed')
    assert.deepEqual(
      changed.map((e) => e.module),
      ['slashing', 'training'],
    )
    assert.equal(JSON.parse(changed[0]!.params!).slash_fraction_downtime, '0.02')
    // The block before did not have them yet.
    const before = c.blocks[c.blocks.length - 2]!
    assert.equal(eventsOf(before, 'params_changed').length, 0)
    await c.close()
  })

  it("a value the module's checks refuse fails the proposal with the reason and changes no params, not even the valid message's", async () => {
    const c = await GovChain.open(dirs.next())
    const slashing = c.query('params', {}, 'slashing')
    const training = c.query('params', {}, 'training')
    const { id, ended } = await pass(c, [
      updateParams('training', { ...training, score_window: training.score_window + 3 }),
      updateParams('slashing', { ...slashing, slash_fraction_downtime: '1.5' }),
    ])
    const p = c.proposal(id)
    assert.deepEqual([p.status, p.outcome, p.deposits], ['failed', 'execution_failed', 'refunded'])
    assert.match(p.failed_reason, /message 1 \(gov\/MsgUpdateParams\).*slash_fraction_downtime/)
    assert.deepEqual(c.query('params', {}, 'slashing'), slashing)
    assert.deepEqual(c.query('params', {}, 'training'), training)
    assert.equal(eventsOf(ended, 'params_changed').length, 0)
    assert.equal(eventsOf(ended, 'proposal_failed')[0]!.reason, p.failed_reason)
    await c.close()
  })

  it('gov changes its own params too', async () => {
    const c = await GovChain.open(dirs.next())
    const gov = c.query('params')
    await pass(c, [updateParams('gov', { ...gov, voting_period: '20000' })])
    assert.equal(c.query('params').voting_period, '20000')
    const again = await c.block([7, MsgSubmitProposal, proposal()])
    assert.equal(c.query('proposals').proposals[1].voting_end_time, String(again.input.time + 20_000n))
    await c.close()
  })

  it('schedules a software upgrade (query and keeper), replaces it, and cancels it', async () => {
    const c = await GovChain.open(dirs.next())
    assert.deepEqual(c.query('upgrade_plan'), { plan: null })
    const { id, ended } = await pass(c, [softwareUpgrade('v2', 1000n, 'https://example.org/v2')])
    assert.deepEqual(c.query('upgrade_plan'), {
      plan: { name: 'v2', height: '1000', info: 'https://example.org/v2', proposal: String(id) },
    })
    assert.equal(eventsOf(ended, 'upgrade_scheduled')[0]!.height, '1000')
    const keeper = () =>
      new GovKeeper(
        new Context(outsideBlock('fedra-test-1', c.height), new CacheStore(c.app.db), new GasMeter(2n ** 64n), c.app.registry).forModule(
          'gov',
        ),
      )
    assert.equal(keeper().upgradePlan()?.name, 'v2')
    await pass(c, [softwareUpgrade('v3', 2000n)])
    assert.equal(keeper().upgradePlan()?.name, 'v3')
    const cancelled = await pass(c, [cancelUpgrade()])
    assert.deepEqual(c.query('upgrade_plan'), { plan: null })
    assert.equal(keeper().upgradePlan(), undefined)
    assert.equal(eventsOf(cancelled.ended, 'upgrade_cancelled')[0]!.name, 'v3')
    await c.close()
  })

  it('an upgrade whose height has passed by the time it executes fails the proposal', async () => {
    const c = await GovChain.open(dirs.next())
    const { id } = await pass(c, [softwareUpgrade('v2', 5n)])
    assert.equal(c.proposal(id).status, 'failed')
    assert.match(c.proposal(id).failed_reason, /upgrade height 5 is not above/)
    assert.deepEqual(c.query('upgrade_plan'), { plan: null })
    await c.close()
  })

  it('a text proposal passes and executes nothing', async () => {
    const c = await GovChain.open(dirs.next())
    const { id, ended } = await pass(c, [])
    assert.equal(c.proposal(id).status, 'passed')
    assert.equal(eventsOf(ended, 'params_changed').length, 0)
    await c.close()
  })
})
