import assert from 'node:assert/strict'
import { FEE_COLLECTOR, MsgSend } from '../../../../src/modules/bank/index.js'
import { DISTRIBUTION_ACCOUNT, FEE_COLLECTOR as DISTRIBUTION_FEE_COLLECTOR } from '../../../../src/modules/distribution/index.js'
import { Dec, moduleAddress } from '../../../../src/state/index.js'
import { FAKE_BOND_DENOM, MsgFakeCreateValidator } from './fake-staking.js'
import { DistributionChain, FEE_DENOM, addressOf, consensusAddress, ok, valoper } from './harness.js'

const coin = (list: { denom: string; amount: string }[], denom: string) => list.find((c) => c.denom === denom)?.amount ?? '0'

/** Two validators: 0 with 10% commission and power 3, 1 with 50% and power 1. */
async function twoValidators(params: Record<string, unknown> = {}) {
  const chain = await DistributionChain.open({ params })
  ok(
    await chain.block(
      [
        chain.tx(0, [
          { type: MsgFakeCreateValidator, value: { consensusAddress: consensusAddress(0), commissionRate: '0.1', amount: 3_000_000n } },
        ]),
        chain.tx(1, [
          { type: MsgFakeCreateValidator, value: { consensusAddress: consensusAddress(1), commissionRate: '0.5', amount: 1_000_000n } },
        ]),
      ],
      { proposer: consensusAddress(0) },
    ),
  )
  return chain
}

const votes = (signed1 = true) => [
  { validator: consensusAddress(0), power: 3n, signed: true },
  { validator: consensusAddress(1), power: 1n, signed: signed1 },
]

