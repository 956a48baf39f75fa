import assert from 'node:assert/strict'
import { STAKING_EVENTS } from '../../../../src/modules/staking/events.js'
import { Dec } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { DAY, Harness, MILLION, UNBONDING, addr, coin, consAddr, consKey, dec } from './harness.js'

describe('staking messages', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())
  let h: Harness
  beforeEach(async () => {
    h = await Harness.open(dirs.next())
  })
  afterEach(() => h.close())

  describe('create validator', () => {
    it('self-bonds into the not-bonded pool, issues shares 1:1, and end-block bonds it', () => {
      const before = h.balance(addr(0))
      h.createValidator(0, 10n * MILLION)
      const v = h.keeper.validator(addr(0))!
      assert.equal(v.status, 'unbonded')
      assert.equal(v.tokens, 10n * MILLION)
      assert.ok(v.delegatorShares.eq(Dec.fromInt(10n * MILLION)))
      assert.equal(h.balance(addr(0)), before - 10n * MILLION)
      assert.equal(h.pool('not_bonded_pool'), 10n * MILLION)
      const updates = h.endBlock()
      assert.deepEqual(updates, [{ publicKey: consKey(0).publicKey.bytes, power: 10n }])
      assert.equal(h.keeper.validator(addr(0))!.status, 'bonded')
      assert.equal(h.pool('bonded_pool'), 10n * MILLION)
      assert.equal(h.pool('not_bonded_pool'), 0n)
      assert.deepEqual(h.keeper.validatorByConsensusAddress(consAddr(0))!.operator, addr(0))
      h.assertInvariants()
    })
    it('refuses an operator that already runs a validator, and a consensus key in use', () => {
      h.createValidator(0, MILLION)
      assert.equal(
        h.fails((k) =>
          k.createValidator(addr(0), {
            pubKey: consKey(5).publicKey.bytes,
            moniker: 'x',
            commissionRate: dec('0'),
            commissionMaxRate: dec('0'),
            commissionMaxChangeRate: dec('0'),
            minSelfDelegation: 1n,
            value: coin(MILLION),
          }),
        ),
        'VALIDATOR_EXISTS',
      )
      assert.equal(
        h.fails((k) =>
          k.createValidator(addr(1), {
            pubKey: consKey(0).publicKey.bytes,
            moniker: 'x',
            commissionRate: dec('0'),
            commissionMaxRate: dec('0'),
            commissionMaxChangeRate: dec('0'),
            minSelfDelegation: 1n,
            value: coin(MILLION),
          }),
        ),
        'VALIDATOR_EXISTS',
      )
    })
    const create = (over: Record<string, unknown>) => (k: Harness['keeper']) =>
      k.createValidator(addr(1), {
        pubKey: consKey(1).publicKey.bytes,
        moniker: 'v',
        commissionRate: dec('0.1'),
        commissionMaxRate: dec('0.2'),
        commissionMaxChangeRate: dec('0.01'),
        minSelfDelegation: 1n,
        value: coin(MILLION),
        ...over,
      } as never)
    it('refuses bad commission, denom, moniker, minimums and funds', () => {
      assert.equal(h.fails(create({ commissionRate: dec('0.3') })), 'INVALID_COMMISSION')
      assert.equal(h.fails(create({ commissionMaxRate: dec('1.1') })), 'INVALID_COMMISSION')
      assert.equal(h.fails(create({ commissionMaxChangeRate: dec('0.5') })), 'INVALID_COMMISSION')
      assert.equal(h.fails(create({ value: { denom: 'uatom', amount: MILLION } })), 'BAD_DENOM')
      assert.equal(h.fails(create({ value: coin(0n) })), 'INVALID_AMOUNT')
      assert.equal(h.fails(create({ moniker: '  ' })), 'INVALID_MONIKER')
      assert.equal(h.fails(create({ minSelfDelegation: 0n })), 'INVALID_MIN_SELF_DELEGATION')
      assert.equal(h.fails(create({ minSelfDelegation: 2n * MILLION })), 'SELF_DELEGATION_BELOW_MINIMUM')
      assert.equal(h.fails(create({ value: coin(10n ** 15n) })), 'INSUFFICIENT_FUNDS')
      assert.equal(h.fails(create({ pubKey: new Uint8Array(32) })), 'INVALID_PUBKEY')
      assert.equal(h.keeper.validator(addr(1)), undefined)
    })
  })

  describe('edit validator', () => {
    beforeEach(() => h.createValidator(0, 10n * MILLION, { min: 5n }))
    it('changes moniker and minimum, and the rate after 24 h within max_change_rate', () => {
      h.tx((k) => k.editValidator(addr(0), { moniker: 'renamed', commissionRate: null, minSelfDelegation: 6n }))
      assert.equal(h.keeper.validator(addr(0))!.moniker, 'renamed')
      assert.equal(
        h.fails((k) => k.editValidator(addr(0), { moniker: null, commissionRate: dec('0.105'), minSelfDelegation: null })),
        'COMMISSION_CHANGE_TOO_SOON',
      )
      h.endBlock(DAY)
      h.tx((k) => k.editValidator(addr(0), { moniker: null, commissionRate: dec('0.11'), minSelfDelegation: null }))
      assert.equal(h.keeper.validator(addr(0))!.commissionRate.toString(), '0.11')
      assert.equal(
        h.fails((k) => k.editValidator(addr(0), { moniker: null, commissionRate: dec('0.111'), minSelfDelegation: null })),
        'COMMISSION_CHANGE_TOO_SOON',
      )
    })
    it('refuses a change above max_change_rate or max_rate, a lower or too high minimum, an unknown validator', () => {
      h.endBlock(DAY)
      assert.equal(
        h.fails((k) => k.editValidator(addr(0), { moniker: null, commissionRate: dec('0.12'), minSelfDelegation: null })),
        'COMMISSION_CHANGE_TOO_FAST',
      )
      assert.equal(
        h.fails((k) => k.editValidator(addr(0), { moniker: null, commissionRate: dec('0.25'), minSelfDelegation: null })),
        'INVALID_COMMISSION',
      )
      assert.equal(
        h.fails((k) => k.editValidator(addr(0), { moniker: null, commissionRate: null, minSelfDelegation: 4n })),
        'INVALID_MIN_SELF_DELEGATION',
      )
      assert.equal(
        h.fails((k) => k.editValidator(addr(0), { moniker: null, commissionRate: null, minSelfDelegation: 11n * MILLION })),
        'SELF_DELEGATION_BELOW_MINIMUM',
      )
      assert.equal(
        h.fails((k) => k.editValidator(addr(0), { moniker: '', commissionRate: null, minSelfDelegation: null })),
        'INVALID_MONIKER',
      )
      assert.equal(
        h.fails((k) => k.editValidator(addr(3), { moniker: 'x', commissionRate: null, minSelfDelegation: null })),
        'UNKNOWN_VALIDATOR',
      )
    })
  })

  describe('delegate and undelegate', () => {
    beforeEach(() => {
      h.createValidator(0, 10n * MILLION)
      h.endBlock()
    })
    it('delegating to a bonded validator pays the bonded pool and raises power in the next set', () => {
      h.tx((k) => k.delegate(addr(1), addr(0), coin(5n * MILLION)))
      assert.equal(h.pool('bonded_pool'), 15n * MILLION)
      assert.ok(h.keeper.delegation(addr(1), addr(0))!.shares.eq(Dec.fromInt(5n * MILLION)))
      assert.deepEqual(h.endBlock(), [{ publicKey: consKey(0).publicKey.bytes, power: 15n }])
      h.assertInvariants()
    })
    it('refuses a bad amount, denom, unknown validator, and too little money', () => {
      assert.equal(
        h.fails((k) => k.delegate(addr(1), addr(0), coin(0n))),
        'INVALID_AMOUNT',
      )
      assert.equal(
        h.fails((k) => k.delegate(addr(1), addr(0), { denom: 'uatom', amount: 1n })),
        'BAD_DENOM',
      )
      assert.equal(
        h.fails((k) => k.delegate(addr(1), addr(5), coin(1n))),
        'UNKNOWN_VALIDATOR',
      )
      assert.equal(
        h.fails((k) => k.delegate(addr(1), addr(0), coin(10n ** 15n))),
        'INSUFFICIENT_FUNDS',
      )
    })
    it('undelegating moves tokens to the not-bonded pool, pays out when unbonding_time of block time has passed', () => {
      h.tx((k) => k.delegate(addr(1), addr(0), coin(5n * MILLION)))
      h.endBlock()
      const before = h.balance(addr(1))
      const completion = h.tx((k) => k.undelegate(addr(1), addr(0), coin(2n * MILLION)))
      assert.equal(completion, h.time + UNBONDING)
      assert.equal(h.pool('not_bonded_pool'), 2n * MILLION)
      assert.deepEqual(h.endBlock(), [{ publicKey: consKey(0).publicKey.bytes, power: 13n }])
      h.endBlock(UNBONDING - 2000n)
      assert.equal(h.time, completion - 1000n)
      h.endBlock()
      assert.equal(h.balance(addr(1)), before, 'not paid before maturity')
      assert.equal(h.time, completion)
      h.endBlock()
      assert.equal(h.balance(addr(1)), before + 2n * MILLION)
      assert.equal(h.pool('not_bonded_pool'), 0n)
      assert.equal([...h.keeper.unbondingsOf(addr(1))].length, 0)
      h.assertInvariants()
    })
    it('refuses undelegating more than held, without a delegation, past max_entries', () => {
      h.tx((k) => k.delegate(addr(1), addr(0), coin(5n * MILLION)))
      assert.equal(
        h.fails((k) => k.undelegate(addr(1), addr(0), coin(6n * MILLION))),
        'INSUFFICIENT_BOND',
      )
      assert.equal(
        h.fails((k) => k.undelegate(addr(2), addr(0), coin(1n))),
        'UNKNOWN_DELEGATION',
      )
      assert.equal(
        h.fails((k) => k.undelegate(addr(1), addr(4), coin(1n))),
        'UNKNOWN_VALIDATOR',
      )
      assert.equal(
        h.fails((k) => k.undelegate(addr(1), addr(0), coin(0n))),
        'INVALID_AMOUNT',
      )
      for (let i = 0; i < 7; i++) {
        h.tx((k) => k.undelegate(addr(1), addr(0), coin(1000n)))
        h.endBlock()
      }
      assert.equal(
        h.fails((k) => k.undelegate(addr(1), addr(0), coin(1000n))),
        'TOO_MANY_UNBONDING_ENTRIES',
      )
      h.assertInvariants()
    })
    it('two undelegations in one block merge into one entry', () => {
      h.tx((k) => k.delegate(addr(1), addr(0), coin(5n * MILLION)))
      h.tx((k) => k.undelegate(addr(1), addr(0), coin(1000n)))
      h.tx((k) => k.undelegate(addr(1), addr(0), coin(500n)))
      const [u] = [...h.keeper.unbondingsOf(addr(1))]
      assert.equal(u!.entries.length, 1)
      assert.equal(u!.entries[0]!.balance, 1500n)
    })
    it('an operator undelegating below its minimum is jailed and leaves the set; unjail is refused until it tops up', () => {
      h.tx((k) => k.editValidator(addr(0), { moniker: null, commissionRate: null, minSelfDelegation: 9n * MILLION }))
      h.tx((k) => k.undelegate(addr(0), addr(0), coin(2n * MILLION)))
      assert.equal(h.keeper.validator(addr(0))!.jailed, true)
      assert.deepEqual(h.endBlock(), [{ publicKey: consKey(0).publicKey.bytes, power: 0n }])
      assert.equal(h.keeper.validator(addr(0))!.status, 'unbonding')
      assert.equal(
        h.fails((k) => k.unjail(consAddr(0))),
        'SELF_DELEGATION_TOO_LOW_TO_UNJAIL',
      )
      h.tx((k) => k.delegate(addr(0), addr(0), coin(MILLION)))
      h.tx((k) => k.unjail(consAddr(0)))
      assert.equal(
        h.fails((k) => k.unjail(consAddr(0))),
        'VALIDATOR_NOT_JAILED',
      )
      assert.deepEqual(h.endBlock(), [{ publicKey: consKey(0).publicKey.bytes, power: 9n }])
      assert.equal(h.keeper.validator(addr(0))!.status, 'bonded')
      h.assertInvariants()
    })
  })

  describe('redelegate', () => {
    beforeEach(() => {
      h.createValidator(0, 10n * MILLION)
      h.createValidator(1, 10n * MILLION)
      h.createValidator(2, 10n * MILLION)
      h.tx((k) => k.delegate(addr(5), addr(0), coin(4n * MILLION)))
      h.endBlock()
    })
    it('moves the delegation at once, sets a maturing entry, changes both powers', () => {
      const completion = h.tx((k) => k.redelegate(addr(5), addr(0), addr(1), coin(3n * MILLION)))
      assert.equal(completion, h.time + UNBONDING)
      assert.ok(h.keeper.delegation(addr(5), addr(1))!.shares.eq(Dec.fromInt(3n * MILLION)))
      const updates = h.endBlock()
      assert.deepEqual(
        updates.map((u) => u.power),
        [13n, 11n],
      )
      assert.equal([...h.keeper.redelegationsOf(addr(5))].length, 1)
      h.endBlock(UNBONDING)
      h.endBlock()
      assert.equal([...h.keeper.redelegationsOf(addr(5))].length, 0)
      h.assertInvariants()
    })
    it('refuses the same validator, a transitive redelegation until the first matures, unknown ones, too many entries', () => {
      assert.equal(
        h.fails((k) => k.redelegate(addr(5), addr(0), addr(0), coin(1n))),
        'SAME_VALIDATOR',
      )
      assert.equal(
        h.fails((k) => k.redelegate(addr(5), addr(0), addr(7), coin(1n))),
        'UNKNOWN_VALIDATOR',
      )
      assert.equal(
        h.fails((k) => k.redelegate(addr(6), addr(0), addr(1), coin(1n))),
        'UNKNOWN_DELEGATION',
      )
      assert.equal(
        h.fails((k) => k.redelegate(addr(5), addr(0), addr(1), coin(5n * MILLION))),
        'INSUFFICIENT_BOND',
      )
      h.tx((k) => k.redelegate(addr(5), addr(0), addr(1), coin(MILLION)))
      assert.equal(
        h.fails((k) => k.redelegate(addr(5), addr(1), addr(2), coin(1000n))),
        'TRANSITIVE_REDELEGATION',
      )
      for (let i = 0; i < 6; i++) {
        h.endBlock()
        h.tx((k) => k.redelegate(addr(5), addr(0), addr(1), coin(1000n)))
      }
      h.endBlock()
      assert.equal(
        h.fails((k) => k.redelegate(addr(5), addr(0), addr(1), coin(1000n))),
        'TOO_MANY_REDELEGATION_ENTRIES',
      )
      h.endBlock(UNBONDING)
      h.endBlock()
      h.tx((k) => k.redelegate(addr(5), addr(1), addr(2), coin(1000n)))
      h.assertInvariants()
    })
    it('from an unbonded validator completes at once (no entry)', () => {
      h.createValidator(3, 100n)
      h.tx((k) => k.delegate(addr(5), addr(3), coin(100n)))
      h.endBlock()
      assert.equal(h.keeper.validator(addr(3))!.status, 'unbonded')
      const completion = h.tx((k) => k.redelegate(addr(5), addr(3), addr(1), coin(100n)))
      assert.equal(completion, h.time)
      assert.equal([...h.keeper.redelegationsOf(addr(5))].length, 0)
      h.assertInvariants()
    })
  })

  describe('cancel unbonding', () => {
    beforeEach(() => {
      h.createValidator(0, 10n * MILLION)
      h.tx((k) => k.delegate(addr(5), addr(0), coin(4n * MILLION)))
      h.endBlock()
    })
    it('re-delegates part, then the rest, of an entry; nothing is paid at maturity', () => {
      const height = BigInt(h.height)
      h.tx((k) => k.undelegate(addr(5), addr(0), coin(2n * MILLION)))
      h.endBlock()
      h.tx((k) => k.cancelUnbonding(addr(5), addr(0), height, coin(MILLION)))
      let [u] = [...h.keeper.unbondingsOf(addr(5))]
      assert.equal(u!.entries[0]!.balance, MILLION)
      assert.deepEqual(h.endBlock(), [{ publicKey: consKey(0).publicKey.bytes, power: 13n }])
      h.tx((k) => k.cancelUnbonding(addr(5), addr(0), height, coin(MILLION)))
      ;[u] = [...h.keeper.unbondingsOf(addr(5))]
      assert.equal(u, undefined)
      assert.ok(h.keeper.delegation(addr(5), addr(0))!.shares.eq(Dec.fromInt(4n * MILLION)))
      const before = h.balance(addr(5))
      h.endBlock(UNBONDING)
      h.endBlock()
      assert.equal(h.balance(addr(5)), before)
      h.assertInvariants()
    })
    it('refuses an unknown entry, too much, a matured entry, a jailed validator, bad amounts', () => {
      const height = BigInt(h.height)
      h.tx((k) => k.undelegate(addr(5), addr(0), coin(2n * MILLION)))
      assert.equal(
        h.fails((k) => k.cancelUnbonding(addr(5), addr(0), height + 1n, coin(1n))),
        'UNKNOWN_UNBONDING_ENTRY',
      )
      assert.equal(
        h.fails((k) => k.cancelUnbonding(addr(6), addr(0), height, coin(1n))),
        'UNKNOWN_UNBONDING_ENTRY',
      )
      assert.equal(
        h.fails((k) => k.cancelUnbonding(addr(5), addr(0), height, coin(3n * MILLION))),
        'INSUFFICIENT_BOND',
      )
      assert.equal(
        h.fails((k) => k.cancelUnbonding(addr(5), addr(0), height, coin(0n))),
        'INVALID_AMOUNT',
      )
      assert.equal(
        h.fails((k) => k.cancelUnbonding(addr(5), addr(3), height, coin(1n))),
        'UNKNOWN_VALIDATOR',
      )
      h.tx((k) => k.jail(consAddr(0)))
      assert.equal(
        h.fails((k) => k.cancelUnbonding(addr(5), addr(0), height, coin(1n))),
        'VALIDATOR_JAILED',
      )
      h.tx((k) => k.unjail(consAddr(0)))
      h.time += UNBONDING + 1n
      assert.equal(
        h.fails((k) => k.cancelUnbonding(addr(5), addr(0), height, coin(1n))),
        'UNBONDING_ENTRY_MATURED',
      )
    })
  })
})

