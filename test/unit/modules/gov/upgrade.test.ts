import assert from 'node:assert/strict'
import { MsgSubmitProposal, MsgVote } from '../../../../src/modules/gov/index.js'
import { UPGRADE_HALT_EXIT_CODE, scheduledUpgrade, upgradeHaltOf, upgradeVerdict } from '../../../../src/node/upgrade.js'
import { NodeError } from '../../../../src/node/errors.js'
import { tempDirs } from '../../../support/chain.js'
import { GovChain, codeOf, eventsOf, proposal, softwareUpgrade } from './harness.js'

async function pass(c: GovChain, messages: Uint8Array[]) {
  const submitted = await c.block([7, MsgSubmitProposal, proposal({ messages })])
  assert.equal(submitted.txResults[0]!.code, 0, submitted.txResults[0]!.log)
  const id = BigInt(c.query('proposals').proposals.length)
  await c.block([3, MsgVote, { proposal: id, option: 'yes' }], [2, MsgVote, { proposal: id, option: 'yes' }])
  await c.untilTime(BigInt(c.proposal(id).voting_end_time))
  return id
}

describe('gov software upgrades: applied at their height, names used once', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it("the begin-block of the plan height records the upgrade applied and clears the plan, before that block's txs", async () => {
    const c = await GovChain.open(dirs.next())
    const id = await pass(c, [softwareUpgrade('v2', 20n, 'binary v2')])
    assert.equal(c.query('upgrade_plan').plan.name, 'v2')
    while (c.height < 19) await c.block()
    assert.deepEqual(c.query('applied_upgrades'), { upgrades: [] })
    const at = await c.block()
    assert.equal(at.input.height, 20)
    assert.deepEqual(eventsOf(at, 'upgrade_applied'), [{ name: 'v2', height: '20', proposal: String(id) }])
    assert.equal(at.beginBlockEvents.filter((e) => e.type === 'upgrade_applied').length, 1, 'in begin-block')
    assert.deepEqual(c.query('upgrade_plan'), { plan: null })
    assert.deepEqual(c.query('applied_upgrades'), { upgrades: [{ name: 'v2', height: '20' }] })
    await c.close()
  })

  it('refuses a new upgrade under an applied name at submission (UPGRADE_ALREADY_APPLIED), and fails one that passed meanwhile', async () => {
    const c = await GovChain.open(dirs.next())
    await pass(c, [softwareUpgrade('v2', 20n)])
    // A second proposal for v2 submitted while the first plan is pending passes its checks…
    const pending = await c.block([7, MsgSubmitProposal, proposal({ messages: [softwareUpgrade('v2', 100n)] })])
    assert.equal(codeOf(pending.txResults[0]!), 'OK')
    const id = BigInt(c.query('proposals').proposals.length)
    await c.block([3, MsgVote, { proposal: id, option: 'yes' }], [2, MsgVote, { proposal: id, option: 'yes' }])
    while (c.height < 20) await c.block()
    // …and once v2 is applied a new one is refused, nothing paid.
    const count = c.query('proposals').proposals.length
    const refused = await c.block([7, MsgSubmitProposal, proposal({ messages: [softwareUpgrade('v2', 200n)] })])
    assert.equal(codeOf(refused.txResults[0]!), 'UPGRADE_ALREADY_APPLIED')
    assert.equal(c.query('proposals').proposals.length, count, 'no proposal, no deposit taken')
    await c.untilTime(BigInt(c.proposal(id).voting_end_time))
    assert.equal(c.proposal(id).status, 'failed')
    assert.match(c.proposal(id).failed_reason, /upgrade v2 was applied at height 20/)
    assert.deepEqual(c.query('upgrade_plan'), { plan: null })
    await c.close()
  })

  it('exports and imports the applied records; a genesis naming one twice is refused', async () => {
    const c = await GovChain.open(dirs.next())
    await pass(c, [softwareUpgrade('v2', 20n)])
    while (c.height < 20) await c.block()
    const gov = c.app.exportAppState().gov as Record<string, unknown>
    assert.deepEqual(gov.applied_upgrades, [{ name: 'v2', height: '20' }])
    await c.close()
    const { params: _p, ...section } = gov
    const again = await GovChain.open(dirs.next(), { ...section, proposals: [], deposits: [], votes: [], next_proposal_id: '1' })
    assert.deepEqual(again.query('applied_upgrades'), { upgrades: [{ name: 'v2', height: '20' }] })
    await again.close()
    await assert.rejects(
      GovChain.open(dirs.next(), {
        applied_upgrades: [
          { name: 'v2', height: '3' },
          { name: 'v2', height: '4' },
        ],
      }),
      /applied_upgrades\[1\]\.name.*listed twice/,
    )
  })
})

describe('node halt at a software upgrade (x/upgrade PreBlocker, node side)', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())
  const plan = { name: 'v2', height: 20, info: '' }

  it('upgradeVerdict: halt at the height without the upgrade, run with it, refuse it early, ignore a plan further ahead', () => {
    assert.equal(upgradeVerdict(null, 5, new Set(['v2'])), 'run')
    assert.equal(upgradeVerdict(plan, 19, new Set()), 'run')
    assert.equal(upgradeVerdict(plan, 20, new Set()), 'halt')
    assert.equal(upgradeVerdict(plan, 20, new Set(['v1'])), 'halt')
    assert.equal(upgradeVerdict(plan, 20, new Set(['v2'])), 'run')
    assert.equal(upgradeVerdict(plan, 19, new Set(['v2'])), 'early')
    assert.equal(UPGRADE_HALT_EXIT_CODE, 3)
  })

  it('a node without the upgrade must not execute the plan height (UPGRADE_NEEDED naming it); with it, it runs it and the chain records it', async () => {
    const c = await GovChain.open(dirs.next())
    await pass(c, [softwareUpgrade('v2', 20n, 'https://example.org/v2')])
    while (c.height < 18) await c.block()
    assert.equal(upgradeHaltOf(c.app, new Set()), null, 'height 19 is not the plan height')
    await c.block()
    assert.deepEqual(scheduledUpgrade(c.app), { name: 'v2', height: 20, info: 'https://example.org/v2' })
    const halt = upgradeHaltOf(c.app, new Set(['v1']))
    assert.ok(halt instanceof NodeError)
    assert.equal(halt.code, 'UPGRADE_NEEDED')
    assert.equal(halt.message, 'UPGRADE_NEEDED: UPGRADE "v2" NEEDED at height 20: https://example.org/v2')
    assert.deepEqual(halt.context, { height: 20, upgrade: 'v2' })
    assert.equal(upgradeHaltOf(c.app, new Set(['v2'])), null)
    await c.block()
    assert.deepEqual(c.query('applied_upgrades').upgrades, [{ name: 'v2', height: '20' }])
    assert.equal(upgradeHaltOf(c.app, new Set(['v2'])), null, 'applied: the flag stays harmless')
    assert.equal(upgradeHaltOf(c.app, new Set()), null, 'and a node without it goes on too')
    await c.close()
  })

  it('a binary started with the upgrade before its height is refused (UPGRADE_TOO_EARLY)', async () => {
    const c = await GovChain.open(dirs.next())
    await pass(c, [softwareUpgrade('v2', 20n)])
    assert.equal(upgradeHaltOf(c.app, new Set(['v2']))?.code, 'UPGRADE_TOO_EARLY')
    assert.equal(upgradeHaltOf(c.app, new Set()), null)
    await c.close()
  })
})
