import assert from 'node:assert/strict'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { BANK_ERRORS, FEE_COLLECTOR } from '../../../../src/modules/bank/index.js'
import {
  DISTRIBUTION_ACCOUNT,
  DISTRIBUTION_ERRORS,
  type DistributionErrorCode,
  MsgFundCommunityPool,
  MsgSetWithdrawAddress,
  MsgWithdrawAllRewards,
  MsgWithdrawCommission,
  MsgWithdrawRewards,
  distributionModule,
} from '../../../../src/modules/distribution/index.js'
import { type ExecutedBlock, TX_CODES, moduleAddress } from '../../../../src/state/index.js'
import { FAKE_BOND_DENOM, MsgFakeCreateValidator, MsgFakeDelegate } from './fake-staking.js'
import { DistributionChain, FEE_DENOM, addressOf, consensusAddress, ok, valoper } from './harness.js'

const EMISSION = { emission_per_block: '1000000', community_tax: '0', base_proposer_reward: '0', bonus_proposer_reward: '0' }
const one = [{ validator: consensusAddress(0), power: 1n, signed: true }]

function rejected(executed: ExecutedBlock, code: DistributionErrorCode, index = 0) {
  const result = executed.txResults[index]!
  assert.equal(result.codespace, 'distribution', result.log)
  assert.equal(result.code, DISTRIBUTION_ERRORS[code], result.log)
  assert.match(result.log, /\w{8,}/)
}