describe('staking events and gas', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('emits one event per action, with bech32 addresses and decimal amounts', async () => {
    const h = await Harness.open(dirs.next())
    h.createValidator(0, 10n * MILLION)
    h.tx((k) => k.delegate(addr(5), addr(0), coin(MILLION)))
    h.endBlock()
    h.tx((k) => k.undelegate(addr(5), addr(0), coin(1000n)))
    h.tx((k) => k.slash(consAddr(0), h.height, 11n, dec('0.01')))
    h.tx((k) => k.jail(consAddr(0)))
    h.endBlock(UNBONDING)
    h.endBlock()
    // Staking's own events (bank's transfers and burns, distribution's reward withdrawals by the hooks apart).
    const own = new Set(Object.values(STAKING_EVENTS) as string[])
    const types = h.events.map((e) => e.type).filter((t) => own.has(t))
    assert.deepEqual(types, [
      'create_validator',
      'delegate',
      'validator_set_update',
      'unbond',
      'slash',
      'jail',
      'validator_set_update',
      'complete_unbonding',
    ])
    const unbond = Object.fromEntries(h.events.find((e) => e.type === 'unbond')!.attributes)
    assert.match(unbond.delegator!, /^fedra1/)
    assert.match(unbond.validator!, /^fedravaloper1/)
    assert.equal(unbond.amount, '1000ufdr')
    await h.close()
  })
})
