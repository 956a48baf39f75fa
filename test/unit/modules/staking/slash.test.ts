import assert from 'node:assert/strict'
import { Dec } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { Harness, MILLION, UNBONDING, addr, coin, consAddr, consKey, dec } from './harness.js'

describe('staking slash and jail', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())
  let h: Harness
  beforeEach(async () => {
    h = await Harness.open(dirs.next())
    h.createValidator(0, 10n * MILLION)
    h.createValidator(1, 10n * MILLION)
    h.tx((k) => k.delegate(addr(5), addr(0), coin(10n * MILLION)))
    h.endBlock()
  })
  afterEach(() => h.close())

  it('takes the fraction of power × power_reduction from the tokens: every delegator loses pro rata, the supply drops by the burn', () => {
    const supply = h.supply()
    const burned = h.tx((k) => k.slash(consAddr(0), h.height, 20n, dec('0.1')))
    assert.equal(burned, 2n * MILLION)
    assert.equal(h.supply(), supply - burned)
    const v = h.keeper.validator(addr(0))!
    assert.equal(v.tokens, 18n * MILLION)
    const worth = (d: number) => h.keeper.delegation(addr(d), addr(0))!.shares.mulInt(v.tokens).quo(v.delegatorShares).truncate()
    assert.equal(worth(0), 9n * MILLION)
    assert.equal(worth(5), 9n * MILLION)
    assert.deepEqual(h.endBlock(), [{ publicKey: consKey(0).publicKey.bytes, power: 18n }])
    h.assertInvariants()
    // After the slash, new delegations buy more shares per token.
    h.tx((k) => k.delegate(addr(6), addr(0), coin(9n * MILLION)))
    assert.ok(h.keeper.delegation(addr(6), addr(0))!.shares.eq(Dec.fromInt(10n * MILLION)))
    h.assertInvariants()
  })

  it('slashes unbonding and redelegation entries started at or after the infraction, not those before', () => {
    h.tx((k) => k.undelegate(addr(5), addr(0), coin(2n * MILLION))) // before the infraction
    h.tx((k) => k.redelegate(addr(5), addr(0), addr(1), coin(2n * MILLION)))
    h.endBlock()
    const infraction = h.height
    h.tx((k) => k.undelegate(addr(5), addr(0), coin(2n * MILLION))) // at the infraction height
    h.tx((k) => k.redelegate(addr(5), addr(0), addr(1), coin(MILLION)))
    h.endBlock()
    const v1Before = h.keeper.validator(addr(1))!.tokens
    const supply = h.supply()
    const power = 20n
    const burned = h.tx((k) => k.slash(consAddr(0), infraction, power, dec('0.5')))
    const entries = [...h.keeper.unbondingsOf(addr(5))][0]!.entries
    assert.deepEqual(
      entries.map((e) => e.balance),
      [2n * MILLION, MILLION],
      'the entry before the infraction is untouched, the later one halved',
    )
    assert.equal(
      h.keeper.validator(addr(1))!.tokens,
      v1Before - 500_000n,
      'half of the later redelegation is unbonded from the destination and burned',
    )
    // 10M to slash in all: 1M from the unbonding, 0.5M from the redelegation, 8.5M from the validator's tokens.
    assert.equal(burned, 10n * MILLION)
    assert.equal(h.keeper.validator(addr(0))!.tokens, 13n * MILLION - 8_500_000n)
    assert.equal(h.supply(), supply - burned)
    h.assertInvariants()
  })

  it('a slash at the current height leaves unbondings alone; matured entries are never slashed', () => {
    h.tx((k) => k.undelegate(addr(5), addr(0), coin(2n * MILLION)))
    h.tx((k) => k.slash(consAddr(0), h.height, 18n, dec('0.5')))
    assert.equal([...h.keeper.unbondingsOf(addr(5))][0]!.entries[0]!.balance, 2n * MILLION)
    h.assertInvariants()
  })

  it('refuses a future infraction and a fraction above one; an unknown key slashes nothing', () => {
    assert.equal(
      h.fails((k) => k.slash(consAddr(0), h.height + 1, 10n, dec('0.1'))),
      'INVALID_SLASH',
    )
    assert.equal(
      h.fails((k) => k.slash(consAddr(0), h.height, 10n, dec('1.5'))),
      'INVALID_SLASH',
    )
    assert.equal(
      h.tx((k) => k.slash(consAddr(7), h.height, 10n, dec('0.1'))),
      0n,
    )
  })

  it('jail removes from the set at the next end-block, unjail brings it back; tokens move between pools', () => {
    h.tx((k) => k.jail(consAddr(1)))
    h.tx((k) => k.jail(consAddr(1))) // a no-op
    assert.deepEqual(h.endBlock(), [{ publicKey: consKey(1).publicKey.bytes, power: 0n }])
    assert.equal(h.keeper.validator(addr(1))!.status, 'unbonding')
    assert.equal(h.pool('not_bonded_pool'), 10n * MILLION)
    h.assertInvariants()
    // Still slashable while unbonding.
    assert.equal(
      h.tx((k) => k.slash(consAddr(1), h.height - 1, 10n, dec('0.1'))),
      MILLION,
    )
    h.tx((k) => k.unjail(consAddr(1)))
    assert.deepEqual(h.endBlock(), [{ publicKey: consKey(1).publicKey.bytes, power: 9n }])
    assert.equal(h.pool('not_bonded_pool'), 0n)
    h.assertInvariants()
    assert.equal(
      h.fails((k) => k.jail(consAddr(7))),
      'UNKNOWN_VALIDATOR',
    )
    assert.equal(
      h.fails((k) => k.unjail(consAddr(7))),
      'UNKNOWN_VALIDATOR',
    )
  })

  it('an unbonding validator matures to unbonded after unbonding_time and is removed once its shares are gone', () => {
    h.tx((k) => k.jail(consAddr(1)))
    h.endBlock()
    h.endBlock(UNBONDING)
    h.endBlock()
    assert.equal(h.keeper.validator(addr(1))!.status, 'unbonded')
    assert.equal(
      h.tx((k) => k.slash(consAddr(1), h.height - 1, 10n, dec('0.1'))),
      0n,
      'an unbonded validator is not slashed',
    )
    h.tx((k) => k.undelegate(addr(1), addr(1), coin(10n * MILLION)))
    assert.equal(h.keeper.validator(addr(1)), undefined)
    assert.equal(h.keeper.validatorByConsensusAddress(consAddr(1)), undefined)
    h.assertInvariants()
    h.endBlock(UNBONDING)
    h.endBlock()
    h.assertInvariants()
  })

  it('the set is the top max_validators by power, ties by operator; a validator pushed out is removed with power 0', async () => {
    const small = await Harness.open(dirs.next(), { params: { max_validators: 2 } })
    small.createValidator(0, 5n * MILLION)
    small.createValidator(1, 6n * MILLION)
    small.createValidator(2, 7n * MILLION)
    small.createValidator(3, 999_999n) // power 0: never in the set
    const first = small.endBlock()
    assert.deepEqual(
      first.map((u) => u.power),
      [7n, 6n],
    )
    small.tx((k) => k.delegate(addr(5), addr(0), coin(3n * MILLION)))
    const second = small.endBlock()
    assert.deepEqual(
      second.map((u) => [Buffer.from(u.publicKey).toString('hex'), u.power]),
      [
        [Buffer.from(consKey(0).publicKey.bytes).toString('hex'), 8n],
        [Buffer.from(consKey(1).publicKey.bytes).toString('hex'), 0n],
      ],
    )
    assert.equal(small.keeper.validator(addr(1))!.status, 'unbonding')
    assert.equal(small.keeper.validator(addr(3))!.status, 'unbonded')
    assert.deepEqual(small.endBlock(), [])
    small.assertInvariants()
    await small.close()
  })
})
