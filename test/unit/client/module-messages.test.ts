import assert from 'node:assert/strict'
import { ClientError, messages } from '../../../src/client/index.js'
import { decode } from '../../../src/codec/index.js'
import { PrivateKey, encodeAddress } from '../../../src/crypto/index.js'
import { MsgFundCommunityPool, MsgSetWithdrawAddress, MsgWithdrawRewards } from '../../../src/modules/distribution/messages.js'
import {
  MsgCancelUnbonding,
  MsgCreateValidator,
  MsgDelegate,
  MsgEditValidator,
  MsgRedelegate,
  MsgUndelegate,
} from '../../../src/modules/staking/messages.js'

const bytes = (n: number) => new Uint8Array(20).fill(n)
const valoper = (n: number) => encodeAddress(bytes(n), 'fedravaloper')
const account = (n: number) => encodeAddress(bytes(n))
const pubKey = PrivateKey.fromSeed(new Uint8Array(32).fill(3)).publicKey.hex
const create = { pubKey, moniker: 'val', amount: '10000000ufdr' }

/** Asserts `build` throws ClientError INVALID_INPUT naming `field` (in context.reason) with a message matching `message`. */
function refuses(build: () => unknown, field: string, message: RegExp): void {
  assert.throws(build, (error: unknown) => {
    assert.ok(error instanceof ClientError, `expected a ClientError, got ${String(error)}`)
    assert.equal(error.code, 'INVALID_INPUT')
    assert.equal(error.context.reason, field)
    assert.match(error.message, message)
    return true
  })
}