describe('distribution allocation', () => {
  let chain: DistributionChain
  afterEach(async () => chain?.close())

  it('empties the account bank pays fees into', () => {
    assert.equal(DISTRIBUTION_FEE_COLLECTOR, FEE_COLLECTOR)
  })

  it('leaves the fees of the first block in the fee collector when there is no last commit', async () => {
    chain = await twoValidators()
    // block 1 had no last commit: its two fees are still in the collector
    assert.equal(chain.feeCollector().get(FEE_DENOM), 400n)
    assert.deepEqual(chain.query('distribution', 'communityPool'), { pool: [] })
  })

  it('splits fees into proposer reward, community tax and power-weighted validator rewards, commission apart', async () => {
    chain = await twoValidators()
    await chain.block([], { proposer: consensusAddress(1), votes: votes() })
    // 400 fees: proposer (validator 0, block 1's proposer) 5% = 20; tax 2% = 8; votes 93% = 372 → 279 to v0, 93 to v1
    assert.equal(chain.feeCollector().size, 0)
    const pool = chain.query('distribution', 'communityPool').pool
    assert.equal(coin(pool, FEE_DENOM), '8')
    const v0 = chain.query('distribution', 'outstanding', { validator: valoper(addressOf(0)) })
    assert.equal(coin(v0.rewards, FEE_DENOM), '299')
    assert.equal(coin(chain.query('distribution', 'commission', { validator: valoper(addressOf(0)) }).commission, FEE_DENOM), '29.9')
    const v1 = chain.query('distribution', 'outstanding', { validator: valoper(addressOf(1)) })
    assert.equal(coin(v1.rewards, FEE_DENOM), '93')
    assert.equal(coin(chain.query('distribution', 'commission', { validator: valoper(addressOf(1)) }).commission, FEE_DENOM), '46.5')
    assert.equal(chain.balance(moduleAddress(DISTRIBUTION_ACCOUNT), FEE_DENOM), 400n)
  })

  it('scales the proposer bonus by the signed fraction of power', async () => {
    chain = await twoValidators()
    await chain.block([], { proposer: consensusAddress(1), votes: votes(false) })
    // signed 3/4: proposer 1% + 4% × 0.75 = 4% = 16; votes 1 − 0.04 − 0.02 = 94% = 376 → 282 / 94 (unsigned votes still earn)
    const v0 = chain.query('distribution', 'outstanding', { validator: valoper(addressOf(0)) })
    assert.equal(coin(v0.rewards, FEE_DENOM), '298')
    const v1 = chain.query('distribution', 'outstanding', { validator: valoper(addressOf(1)) })
    assert.equal(coin(v1.rewards, FEE_DENOM), '94')
    assert.equal(coin(chain.query('distribution', 'communityPool').pool, FEE_DENOM), '8')
  })

  it("sends the share of a vote naming an unknown consensus address, and an unknown proposer's reward, to the community pool", async () => {
    chain = await twoValidators()
    await chain.block([], {
      proposer: new Uint8Array(20).fill(9),
      votes: [...votes(), { validator: new Uint8Array(20).fill(7), power: 4n, signed: true }],
    })
    // total power 8: proposer (v0) 1% + 4% × 1 = 20; votes 372 × 3/8 = 139.5, × 1/8 = 46.5, unknown 186 → pool 8 + 186
    assert.equal(coin(chain.query('distribution', 'outstanding', { validator: valoper(addressOf(0)) }).rewards, FEE_DENOM), '159.5')
    assert.equal(coin(chain.query('distribution', 'communityPool').pool, FEE_DENOM), '194')
    // a block proposed by 9…9 (unknown to staking) with a fee in it: the next block's proposer share goes to the pool
    ok(
      await chain.block([chain.tx(5, [{ type: MsgSend, value: { to: addressOf(6), amount: [{ denom: FEE_DENOM, amount: 1n }] } }])], {
        proposer: new Uint8Array(20).fill(9),
        votes: votes(),
      }),
    )
    await chain.block([], { proposer: consensusAddress(0), votes: votes() })
    // block 4 allocates block 3's 200 fees: 5% (10) for the unknown proposer and 2% (4) tax to the pool
    assert.equal(coin(chain.query('distribution', 'communityPool').pool, FEE_DENOM), '208')
  })

  it('mints the emission into the distribution account and allocates it with the fees; the supply grows by exactly the emission', async () => {
    chain = await twoValidators({ emission_per_block: '1000000' })
    const before = chain.supply(FAKE_BOND_DENOM)
    const feeSupply = chain.supply(FEE_DENOM)
    await chain.block([], { proposer: consensusAddress(0), votes: votes() })
    await chain.block([], { proposer: consensusAddress(0), votes: votes() })
    assert.equal(chain.supply(FAKE_BOND_DENOM), before + 2_000_000n)
    assert.equal(chain.supply(FEE_DENOM), feeSupply)
    assert.equal(coin(chain.query('distribution', 'communityPool').pool, FAKE_BOND_DENOM), '40000')
    assert.equal(chain.balance(moduleAddress(DISTRIBUTION_ACCOUNT), FAKE_BOND_DENOM), 2_000_000n)
    assert.equal(chain.feeCollector().get(FAKE_BOND_DENOM), undefined)
    assert.equal(chain.balance(moduleAddress(FEE_COLLECTOR), FAKE_BOND_DENOM), 0n)
  })

  it('sends everything to the community pool when the last commit has no power', async () => {
    chain = await twoValidators()
    await chain.block([], { proposer: consensusAddress(0), votes: [] })
    assert.equal(coin(chain.query('distribution', 'communityPool').pool, FEE_DENOM), '400')
  })

  it('allocates to the commission rate with truncation, the rest to the current period', async () => {
    chain = await twoValidators({ community_tax: '0', base_proposer_reward: '0', bonus_proposer_reward: '0' })
    await chain.block([], { proposer: consensusAddress(0), votes: [{ validator: consensusAddress(0), power: 3n, signed: true }] })
    const commission = chain.query('distribution', 'commission', { validator: valoper(addressOf(0)) }).commission
    assert.equal(coin(commission, FEE_DENOM), '40')
    const rewards = chain.query('distribution', 'rewards', {
      delegator: (await import('../../../../src/crypto/index.js')).encodeAddress(addressOf(0)),
    })
    assert.equal(coin(rewards.total, FEE_DENOM), Dec.fromInt(360n).toString())
  })
})
