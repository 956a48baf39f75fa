import assert from 'node:assert/strict'
import { Dec } from '../../../../src/state/index.js'
import { distributionModule, distributionStakingHooks } from '../../../../src/modules/distribution/index.js'
import { implementHooks } from '../../../../src/state/index.js'
import { STAKING_HOOKS } from '../../../../src/modules/staking/hooks.js'
import { FAKE_BOND_DENOM, MsgFakeCreateValidator, MsgFakeDelegate, MsgFakeSlash, MsgFakeUndelegate } from './fake-staking.js'
import { type DistributionChain, addressOf, consensusAddress } from './harness.js'
import { type StakingDriver, runReferenceScenario } from './reference-model.js'

export const fakeDriver = (options = {}): StakingDriver => ({
  options,
  bondDenom: FAKE_BOND_DENOM,
  consensusAddress,
  createValidator: (chain: DistributionChain, i, commissionRate, amount) =>
    chain.tx(
      i,
      [{ type: MsgFakeCreateValidator, value: { consensusAddress: consensusAddress(i), commissionRate, amount } }],
      300n + BigInt(i),
    ),
  delegate: (chain, delegator, validator, amount) =>
    chain.tx(delegator, [{ type: MsgFakeDelegate, value: { validator: addressOf(validator), amount } }], 250n + (amount % 500n)),
  undelegate: (chain, delegator, validator, amount) =>
    chain.tx(delegator, [{ type: MsgFakeUndelegate, value: { validator: addressOf(validator), amount } }], 260n + (amount % 300n)),
  slash: (chain, validator, fraction) => chain.tx(20, [{ type: MsgFakeSlash, value: { validator: addressOf(validator), fraction } }]),
  snapshot(chain) {
    const validators = (
      chain.query('staking', 'validators') as {
        operator: string
        consensusAddress: string
        tokens: string
        shares: string
        commissionRate: string
      }[]
    ).map((v) => ({
      operator: v.operator,
      consensusAddress: v.consensusAddress,
      tokens: BigInt(v.tokens),
      shares: BigInt(v.shares),
      commissionRate: Dec.parse(v.commissionRate),
    }))
    const delegations = (chain.query('staking', 'delegations') as { delegator: string; validator: string; shares: string }[]).map((d) => ({
      ...d,
      shares: BigInt(d.shares),
    }))
    return { validators, delegations }
  },
})

describe('distribution against a reference model (fake staking)', () => {
  it('pays every delegator and operator over 52 blocks what a per-block loop over every delegator computes, to the unit', async function () {
    this.timeout(120_000)
    const report = await runReferenceScenario(fakeDriver())
    assert.ok(report.payouts > 50, `only ${report.payouts} payouts`)
    // the documented dust: at most one unit short per payout; seed 7 gives 2 short of 462 (denomination-level) payouts
    assert.ok(report.short <= report.payouts / 4, `${report.short} of ${report.payouts} payouts were short`)
  })

  it('catches a planted bug: a distribution that ignores slashes pays other than the model', async function () {
    this.timeout(120_000)
    const planted = {
      ...distributionModule,
      hooks: [
        implementHooks(STAKING_HOOKS, (ctx) => {
          const real = distributionStakingHooks.build(ctx)
          return { ...real, beforeValidatorSlashed: () => {} }
        }),
      ],
    }
    await assert.rejects(runReferenceScenario(fakeDriver({ distribution: planted })), (e: Error) =>
      /model says|owes|INVARIANT|commission|outstanding|negative/.test(e.message),
    )
  })
})
