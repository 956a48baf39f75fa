import assert from 'node:assert/strict'
import { MsgFundSubnetPool, REWARDS_ERRORS, rewardsModule } from '../../../../src/modules/rewards/index.js'
import { ModuleError, TX_CODES } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { codes } from '../training/harness.js'
import { RewardsChain, type Tx, allScore, eventsOf, who } from './harness.js'

const fund = (from: number, amount: bigint, subnet = 0n, denom = 'ufdr'): Tx => [
  from,
  MsgFundSubnetPool,
  { subnet, amount: { denom, amount } },
]

describe("rewards MsgFundSubnetPool: anyone adds to a subnet's pool, paid from its next settlement", () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('moves the funding into the pool, and the next settlement splits it with the emission', async () => {
    const c = await RewardsChain.open(dirs.next(), { rewards: { params: { emission_per_round: '0' } } })
    const before = c.balance(1)
    const funded = await c.block(fund(1, 1_000_000n))
    assert.deepEqual(codes(funded), [['', 0]])
    assert.deepEqual(eventsOf(funded, 'fund_subnet_pool'), [{ subnet: '0', depositor: who(1), amount: '1000000ufdr' }])
    assert.equal(before - c.balance(1), 1_000_000n + 200n, 'the funding and the fee')
    assert.deepEqual(c.query('pool', { subnet: '0' }), { subnet: '0', denom: 'ufdr', pool: '1000000' })
    await c.play({ scores: allScore({ 2: 1, 3: 1, 4: 1, 7: 1 }) })
    const p = c.query<{ available: string; trainers: { reward: string }[]; carried: string }>('payouts', { subnet: '0', round: '0' })
    assert.deepEqual([p.available, p.trainers.map((t) => t.reward), p.carried], ['1000000', ['175000', '175000', '175000', '175000'], '0'])
    await c.close()
  })

  it("refuses a zero amount statelessly (INVALID_AMOUNT, as the tx layer's INVALID_MESSAGE)", async () => {
    const handler = rewardsModule.messages.find((h) => h.type === MsgFundSubnetPool)!
    const invalidAmount = (e: unknown) =>
      e instanceof ModuleError && e.code === 'INVALID_AMOUNT' && e.context.numericCode === REWARDS_ERRORS.INVALID_AMOUNT
    assert.throws(() => handler.validate!({ subnet: 0n, amount: { denom: 'ufdr', amount: 0n } }), invalidAmount)
    const c = await RewardsChain.open(dirs.next())
    const refused = await c.blockOf([c.chain.sign(0, MsgFundSubnetPool, { subnet: 0n, amount: { denom: 'ufdr', amount: 0n } })])
    assert.deepEqual(codes(refused), [['tx', TX_CODES.INVALID_MESSAGE]])
    assert.deepEqual(
      refused.txResults.map((r) => r.log.includes('a pool funding must be positive')),
      [true],
    )
    await c.close()
  })

  it('refuses another denomination (BAD_DENOM), an unknown subnet (UNKNOWN_SUBNET) and more than the signer holds (INSUFFICIENT_FUNDS)', async () => {
    const c = await RewardsChain.open(dirs.next())
    const refused = await c.block(fund(1, 5n, 0n, 'uatom'), fund(1, 5n, 9n), fund(1, 10n ** 15n))
    assert.deepEqual(codes(refused), [
      ['rewards', REWARDS_ERRORS.BAD_DENOM],
      ['rewards', REWARDS_ERRORS.UNKNOWN_SUBNET],
      ['rewards', REWARDS_ERRORS.INSUFFICIENT_FUNDS],
    ])
    assert.deepEqual(c.query('pool', { subnet: '0' }), { subnet: '0', denom: 'ufdr', pool: '0' })
    await c.close()
  })
})
