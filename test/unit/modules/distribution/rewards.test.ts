import assert from 'node:assert/strict'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { MsgWithdrawAllRewards, MsgWithdrawCommission, MsgWithdrawRewards } from '../../../../src/modules/distribution/index.js'
import { FAKE_BOND_DENOM, MsgFakeCreateValidator, MsgFakeDelegate, MsgFakeSlash, MsgFakeUndelegate } from './fake-staking.js'
import { DistributionChain, addressOf, consensusAddress, ok, valoper } from './harness.js'

/** Emission only, no tax, no proposer reward: each block the last commit's validators share exactly 1,000,000 ustake. */
const EMISSION = { emission_per_block: '1000000', community_tax: '0', base_proposer_reward: '0', bonus_proposer_reward: '0' }
const one = [{ validator: consensusAddress(0), power: 1n, signed: true }]
const D = FAKE_BOND_DENOM

function assertWithinDust(actual: bigint, expected: bigint, what: string) {
  // F1 truncates the ratio (rewards ÷ tokens) at 18 digits and pays whole units: a payout is at most 1 unit short, never over.
  assert.ok(actual <= expected && actual >= expected - 1n, `${what}: got ${actual}, expected ${expected} (at most 1 below)`)
}

describe('distribution F1 rewards', () => {
  let chain: DistributionChain
  afterEach(async () => chain?.close())

  async function validatorWithDelegator(commissionRate = '0') {
    chain = await DistributionChain.open({ params: EMISSION })
    ok(
      await chain.block(
        [
          chain.tx(0, [
            { type: MsgFakeCreateValidator, value: { consensusAddress: consensusAddress(0), commissionRate, amount: 1_000_000n } },
          ]),
        ],
        { proposer: consensusAddress(0) },
      ),
    )
    // block 2 allocates 1,000,000 to the self-delegation alone, then account 3 delegates 3,000,000
    ok(
      await chain.block([chain.tx(3, [{ type: MsgFakeDelegate, value: { validator: addressOf(0), amount: 3_000_000n } }])], {
        proposer: consensusAddress(0),
        votes: one,
      }),
    )
  }

  const received = async (txs: Uint8Array[], who: number) => {
    const before = chain.balance(addressOf(who), D)
    const executed = await chain.block(txs, { proposer: consensusAddress(0), votes: one })
    executed.txResults.forEach((_, i) => ok(executed, i))
    return chain.balance(addressOf(who), D) - before
  }

  it('shares a period among delegators by stake, and a delegation earns nothing from before it began', async () => {
    await validatorWithDelegator()
    // block 3 allocates 1,000,000: 3/4 to account 3
    assertWithinDust(
      await received([chain.tx(3, [{ type: MsgWithdrawRewards, value: { validator: addressOf(0) } }])], 3),
      750_000n,
      'delegator',
    )
    // the operator: 1,000,000 (block 2) + 250,000 (block 3) + 250,000 (block 4)
    assertWithinDust(
      await received([chain.tx(0, [{ type: MsgWithdrawRewards, value: { validator: addressOf(0) } }])], 0),
      1_500_000n,
      'operator',
    )
  })

  it('pays what the rewards query showed', async () => {
    await validatorWithDelegator()
    await chain.block([], { proposer: consensusAddress(0), votes: one })
    const shown = chain.query('distribution', 'rewards', { delegator: encodeAddress(addressOf(3)), validator: valoper(addressOf(0)) })
    assert.equal(shown.rewards.length, 1)
    // the next block allocates one more period before the withdrawal runs
    const paid = await received([chain.tx(3, [{ type: MsgWithdrawRewards, value: { validator: addressOf(0) } }])], 3)
    assertWithinDust(paid, BigInt(shown.total.find((c: any) => c.denom === D).amount.split('.')[0]) + 750_000n, 'paid vs shown')
  })

  it('cuts the stake by a slash between withdrawals, so each period still pays by the stake it had', async () => {
    await validatorWithDelegator()
    // block 3: 750,000 for account 3; then the validator loses half its tokens
    ok(
      await chain.block([chain.tx(9, [{ type: MsgFakeSlash, value: { validator: addressOf(0), fraction: '0.5' } }])], {
        proposer: consensusAddress(0),
        votes: one,
      }),
    )
    // block 4: 1,000,000 over the halved stake, still 3/4 for account 3
    assertWithinDust(
      await received([chain.tx(3, [{ type: MsgWithdrawRewards, value: { validator: addressOf(0) } }])], 3),
      1_500_000n,
      'delegator across a slash',
    )
    const slashes = [
      chain.tx(9, [{ type: MsgFakeSlash, value: { validator: addressOf(0), fraction: '0.1' } }]),
      chain.tx(10, [{ type: MsgFakeSlash, value: { validator: addressOf(0), fraction: '0.3' } }]),
    ]
    // block 5 allocates, then two slashes in one block (two events at one height)
    ok(await chain.block(slashes, { proposer: consensusAddress(0), votes: one }))
    // operator: 1,000,000 + 4 × 250,000 (blocks 3..6)
    assertWithinDust(
      await received([chain.tx(0, [{ type: MsgWithdrawRewards, value: { validator: addressOf(0) } }])], 0),
      2_000_000n,
      'operator across three slashes',
    )
  })

  it('pays the pending rewards when a delegation grows or shrinks (the hook withdraws before the shares change)', async () => {
    await validatorWithDelegator()
    // block 3 allocates 750,000 to account 3, paid as it delegates 1 more (its balance also drops by that 1)
    assertWithinDust(
      (await received([chain.tx(3, [{ type: MsgFakeDelegate, value: { validator: addressOf(0), amount: 1n } }])], 3)) + 1n,
      750_000n,
      'paid on delegate',
    )
    // block 4: stake 3,000,001 of 4,000,001; paid as it undelegates 1,000,001 (which also comes back)
    const got = await received([chain.tx(3, [{ type: MsgFakeUndelegate, value: { validator: addressOf(0), amount: 1_000_001n } }])], 3)
    assertWithinDust(got - 1_000_001n, (1_000_000n * 3_000_001n) / 4_000_001n, 'paid on undelegate')
  })

  it('withdraws every delegation at once', async () => {
    chain = await DistributionChain.open({ params: EMISSION })
    ok(
      await chain.block([
        chain.tx(0, [
          { type: MsgFakeCreateValidator, value: { consensusAddress: consensusAddress(0), commissionRate: '0', amount: 1_000_000n } },
        ]),
        chain.tx(1, [
          { type: MsgFakeCreateValidator, value: { consensusAddress: consensusAddress(1), commissionRate: '0', amount: 1_000_000n } },
        ]),
        chain.tx(3, [
          { type: MsgFakeDelegate, value: { validator: addressOf(0), amount: 1_000_000n } },
          { type: MsgFakeDelegate, value: { validator: addressOf(1), amount: 3_000_000n } },
        ]),
      ]),
    )
    const both = [...one, { validator: consensusAddress(1), power: 1n, signed: true }]
    await chain.block([], { proposer: consensusAddress(0), votes: both })
    const before = chain.balance(addressOf(3), D)
    ok(await chain.block([chain.tx(3, [{ type: MsgWithdrawAllRewards, value: {} }])], { proposer: consensusAddress(0), votes: both }))
    // two blocks of 500,000 per validator: 1/2 of validator 0's, 3/4 of validator 1's
    assertWithinDust(chain.balance(addressOf(3), D) - before, 2n * 250_000n + 2n * 375_000n, 'withdraw all')
  })

  it('pays commission to the operator and keeps its fraction', async () => {
    await validatorWithDelegator('0.333333333333333333')
    const before = chain.balance(addressOf(0), D)
    ok(await chain.block([chain.tx(0, [{ type: MsgWithdrawCommission, value: {} }])], { proposer: consensusAddress(0), votes: one }))
    // two blocks of 1,000,000 × 0.333333333333333333 = 666,666.666666666666 in all (12 digits: 10^6 × an 18-digit rate)
    assert.equal(chain.balance(addressOf(0), D) - before, 666_666n)
    assert.equal(
      chain.query('distribution', 'commission', { validator: valoper(addressOf(0)) }).commission.find((c: any) => c.denom === D).amount,
      '0.666666666666',
    )
  })

  it('removes a validator whose last delegation leaves: commission to the operator, dust to the pool, records gone', async () => {
    await validatorWithDelegator('0.1')
    ok(
      await chain.block([chain.tx(3, [{ type: MsgFakeUndelegate, value: { validator: addressOf(0), amount: 3_000_000n } }])], {
        proposer: consensusAddress(0),
        votes: one,
      }),
    )
    const before = chain.balance(addressOf(0), D)
    ok(
      await chain.block([chain.tx(0, [{ type: MsgFakeUndelegate, value: { validator: addressOf(0), amount: 1_000_000n } }])], {
        proposer: consensusAddress(0),
        votes: one,
      }),
    )
    // back: 1,000,000 bonded + rewards (900,000 + 225,000 + 900,000) + commission 300,000, less dust
    const got = chain.balance(addressOf(0), D) - before
    assertWithinDust(got, 1_000_000n + 2_025_000n + 300_000n, 'operator on removal')
    assert.throws(
      () => chain.query('distribution', 'outstanding', { validator: valoper(addressOf(0)) }),
      (e: any) => e.code === 'UNKNOWN_VALIDATOR',
    )
  })
})
