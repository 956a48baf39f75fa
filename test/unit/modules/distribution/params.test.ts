import assert from 'node:assert/strict'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { DISTRIBUTION_ERRORS, distributionParams } from '../../../../src/modules/distribution/index.js'
import { Dec } from '../../../../src/state/index.js'
import { MsgFakeCreateValidator, MsgFakeDelegate } from './fake-staking.js'
import { DistributionChain, addressOf, consensusAddress, ok, valoper } from './harness.js'

const bad = (code: string) => (e: any) => e.code === code

describe('distribution params and genesis', () => {
  it('defaults to 2% community tax, 1% + 4% proposer reward, no emission, withdraw addresses enabled', () => {
    assert.deepEqual(distributionParams.toJson(distributionParams.fromJson({}, 'p')), {
      community_tax: '0.02',
      base_proposer_reward: '0.01',
      bonus_proposer_reward: '0.04',
      emission_per_block: '0',
      withdraw_addr_enabled: true,
    })
  })

  it('rejects a rate above 1', () => {
    const p = { ...distributionParams.defaults, communityTax: Dec.parse('1.5') }
    assert.throws(
      () => distributionParams.validate(p),
      (e: any) => e.code === 'INVALID_PARAMS' && e.context.numericCode === DISTRIBUTION_ERRORS.INVALID_PARAMS,
    )
  })

  it('rejects tax + base + bonus above 1', () => {
    const p = {
      ...distributionParams.defaults,
      communityTax: Dec.parse('0.5'),
      baseProposerReward: Dec.parse('0.3'),
      bonusProposerReward: Dec.parse('0.3'),
    }
    assert.throws(() => distributionParams.validate(p), bad('INVALID_PARAMS'))
  })

  it('accepts tax + base + bonus of exactly 1 (validators then get nothing from votes)', () => {
    distributionParams.validate({
      ...distributionParams.defaults,
      communityTax: Dec.parse('0.5'),
      baseProposerReward: Dec.parse('0.25'),
      bonusProposerReward: Dec.parse('0.25'),
    })
  })

  for (const [field, value] of [
    ['community_tax', '-0.1'],
    ['community_tax', 0.02],
    ['emission_per_block', '1.5'],
    ['emission_per_block', 5],
    ['withdraw_addr_enabled', 'yes'],
    ['no_such_param', '1'],
  ] as const) {
    it(`rejects genesis param ${field} = ${JSON.stringify(value)} naming the field`, () => {
      assert.throws(
        () => distributionParams.fromJson({ [field]: value }, 'app_state.distribution.params'),
        (e: any) => e.code === 'GENESIS_INVALID' && e.context.path === `app_state.distribution.params.${field}`,
      )
    })
  }

  it('refuses a chain whose genesis params break the sum rule', async () => {
    await assert.rejects(
      DistributionChain.open({ params: { community_tax: '0.9', base_proposer_reward: '0.1', bonus_proposer_reward: '0.1' } }),
      bad('GENESIS_INVALID'),
    )
  })

  it('refuses unknown genesis fields in app_state.distribution', async () => {
    await assert.rejects(
      DistributionChain.open({ appState: { distribution: { params: {}, fee_pool: [] } } }),
      (e: any) => e.code === 'GENESIS_INVALID' && e.context.path === 'app_state.distribution.fee_pool',
    )
  })
})

describe('distribution queries', () => {
  let chain: DistributionChain
  before(async () => {
    chain = await DistributionChain.open({ params: { emission_per_block: '1000' } })
    ok(
      await chain.block([
        chain.tx(0, [
          { type: MsgFakeCreateValidator, value: { consensusAddress: consensusAddress(0), commissionRate: '0.1', amount: 1_000_000n } },
          { type: MsgFakeDelegate, value: { validator: addressOf(0), amount: 5n } },
        ]),
      ]),
    )
    await chain.block([], { proposer: consensusAddress(0), votes: [{ validator: consensusAddress(0), power: 1n, signed: true }] })
  })
  after(async () => chain.close())

  it('reads params as genesis writes them', () => {
    assert.equal(chain.query('distribution', 'params').emission_per_block, '1000')
  })

  it('accepts the operator as fedravaloper1… or as its fedra1… account', () => {
    const a = chain.query('distribution', 'outstanding', { validator: valoper(addressOf(0)) })
    const b = chain.query('distribution', 'outstanding', { validator: encodeAddress(addressOf(0)) })
    assert.deepEqual(a, b)
    assert.equal(a.validator, valoper(addressOf(0)))
  })

  it('lists rewards per delegation with a total', () => {
    const r = chain.query('distribution', 'rewards', { delegator: encodeAddress(addressOf(0)) })
    assert.equal(r.rewards.length, 1)
    assert.equal(r.rewards[0].validator, valoper(addressOf(0)))
    assert.deepEqual(r.total, r.rewards[0].reward)
  })

  for (const [name, params, code] of [
    ['rewards', {}, 'INVALID_QUERY'],
    ['rewards', { delegator: 'fedra1nope' }, 'INVALID_QUERY'],
    ['rewards', { delegator: 42 }, 'INVALID_QUERY'],
    ['rewards', { delegator: encodeAddress(addressOf(3)), validator: valoper(addressOf(0)) }, 'NO_DELEGATION'],
    ['rewards', { delegator: encodeAddress(addressOf(0)), validator: valoper(addressOf(8)) }, 'UNKNOWN_VALIDATOR'],
    ['commission', { validator: 'cosmosvaloper1xyz' }, 'INVALID_QUERY'],
    ['commission', { validator: valoper(addressOf(8)) }, 'UNKNOWN_VALIDATOR'],
    ['outstanding', {}, 'INVALID_QUERY'],
    ['withdrawAddress', { delegator: valoper(addressOf(0)) }, 'INVALID_QUERY'],
  ] as const) {
    it(`${name} ${JSON.stringify(params)} is ${code}`, () => {
      assert.throws(
        () => chain.query('distribution', name, params as Record<string, unknown>),
        (e: any) => e.code === code && e.context.codespace === 'distribution' && e.message.length > 10,
      )
    })
  }
})