describe('distribution messages', () => {
  let chain: DistributionChain
  afterEach(async () => chain?.close())

  async function open(params: Record<string, unknown> = EMISSION) {
    chain = await DistributionChain.open({ params })
    ok(
      await chain.block(
        [
          chain.tx(0, [
            { type: MsgFakeCreateValidator, value: { consensusAddress: consensusAddress(0), commissionRate: '0.1', amount: 1_000_000n } },
          ]),
        ],
        { proposer: consensusAddress(0) },
      ),
    )
  }
  const next = (txs: Uint8Array[]) => chain.block(txs, { proposer: consensusAddress(0), votes: one })

  it('rejects withdrawing rewards from a validator that does not exist', async () => {
    await open()
    rejected(await next([chain.tx(3, [{ type: MsgWithdrawRewards, value: { validator: addressOf(9) } }])]), 'UNKNOWN_VALIDATOR')
  })

  it('rejects withdrawing rewards without a delegation', async () => {
    await open()
    rejected(await next([chain.tx(3, [{ type: MsgWithdrawRewards, value: { validator: addressOf(0) } }])]), 'NO_DELEGATION')
  })

  it('rejects withdrawing all rewards with no delegations', async () => {
    await open()
    rejected(await next([chain.tx(3, [{ type: MsgWithdrawAllRewards, value: {} }])]), 'NO_DELEGATION')
  })

  it('rejects withdrawing commission by an account that operates no validator', async () => {
    await open()
    rejected(await next([chain.tx(3, [{ type: MsgWithdrawCommission, value: {} }])]), 'UNKNOWN_VALIDATOR')
  })

  it('rejects withdrawing commission when less than one unit has accrued', async () => {
    // in the first block nothing is allocated (no last commit), so a validator created there has no commission yet
    chain = await DistributionChain.open({ params: EMISSION })
    const executed = await chain.block([
      chain.tx(0, [
        { type: MsgFakeCreateValidator, value: { consensusAddress: consensusAddress(0), commissionRate: '0.1', amount: 1_000_000n } },
      ]),
      chain.tx(0, [{ type: MsgWithdrawCommission, value: {} }]),
    ])
    ok(executed, 0)
    rejected(executed, 'NO_COMMISSION', 1)
  })

  it('pays commission to the operator and rewards to the withdraw address it set', async () => {
    await open()
    ok(await next([chain.tx(0, [{ type: MsgSetWithdrawAddress, value: { address: addressOf(15) } }])]))
    assert.deepEqual(chain.query('distribution', 'withdrawAddress', { delegator: encodeAddress(addressOf(0)) }), {
      delegator: encodeAddress(addressOf(0)),
      withdraw_address: encodeAddress(addressOf(15)),
    })
    const before = chain.balance(addressOf(15), FAKE_BOND_DENOM)
    ok(
      await next([
        chain.tx(0, [
          { type: MsgWithdrawCommission, value: {} },
          { type: MsgWithdrawRewards, value: { validator: addressOf(0) } },
        ]),
      ]),
    )
    // blocks 2 and 3: 2,000,000 → 200,000 commission, 1,800,000 rewards
    const got = chain.balance(addressOf(15), FAKE_BOND_DENOM) - before
    assert.ok(got <= 2_000_000n && got >= 1_999_999n, String(got))
  })

  it('resets the withdraw address to the delegator when set to itself', async () => {
    await open()
    ok(await next([chain.tx(3, [{ type: MsgSetWithdrawAddress, value: { address: addressOf(15) } }])]))
    ok(await next([chain.tx(3, [{ type: MsgSetWithdrawAddress, value: { address: addressOf(3) } }])]))
    assert.equal(
      chain.query('distribution', 'withdrawAddress', { delegator: encodeAddress(addressOf(3)) }).withdraw_address,
      encodeAddress(addressOf(3)),
    )
  })

  it('rejects setting a withdraw address when withdraw addresses are disabled', async () => {
    await open({ ...EMISSION, withdraw_addr_enabled: false })
    rejected(await next([chain.tx(3, [{ type: MsgSetWithdrawAddress, value: { address: addressOf(15) } }])]), 'WITHDRAW_ADDRESS_DISABLED')
  })

  it('rejects a module account as withdraw address', async () => {
    await open()
    rejected(
      await next([chain.tx(3, [{ type: MsgSetWithdrawAddress, value: { address: moduleAddress(FEE_COLLECTOR) } }])]),
      'WITHDRAW_ADDRESS_BLOCKED',
    )
    rejected(
      await next([chain.tx(3, [{ type: MsgSetWithdrawAddress, value: { address: moduleAddress(DISTRIBUTION_ACCOUNT) } }])]),
      'WITHDRAW_ADDRESS_BLOCKED',
    )
  })

  it('funds the community pool from the signer', async () => {
    await open()
    const supply = chain.supply(FEE_DENOM)
    ok(
      await next([
        chain.tx(3, [
          {
            type: MsgFundCommunityPool,
            value: {
              amount: [
                { denom: FEE_DENOM, amount: 12_345n },
                { denom: FAKE_BOND_DENOM, amount: 5n },
              ],
            },
          },
        ]),
      ]),
    )
    const pool = chain.query('distribution', 'communityPool').pool as { denom: string; amount: string }[]
    assert.deepEqual(
      pool.find((c) => c.denom === FAKE_BOND_DENOM),
      { denom: FAKE_BOND_DENOM, amount: '5' },
    )
    assert.ok(BigInt(pool.find((c) => c.denom === FEE_DENOM)!.amount) >= 12_345n)
    assert.equal(chain.supply(FEE_DENOM), supply)
  })

  it('refuses to fund the pool with more than the signer has (bank INSUFFICIENT_FUNDS)', async () => {
    await open()
    const executed = await next([chain.tx(3, [{ type: MsgFundCommunityPool, value: { amount: [{ denom: 'unobody', amount: 1n }] } }])])
    assert.equal(executed.txResults[0]!.codespace, 'bank')
    assert.equal(executed.txResults[0]!.code, BANK_ERRORS.INSUFFICIENT_FUNDS)
  })

  for (const [what, amount] of [
    [
      'unsorted',
      [
        { denom: 'ustake', amount: 1n },
        { denom: 'ufdr', amount: 1n },
      ],
    ],
    [
      'duplicate',
      [
        { denom: 'ufdr', amount: 1n },
        { denom: 'ufdr', amount: 1n },
      ],
    ],
    ['zero', [{ denom: 'ufdr', amount: 0n }]],
    ['badly named', [{ denom: 'U', amount: 1n }]],
  ] as const) {
    it(`rejects funding the pool with ${what} coins (INVALID_COINS, before state)`, async () => {
      const handler = distributionModule.messages.find((m) => m.type === MsgFundCommunityPool)!
      assert.throws(
        () => handler.validate!({ amount }),
        (e: any) =>
          e.code === 'INVALID_COINS' &&
          e.context.codespace === 'distribution' &&
          e.context.numericCode === DISTRIBUTION_ERRORS.INVALID_COINS,
      )
      await open()
      const executed = await next([chain.tx(3, [{ type: MsgFundCommunityPool, value: { amount } }])])
      assert.equal(executed.txResults[0]!.code, TX_CODES.INVALID_MESSAGE)
    })
  }

  it('withdraws a delegation that earned nothing yet without paying anything', async () => {
    await open()
    const executed = await next([
      chain.tx(3, [{ type: MsgFakeDelegate, value: { validator: addressOf(0), amount: 100n } }]),
      chain.tx(3, [{ type: MsgWithdrawRewards, value: { validator: addressOf(0) } }]),
    ])
    ok(executed, 0)
    ok(executed, 1)
    assert.ok(
      executed.txResults[1]!.events.some((e) => e.type === 'withdraw_rewards' && e.attributes.some(([k, v]) => k === 'amount' && v === '')),
    )
  })

  it('names the validator as fedravaloper in its events', async () => {
    await open()
    const executed = await next([])
    assert.ok(
      executed.beginBlockEvents.some(
        (e) => e.type === 'rewards' && e.attributes.some(([k, v]) => k === 'validator' && v === valoper(addressOf(0))),
      ),
    )
  })
})