describe('client message builders for staking, slashing and distribution', () => {
  describe('what they build', () => {
    it('stakingCreateValidator: defaults 0.1 / 0.2 / 0.01 / 1, the key and coin as given', () => {
      const m = decode(MsgCreateValidator, messages.stakingCreateValidator(create))
      assert.equal(Buffer.from(m.pubKey).toString('hex'), pubKey)
      assert.deepEqual(
        [m.commissionRate.toString(), m.commissionMaxRate.toString(), m.commissionMaxChangeRate.toString(), m.minSelfDelegation],
        ['0.1', '0.2', '0.01', 1n],
      )
      assert.deepEqual(m.value, { denom: 'ufdr', amount: 10_000_000n })
      const upper = decode(
        MsgCreateValidator,
        messages.stakingCreateValidator({
          ...create,
          pubKey: pubKey.toUpperCase(),
          commissionRate: '0.05',
          minSelfDelegation: '7',
          amount: { denom: 'ufdr', amount: 5n },
        }),
      )
      assert.deepEqual(upper.pubKey, decode(MsgCreateValidator, messages.stakingCreateValidator(create)).pubKey)
      assert.equal(upper.commissionRate.toString(), '0.05')
      assert.equal(upper.minSelfDelegation, 7n)
    })

    it('delegate, undelegate, redelegate, cancel take fedravaloper1… or the operator fedra1…', () => {
      assert.deepEqual(decode(MsgDelegate, messages.stakingDelegate(valoper(1), '5ufdr')), {
        validator: bytes(1),
        amount: { denom: 'ufdr', amount: 5n },
      })
      assert.deepEqual(decode(MsgUndelegate, messages.stakingUndelegate(account(1), '5ufdr')).validator, bytes(1))
      assert.deepEqual(decode(MsgRedelegate, messages.stakingRedelegate(valoper(1), valoper(2), '5ufdr')), {
        source: bytes(1),
        destination: bytes(2),
        amount: { denom: 'ufdr', amount: 5n },
      })
      assert.equal(decode(MsgCancelUnbonding, messages.stakingCancelUnbonding(valoper(1), '12', '5ufdr')).creationHeight, 12n)
      assert.equal(decode(MsgCancelUnbonding, messages.stakingCancelUnbonding(valoper(1), 12, '5ufdr')).creationHeight, 12n)
    })

    it('editValidator leaves out what is not given; the distribution builders encode their fields', () => {
      assert.deepEqual(decode(MsgEditValidator, messages.stakingEditValidator({ moniker: 'x' })), {
        moniker: 'x',
        commissionRate: null,
        minSelfDelegation: null,
      })
      assert.equal(decode(MsgEditValidator, messages.stakingEditValidator({ commissionRate: '0.15' })).commissionRate?.toString(), '0.15')
      assert.deepEqual(decode(MsgWithdrawRewards, messages.distributionWithdrawRewards(valoper(4))).validator, bytes(4))
      assert.deepEqual(decode(MsgSetWithdrawAddress, messages.distributionSetWithdrawAddress(account(5))).address, bytes(5))
      assert.deepEqual(decode(MsgFundCommunityPool, messages.distributionFundCommunityPool('5uabc,10ufdr')).amount, [
        { denom: 'uabc', amount: 5n },
        { denom: 'ufdr', amount: 10n },
      ])
      for (const empty of [messages.slashingUnjail(), messages.distributionWithdrawAll(), messages.distributionWithdrawCommission()])
        assert.ok(empty instanceof Uint8Array)
    })
  })

  describe('what they refuse (ClientError INVALID_INPUT naming the field)', () => {
    it('stakingCreateValidator', () => {
      refuses(() => messages.stakingCreateValidator({ ...create, pubKey: 'abcd' }), 'pubKey', /64 hex digits/)
      refuses(() => messages.stakingCreateValidator({ ...create, pubKey: 'zz'.repeat(32) }), 'pubKey', /64 hex digits/)
      refuses(() => messages.stakingCreateValidator({ ...create, moniker: '' }), 'moniker', /must not be empty/)
      refuses(() => messages.stakingCreateValidator({ ...create, moniker: 'm'.repeat(71) }), 'moniker', /at most 70 characters/)
      refuses(() => messages.stakingCreateValidator({ ...create, amount: 'ten' }), 'amount', /not an amount like 1000ufdr/)
      refuses(() => messages.stakingCreateValidator({ ...create, amount: '0ufdr' }), 'amount', /must be positive/)
      refuses(() => messages.stakingCreateValidator({ ...create, amount: '1ufdr,1uabc' }), 'amount', /expected one amount/)
      refuses(() => messages.stakingCreateValidator({ ...create, commissionRate: '10%' }), 'commissionRate', /not a decimal like 0\.1/)
      refuses(() => messages.stakingCreateValidator({ ...create, commissionRate: '-0.1' }), 'commissionRate', /not a decimal/)
      refuses(
        () => messages.stakingCreateValidator({ ...create, commissionRate: '0.1234567890123456789' }),
        'commissionRate',
        /at most 18 digits/,
      )
      refuses(() => messages.stakingCreateValidator({ ...create, commissionMaxRate: '1.5' }), 'commissionMaxRate', /above 1/)
      refuses(() => messages.stakingCreateValidator({ ...create, commissionRate: '0.3' }), 'commissionRate', /above commissionMaxRate 0\.2/)
      refuses(
        () => messages.stakingCreateValidator({ ...create, commissionMaxChangeRate: '0.5' }),
        'commissionMaxChangeRate',
        /above commissionMaxRate/,
      )
      refuses(() => messages.stakingCreateValidator({ ...create, minSelfDelegation: '0' }), 'minSelfDelegation', /must be positive/)
      refuses(() => messages.stakingCreateValidator({ ...create, minSelfDelegation: '1.5' }), 'minSelfDelegation', /not a whole number/)
    })

    it('stakingEditValidator', () => {
      refuses(() => messages.stakingEditValidator({}), 'input', /nothing to edit/)
      refuses(() => messages.stakingEditValidator({ commissionRate: 'x' }), 'commissionRate', /not a decimal/)
      refuses(() => messages.stakingEditValidator({ moniker: ' ' }), 'moniker', /must not be empty/)
      refuses(() => messages.stakingEditValidator({ minSelfDelegation: 0n }), 'minSelfDelegation', /must be positive/)
    })

    it('stakingDelegate, stakingUndelegate, stakingRedelegate, stakingCancelUnbonding', () => {
      refuses(() => messages.stakingDelegate('fedra1xyz', '5ufdr'), 'validator', /not a fedravaloper1…/)
      refuses(() => messages.stakingDelegate(encodeAddress(bytes(1), 'fedravalcons'), '5ufdr'), 'validator', /not a fedravaloper1…/)
      refuses(() => messages.stakingDelegate(valoper(1), '5'), 'amount', /not an amount/)
      refuses(() => messages.stakingDelegate(valoper(1), { denom: 'ufdr', amount: 0n }), 'amount', /must be positive/)
      refuses(() => messages.stakingUndelegate('nope', '5ufdr'), 'validator', /not a fedravaloper1…/)
      refuses(() => messages.stakingUndelegate(valoper(1), '0ufdr'), 'amount', /must be positive/)
      refuses(() => messages.stakingRedelegate('x', valoper(2), '5ufdr'), 'source', /not a fedravaloper1…/)
      refuses(() => messages.stakingRedelegate(valoper(1), 'x', '5ufdr'), 'destination', /not a fedravaloper1…/)
      refuses(() => messages.stakingRedelegate(valoper(1), account(1), '5ufdr'), 'destination', /the same validator/)
      refuses(() => messages.stakingRedelegate(valoper(1), valoper(2), 'x'), 'amount', /not an amount/)
      refuses(() => messages.stakingCancelUnbonding(valoper(1), 'ten', '5ufdr'), 'creationHeight', /not a height/)
      refuses(() => messages.stakingCancelUnbonding(valoper(1), 0, '5ufdr'), 'creationHeight', /positive height/)
      refuses(() => messages.stakingCancelUnbonding('x', 1, '5ufdr'), 'validator', /not a fedravaloper1…/)
      refuses(() => messages.stakingCancelUnbonding(valoper(1), 1, '-5ufdr'), 'amount', /not an amount/)
    })

    it('distribution builders', () => {
      refuses(() => messages.distributionWithdrawRewards('fedravaloper1bad'), 'validator', /not a fedravaloper1…/)
      refuses(() => messages.distributionSetWithdrawAddress(valoper(1)), 'address', /not a fedra1… address/)
      refuses(() => messages.distributionSetWithdrawAddress('x'), 'address', /not a fedra1… address/)
      refuses(() => messages.distributionFundCommunityPool('lots'), 'amount', /not an amount/)
      refuses(() => messages.distributionFundCommunityPool('0ufdr'), 'amount', /not positive/)
      refuses(() => messages.distributionFundCommunityPool('1ufdr,2ufdr'), 'amount', /each denomination once/)
      refuses(() => messages.distributionFundCommunityPool([]), 'amount', /1 to 8 denominations/)
      refuses(
        () => messages.distributionFundCommunityPool(Array.from({ length: 9 }, (_, i) => `1u${String.fromCharCode(97 + i)}aa`).join(',')),
        'amount',
        /1 to 8 denominations/,
      )
    })
  })
})
