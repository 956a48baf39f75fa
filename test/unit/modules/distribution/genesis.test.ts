import assert from 'node:assert/strict'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { MsgSetWithdrawAddress, MsgWithdrawAllRewards, distributionModule } from '../../../../src/modules/distribution/index.js'
import { DistributionChain, addressOf, ok, valoper } from './harness.js'
import { BOND, realDriver } from './real-staking-driver.js'

const PARAMS = { emission_per_block: '123457' }

describe('distribution genesis', () => {
  it('exports its F1 books and a chain started from the export pays exactly what the original would', async function () {
    this.timeout(60_000)
    const d = realDriver()
    const a = await DistributionChain.open({ ...d.options, params: PARAMS })
    let b: DistributionChain | undefined
    try {
      ok(
        await a.block([
          d.createValidator(a, 0, '0.1', 2_000_000n),
          d.createValidator(a, 1, '0.25', 1_000_000n),
          d.delegate(a, 3, 0, 700_000n),
          d.delegate(a, 4, 1, 333_333n),
          a.tx(3, [{ type: MsgSetWithdrawAddress, value: { address: addressOf(15) } }]),
        ]),
      )
      const votes = () =>
        d
          .snapshot(a)
          .validators.map((v) => ({ validator: Uint8Array.from(Buffer.from(v.consensusAddress, 'hex')), power: v.tokens, signed: true }))
      for (let i = 0; i < 6; i++) {
        const txs = i === 2 ? [d.slash(a, 1, '0.2')] : i === 4 ? [d.delegate(a, 3, 0, 5n)] : []
        const executed = await a.block(txs, { proposer: d.consensusAddress(i % 2), votes: votes() })
        executed.txResults.forEach((_, j) => ok(executed, j))
      }
      const exported = a.app.exportAppState()
      const section = exported.distribution as Record<string, unknown[]>
      assert.ok(
        section.slash_events!.length > 0 && section.delegator_starting_infos!.length === 4 && section.withdraw_addresses!.length === 1,
      )

      b = await DistributionChain.open({ ...d.options, params: PARAMS, appState: exported, initialHeight: a.height + 1 })
      b.adoptNonces(a)
      assert.deepEqual(b.app.exportAppState().distribution, exported.distribution)
      for (const who of [0, 1, 3, 4])
        assert.deepEqual(
          b.query('distribution', 'rewards', { delegator: encodeAddress(addressOf(who)) }),
          a.query('distribution', 'rewards', { delegator: encodeAddress(addressOf(who)) }),
        )

      // the same next blocks on both: the previous proposer, the fees and every payout carry over
      for (const chain of [a, b]) {
        const v = votes()
        await chain.block([], { proposer: d.consensusAddress(1), votes: v })
        const executed = await chain.block(
          [0, 1, 3, 4].map((i) => chain.tx(i, [{ type: MsgWithdrawAllRewards, value: {} }])),
          { proposer: d.consensusAddress(0), votes: v },
        )
        executed.txResults.forEach((_, j) => ok(executed, j))
      }
      for (const who of [0, 1, 15, 4]) assert.equal(b.balance(addressOf(who), BOND), a.balance(addressOf(who), BOND), `account ${who}`)
      assert.deepEqual(b.query('distribution', 'communityPool'), a.query('distribution', 'communityPool'))
      assert.deepEqual(
        b.query('distribution', 'outstanding', { validator: valoper(addressOf(1)) }),
        a.query('distribution', 'outstanding', { validator: valoper(addressOf(1)) }),
      )
    } finally {
      await a.close()
      await b?.close()
    }
  })

  const section = (extra: Record<string, unknown>) => distributionModule.genesis.validate(extra, 'app_state.distribution')
  const invalidAt = (path: string) => (e: any) => e.code === 'GENESIS_INVALID' && e.context.path === path

  it('rejects unsorted community pool coins, naming the field', () => {
    assert.throws(
      () =>
        section({
          community_pool: [
            { denom: 'ustake', amount: '1' },
            { denom: 'ufdr', amount: '1' },
          ],
        }),
      invalidAt('app_state.distribution.community_pool[1].denom'),
    )
  })

  it('rejects a slash fraction above 1', () => {
    assert.throws(
      () => section({ slash_events: [{ validator: valoper(addressOf(0)), height: '3', period: '2', fraction: '1.5' }] }),
      invalidAt('app_state.distribution.slash_events[0].fraction'),
    )
  })

  it('rejects an account where a validator is expected', () => {
    assert.throws(
      () => section({ outstanding_rewards: [{ validator: encodeAddress(addressOf(0)), rewards: [] }] }),
      invalidAt('app_state.distribution.outstanding_rewards[0].validator'),
    )
  })

  it('refuses books the distribution account does not hold', async () => {
    await assert.rejects(
      DistributionChain.open({ appState: { distribution: { community_pool: [{ denom: 'ufdr', amount: '10' }] } } }),
      (e: any) => e.code === 'GENESIS_INVALID' && /solvency|owe/.test(e.message),
    )
  })

  it('refuses a historical record nothing points at', async () => {
    const record = { validator: valoper(addressOf(0)), period: '0', cumulative_reward_ratio: [], reference_count: 1 }
    await assert.rejects(
      DistributionChain.open({ appState: { distribution: { historical_rewards: [record] } } }),
      (e: any) => e.code === 'GENESIS_INVALID' && /reference/.test(e.message),
    )
  })
})
