import assert from 'node:assert/strict'
import { MsgWithdrawRewards } from '../../../../src/modules/distribution/index.js'
import { DistributionChain, addressOf, ok } from './harness.js'
import { runReferenceScenario } from './reference-model.js'
import { BOND, realDriver } from './real-staking-driver.js'

describe('distribution against a reference model (real staking)', () => {
  it('pays every delegator and operator over 52 blocks what a per-block loop over every delegator computes, to the unit', async function () {
    this.timeout(180_000)
    const report = await runReferenceScenario(realDriver())
    assert.ok(report.payouts > 50, `only ${report.payouts} payouts`)
    assert.ok(report.short <= report.payouts / 4, `${report.short} of ${report.payouts} payouts were short`)
  })

  it('initialises a validator created by staking and pays its delegator through a real withdrawal', async () => {
    const chain = await DistributionChain.open({ ...realDriver().options, params: { emission_per_block: '1000', community_tax: '0', base_proposer_reward: '0', bonus_proposer_reward: '0' } })
    try {
      const d = realDriver()
      ok(await chain.block([d.createValidator(chain, 0, '0', 1000n), d.delegate(chain, 3, 0, 3000n)]))
      const votes = [{ validator: d.consensusAddress(0), power: 4000n, signed: true }]
      await chain.block([], { proposer: d.consensusAddress(0), votes })
      const before = chain.balance(addressOf(3), BOND)
      ok(await chain.block([chain.tx(3, [{ type: MsgWithdrawRewards, value: { validator: addressOf(0) } }])], { proposer: d.consensusAddress(0), votes }))
      assert.equal(chain.balance(addressOf(3), BOND) - before, 1500n)
    } finally {
      await chain.close()
    }
  })
})
