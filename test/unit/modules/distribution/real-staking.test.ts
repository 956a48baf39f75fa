import assert from 'node:assert/strict'
import { MsgWithdrawRewards } from '../../../../src/modules/distribution/index.js'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { Dec } from '../../../../src/state/index.js'
import { testKey } from '../../../helpers/chain.js'
import { DistributionChain, addressOf, ok, valoper } from './harness.js'
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
    const chain = await DistributionChain.open({
      ...realDriver().options,
      params: { emission_per_block: '1000', community_tax: '0', base_proposer_reward: '0', bonus_proposer_reward: '0' },
    })
    try {
      const d = realDriver()
      ok(await chain.block([d.createValidator(chain, 0, '0', 1000n), d.delegate(chain, 3, 0, 3000n)]))
      const votes = [{ validator: d.consensusAddress(0), power: 4000n, signed: true }]
      await chain.block([], { proposer: d.consensusAddress(0), votes })
      const before = chain.balance(addressOf(3), BOND)
      ok(
        await chain.block([chain.tx(3, [{ type: MsgWithdrawRewards, value: { validator: addressOf(0) } }])], {
          proposer: d.consensusAddress(0),
          votes,
        }),
      )
      assert.equal(chain.balance(addressOf(3), BOND) - before, 1500n)
    } finally {
      await chain.close()
    }
  })

  it('keeps books for validators staking creates at genesis (gen_validators fire the hooks during init)', async () => {
    const d = realDriver()
    const options = d.options as any
    const chain = await DistributionChain.open({
      ...options,
      params: { emission_per_block: '1000', community_tax: '0', base_proposer_reward: '0', bonus_proposer_reward: '0' },
      appState: {
        staking: {
          ...options.appState.staking,
          gen_validators: [
            {
              operator: encodeAddress(addressOf(0)),
              pub_key: testKey(100).publicKey.hex,
              moniker: 'g0',
              self_bond: '4000',
              commission: { rate: '0.5', max_rate: '1', max_change_rate: '0.1' },
            },
          ],
        },
      },
    })
    try {
      const votes = [{ validator: d.consensusAddress(0), power: 4000n, signed: true }]
      await chain.block([], { proposer: d.consensusAddress(0), votes })
      assert.deepEqual(chain.query('distribution', 'commission', { validator: valoper(addressOf(0)) }).commission, [
        { denom: BOND, amount: '500' },
      ])
      assert.deepEqual(chain.query('distribution', 'rewards', { delegator: encodeAddress(addressOf(0)) }).total, [
        { denom: BOND, amount: '500' },
      ])
    } finally {
      await chain.close()
    }
  })

  it('pays the commission out and sends the dust to the pool when staking removes a validator', async () => {
    const d = realDriver()
    const options = d.options as any
    const chain = await DistributionChain.open({
      ...options,
      params: { emission_per_block: '1001', community_tax: '0', base_proposer_reward: '0', bonus_proposer_reward: '0' },
      appState: { staking: { params: { ...options.appState.staking.params, unbonding_time: '2000' } } },
    })
    try {
      ok(await chain.block([d.createValidator(chain, 0, '0.3', 3000n), d.createValidator(chain, 1, '0', 5000n)]))
      const votes = [
        { validator: d.consensusAddress(0), power: 3000n, signed: true },
        { validator: d.consensusAddress(1), power: 5000n, signed: true },
      ]
      await chain.block([], { proposer: d.consensusAddress(1), votes })
      const before = chain.balance(addressOf(0), BOND)
      ok(await chain.block([d.undelegate(chain, 0, 0, 3000n)], { proposer: d.consensusAddress(1), votes }))
      // the undelegation paid the self-delegation's rewards; the commission waits for the removal
      const paidAtUndelegation = chain.balance(addressOf(0), BOND) - before
      assert.ok(paidAtUndelegation > 0n)
      const commission = chain.query('distribution', 'commission', { validator: valoper(addressOf(0)) }).commission
      const owed = BigInt(commission.find((c: any) => c.denom === BOND).amount.split('.')[0])
      const one = [votes[1]!]
      for (let i = 0; i < 4; i++) await chain.block([], { proposer: d.consensusAddress(1), votes: one })
      assert.throws(
        () => chain.query('distribution', 'outstanding', { validator: valoper(addressOf(0)) }),
        (e: any) => e.code === 'UNKNOWN_VALIDATOR',
      )
      // the coins unbonded (3000) and the commission reached the operator
      assert.equal(chain.balance(addressOf(0), BOND) - before - paidAtUndelegation, 3000n + owed)
      const pool = chain.query('distribution', 'communityPool').pool.find((c: any) => c.denom === BOND)
      assert.ok(
        pool !== undefined && Dec.parse(pool.amount).gt(Dec.ZERO) && Dec.parse(pool.amount).lt(Dec.fromInt(2n)),
        JSON.stringify(pool),
      )
    } finally {
      await chain.close()
    }
  })
})
