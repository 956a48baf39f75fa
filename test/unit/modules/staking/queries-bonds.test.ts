import assert from 'node:assert/strict'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { STAKING_MODULE_ACCOUNTS, stakingModule } from '../../../../src/modules/staking/index.js'
import { Application, ModuleError, StateDB, parseGenesis } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { Harness, MILLION, UNBONDING, addr, coin, consAddr, consKey, dec, stakingGenesisJson, stakingRegistry } from './harness.js'

const valoper = (i: number) => encodeAddress(addr(i), 'fedravaloper')
const account = (i: number) => encodeAddress(addr(i))

describe('staking queries and bonds', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())
  let h: Harness
  beforeEach(async () => {
    h = await Harness.open(dirs.next())
    h.createValidator(0, 10n * MILLION)
    h.createValidator(1, 5n * MILLION)
    h.tx((k) => k.delegate(addr(5), addr(0), coin(3n * MILLION)))
    h.endBlock()
    h.tx((k) => k.undelegate(addr(5), addr(0), coin(MILLION)))
    h.tx((k) => k.redelegate(addr(5), addr(0), addr(1), coin(MILLION)))
    h.endBlock()
    await h.commit()
  })
  afterEach(() => h.close())

  const query = (name: string, params: Record<string, unknown> = {}) => h.app.query('staking', name, params) as any
  const refused = (name: string, params: Record<string, unknown>, code: string) =>
    assert.throws(
      () => query(name, params),
      (e: unknown) => e instanceof ModuleError && e.code === code,
      `${name} ${JSON.stringify(params)}`,
    )

  it('validators and validator answer plain JSON, filtered by status, by either address form', () => {
    const { validators } = query('validators')
    assert.equal(validators.length, 2)
    const v0 = validators.find((v: { operator: string }) => v.operator === valoper(0))
    assert.deepEqual(v0, {
      operator: valoper(0),
      consensus_pubkey: consKey(0).publicKey.hex,
      consensus_address: encodeAddress(consAddr(0)),
      moniker: 'val0',
      status: 'bonded',
      jailed: false,
      tokens: String(11n * MILLION),
      delegator_shares: String(11n * MILLION),
      commission: { rate: '0.1', max_rate: '0.2', max_change_rate: '0.01', update_time: v0.commission.update_time },
      min_self_delegation: '1',
      power: '11',
      unbonding_height: '0',
      unbonding_time: '0',
    })
    assert.equal(query('validators', { status: 'unbonded' }).validators.length, 0)
    assert.deepEqual(query('validator', { validator: account(0) }), v0)
    assert.deepEqual(query('validator', { validator: valoper(0) }), v0)
    refused('validators', { status: 'sleeping' }, 'INVALID_QUERY')
    refused('validator', {}, 'INVALID_QUERY')
    refused('validator', { validator: 'cosmos1xyz' }, 'INVALID_QUERY')
    refused('validator', { validator: valoper(6) }, 'UNKNOWN_VALIDATOR')
  })

  it('delegation, delegations, validatorDelegations, unbondings, redelegations, params, pool', () => {
    assert.deepEqual(query('delegation', { delegator: account(5), validator: valoper(0) }), {
      delegator: account(5),
      validator: valoper(0),
      shares: String(MILLION),
      balance: String(MILLION),
    })
    refused('delegation', { delegator: account(6), validator: valoper(0) }, 'UNKNOWN_DELEGATION')
    refused('delegation', { delegator: 'nope', validator: valoper(0) }, 'INVALID_QUERY')
    assert.deepEqual(
      query('delegations', { delegator: account(5) })
        .delegations.map((d: { validator: string }) => d.validator)
        .sort(),
      [valoper(0), valoper(1)].sort(),
    )
    assert.equal(query('validatorDelegations', { validator: valoper(0) }).delegations.length, 2)
    refused('validatorDelegations', { validator: valoper(7) }, 'UNKNOWN_VALIDATOR')
    const [u] = query('unbondings', { delegator: account(5) }).unbondings
    assert.equal(u.validator, valoper(0))
    assert.equal(u.entries[0].balance, String(MILLION))
    assert.equal(BigInt(u.entries[0].completion_time) - h.time, UNBONDING - 1000n)
    const [r] = query('redelegations', { delegator: account(5) }).redelegations
    assert.deepEqual([r.source, r.destination, r.entries[0].balance], [valoper(0), valoper(1), String(MILLION)])
    refused('unbondings', {}, 'INVALID_QUERY')
    refused('redelegations', { delegator: 5 }, 'INVALID_QUERY')
    assert.deepEqual(query('params'), {
      unbonding_time: '1814400000',
      max_validators: 100,
      max_entries: 7,
      bond_denom: 'ufdr',
      power_reduction: '1000000',
      min_self_delegation: '1',
    })
    assert.deepEqual(query('pool'), { bonded_tokens: String(17n * MILLION), not_bonded_tokens: String(MILLION) })
  })

  it('bonds: bond, unbond through the queue, slash bond and entries after the infraction, prefixed by the calling module', () => {
    const subnets = () => h.keeperFor('subnets')
    const before = h.balance(addr(6))
    h.tx(() => subnets().bond(addr(6), 'subnet/1/trainer', 1000n))
    assert.equal(subnets().bondedAmount(addr(6), 'subnet/1/trainer'), 1000n)
    assert.equal(h.keeperFor('other').bondedAmount(addr(6), 'subnet/1/trainer'), 0n, "another module does not see subnets' bond")
    assert.equal(h.pool('bonds_pool'), 1000n)
    h.tx(() => subnets().beginUnbond(addr(6), 'subnet/1/trainer', 200n)) // before the infraction
    h.endBlock()
    const infraction = h.height
    const completion = h.tx(() => subnets().beginUnbond(addr(6), 'subnet/1/trainer', 300n))
    assert.equal(completion, h.time + UNBONDING)
    h.endBlock()
    const supply = h.supply()
    const burned = h.tx(() => subnets().slashBond(addr(6), 'subnet/1/trainer', dec('0.1'), infraction))
    assert.equal(burned, 50n + 30n)
    assert.equal(h.supply(), supply - 80n)
    assert.equal(subnets().bondedAmount(addr(6), 'subnet/1/trainer'), 450n)
    assert.equal(subnets().unbondingAmount(addr(6), 'subnet/1/trainer'), 200n + 270n)
    h.assertInvariants()
    h.endBlock(UNBONDING)
    h.endBlock()
    assert.equal(subnets().unbondingAmount(addr(6), 'subnet/1/trainer'), 0n)
    assert.equal(h.balance(addr(6)), before - 1000n + 470n)
    assert.equal(
      h.tx(() => subnets().slashBond(addr(6), 'none', dec('0.5'), 1)),
      0n,
    )
    h.assertInvariants()
  })

  it('bonds refuse bad amounts and purposes, too little money or bond, too many entries', () => {
    const k = () => h.keeperFor('subnets')
    assert.equal(
      h.fails(() => k().bond(addr(6), 'p', 0n)),
      'INVALID_AMOUNT',
    )
    assert.equal(
      h.fails(() => k().bond(addr(6), '', 1n)),
      'INVALID_PURPOSE',
    )
    assert.equal(
      h.fails(() => k().bond(addr(6), 'p', 10n ** 18n)),
      'INSUFFICIENT_FUNDS',
    )
    h.tx(() => k().bond(addr(6), 'p', 100n))
    assert.equal(
      h.fails(() => k().beginUnbond(addr(6), 'p', 101n)),
      'INSUFFICIENT_BOND',
    )
    assert.equal(
      h.fails(() => k().beginUnbond(addr(6), 'p', -1n)),
      'INVALID_AMOUNT',
    )
    assert.equal(
      h.fails(() => k().slashBond(addr(6), 'p', dec('2'), 1)),
      'INVALID_SLASH',
    )
    for (let i = 0; i < 7; i++) {
      h.tx(() => k().beginUnbond(addr(6), 'p', 1n))
      h.endBlock()
    }
    assert.equal(
      h.fails(() => k().beginUnbond(addr(6), 'p', 1n)),
      'TOO_MANY_UNBONDING_ENTRIES',
    )
  })

  it('export then init of a committed store (slashed, jailed, bonds, every kind of entry) gives the same state root', async () => {
    h.tx((k) => k.slash(consAddr(0), h.height - 1, 11n, dec('0.05')))
    h.tx((k) => k.jail(consAddr(1)))
    h.tx(() => h.keeperFor('subnets').bond(addr(6), 'p', 100n))
    h.tx(() => h.keeperFor('subnets').beginUnbond(addr(6), 'p', 40n))
    h.endBlock()
    h.assertInvariants()
    await h.commit()
    const exported = h.app.exportAppState()
    const registry = stakingRegistry()
    const fresh = new Application(
      await StateDB.open(dirs.next()),
      registry,
      parseGenesis({ ...stakingGenesisJson(), app_state: exported }, registry),
    )
    await fresh.initChain()
    assert.equal(Buffer.from(fresh.db.rootHash).toString('hex'), Buffer.from(h.app.db.rootHash).toString('hex'))
    await fresh.db.close()
  })

  it('the registry builds with the keeper checked against slashing, distribution and bonds contracts', () => {
    assert.ok(stakingRegistry().has('staking'))
    assert.deepEqual(Object.keys(STAKING_MODULE_ACCOUNTS).sort(), ['bonded_pool', 'bonds_pool', 'not_bonded_pool'])
    assert.equal(stakingModule.name, 'staking')
  })
})
