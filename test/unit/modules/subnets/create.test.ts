import assert from 'node:assert/strict'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { MsgCreateSubnet } from '../../../../src/modules/subnets/index.js'
import { Dec } from '../../../../src/state/index.js'
import { DEPOSIT, Harness, MODEL_CID, SPEC, addr, createMsg, dec, subnetParams, subnetsGenesisJson } from './harness.js'
import { tempDirs } from '../../../support/chain.js'

describe('subnets: MsgCreateSubnet', () => {
  const dirs = tempDirs()
  let h: Harness
  beforeEach(async () => {
    h = await Harness.open(dirs.next())
  })
  afterEach(() => h.close())
  after(() => dirs.removeAll())

  it('creates subnets with sequential ids, the creator as admin, the deposit in the subnets account and the supply unchanged', async () => {
    const supply = h.supply()
    const before = h.balance(addr(1))
    h.send(1, MsgCreateSubnet, createMsg())
    h.send(2, MsgCreateSubnet, createMsg({ name: 'second' }))
    assert.deepEqual(h.keeper.subnetIds(), [0n, 1n])
    const subnet = h.keeper.subnet(0n)!
    assert.deepEqual(subnet.admin, addr(1))
    assert.equal(subnet.parameterCount, 4n * 3n + 3n + 3n * 2n + 2n)
    assert.equal(subnet.initialModelCid, MODEL_CID)
    assert.equal(h.keeper.subnet(1n)!.name, 'second')
    assert.equal(h.balance(addr(1)), before - DEPOSIT)
    assert.equal(h.deposits(), 2n * DEPOSIT)
    assert.equal(h.supply(), supply)
    assert.ok(h.events.some((e) => e.type === 'subnet_created'))
    h.assertInvariants()
  })

  it('answers the subnet query with its documented shape', async () => {
    h.send(1, MsgCreateSubnet, createMsg({ allowList: [addr(3), addr(2)] }))
    await h.commit()
    const json = h.app.query('subnets', 'subnet', { id: '0' }) as Record<string, unknown>
    assert.equal(json.id, '0')
    assert.equal(json.admin, encodeAddress(addr(1)))
    assert.equal(json.model_spec, SPEC)
    assert.equal(json.parameter_count, '23')
    assert.equal(json.deposit, String(DEPOSIT))
    assert.equal(json.trainers, 0)
    assert.equal(json.params_from_round, null)
    assert.equal(json.pending_params, null)
    assert.deepEqual((json.params as { reward_split: unknown }).reward_split, {
      trainers: '0.7',
      aggregator: '0.1',
      scorers: '0.15',
      data: '0.05',
    })
    assert.equal((h.app.query('subnets', 'subnets') as { subnets: unknown[] }).subnets.length, 1)
    const listed = (h.app.query('subnets', 'allowList', { subnet: '0' }) as { allow_list: string[] }).allow_list
    assert.deepEqual([...listed].sort(), [encodeAddress(addr(2)), encodeAddress(addr(3))].sort())
    assert.deepEqual(h.app.query('subnets', 'params'), {
      creation_deposit: String(DEPOSIT),
      max_subnets: '10000',
      max_name_length: 64,
      max_description_length: 1024,
    })
    assert.throws(() => h.app.query('subnets', 'subnet', { id: '7' }), { code: 'UNKNOWN_SUBNET' })
    assert.throws(() => h.app.query('subnets', 'subnet', { id: 'x' }), { code: 'UNKNOWN_SUBNET' })
  })

  const refusals: [string, Record<string, unknown>, string][] = [
    ['a spec that is not JSON', { modelSpec: '{inputShape' }, 'INVALID_MODEL_SPEC'],
    ['a spec with an unknown layer', { modelSpec: '{"inputShape":[4],"layers":[{"type":"lstm"}]}' }, 'INVALID_MODEL_SPEC'],
    [
      'a spec that is not canonical JSON',
      { modelSpec: '{"layers":[{"type":"dense","units":2}],"inputShape":[4]}' },
      'MODEL_SPEC_NOT_CANONICAL',
    ],
    [
      'a spec carrying an unknown field',
      { modelSpec: '{"extra":[[[1]]],"inputShape":[4],"layers":[{"type":"dense","units":2}]}' },
      'MODEL_SPEC_NOT_CANONICAL',
    ],
    [
      'a spec with an unknown layer field',
      { modelSpec: '{"inputShape":[4],"layers":[{"note":"x","type":"dense","units":2}]}' },
      'MODEL_SPEC_NOT_CANONICAL',
    ],
    [
      'a model larger than the rule is exact for',
      { modelSpec: '{"inputShape":[1048576],"layers":[{"type":"dense","units":1048576}]}' },
      'MODEL_TOO_LARGE',
    ],
    ['an initial model that is not a CID', { initialModelCid: 'not-a-cid' }, 'INVALID_CID'],
    ['an initial model named by a CIDv0', { initialModelCid: 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG' }, 'INVALID_CID'],
    ['an empty name', { name: '' }, 'INVALID_METADATA'],
    ['a domain with spaces', { domain: 'vision digits' }, 'INVALID_METADATA'],
    ['a description with control characters', { description: 'a\u0000b' }, 'INVALID_METADATA'],
    ['an allow-list naming an address twice', { allowList: [addr(2), addr(2)] }, 'INVALID_ALLOW_LIST'],
    ['an unknown aggregation rule', { params: subnetParams({ aggregationRule: 'fedsgd' }) }, 'UNKNOWN_RULE'],
    ['a rule named like an Object.prototype member', { params: subnetParams({ aggregationRule: '__proto__' }) }, 'UNKNOWN_RULE'],
    ['a rule named constructor', { params: subnetParams({ aggregationRule: 'constructor:1' }) }, 'UNKNOWN_RULE'],
    ['a rule with an unknown pre-aggregation step', { params: subnetParams({ aggregationRule: 'median+xyz' }) }, 'INVALID_RULE'],
    ['a rule name that is not canonical', { params: subnetParams({ aggregationRule: 'trimmed:0.20' }) }, 'INVALID_RULE'],
    ['a rule with bad parameters', { params: subnetParams({ aggregationRule: 'trimmed:0.7' }) }, 'INVALID_RULE'],
    [
      'a submit window of 0 blocks',
      { params: subnetParams({ timing: { submitWindow: 0, aggregateWindow: 3, gap: 1 } }) },
      'INVALID_TIMING',
    ],
    ['a gap of 0 blocks', { params: subnetParams({ timing: { submitWindow: 5, aggregateWindow: 3, gap: 0 } }) }, 'INVALID_TIMING'],
    [
      'an aggregate window past the bound',
      { params: subnetParams({ timing: { submitWindow: 5, aggregateWindow: 100_001, gap: 1 } }) },
      'INVALID_TIMING',
    ],
    [
      'an unknown dtype',
      { params: subnetParams({ quantization: { dtype: 'float32', scale: 16384, maxAbs: 127, clipNorm: Dec.ONE } }) },
      'INVALID_QUANTIZATION',
    ],
    [
      'a scale of 0',
      { params: subnetParams({ quantization: { dtype: 'int16', scale: 0, maxAbs: 127, clipNorm: Dec.ONE } }) },
      'INVALID_QUANTIZATION',
    ],
    [
      'a maxAbs beyond the dtype',
      { params: subnetParams({ quantization: { dtype: 'int8', scale: 16, maxAbs: 128, clipNorm: Dec.ONE } }) },
      'INVALID_QUANTIZATION',
    ],
    [
      'a maxAbs beyond the rule',
      { params: subnetParams({ quantization: { dtype: 'int32', scale: 16, maxAbs: 40_000, clipNorm: Dec.ONE } }) },
      'INVALID_QUANTIZATION',
    ],
    [
      'a clip bound of 0',
      { params: subnetParams({ quantization: { dtype: 'int16', scale: 16, maxAbs: 127, clipNorm: Dec.ZERO } }) },
      'INVALID_QUANTIZATION',
    ],
    ['a sample cap of 0', { params: subnetParams({ sampleCap: 0 }) }, 'INVALID_SAMPLE_CAP'],
    ['a sample cap above the rule weight bound', { params: subnetParams({ sampleCap: 4097 }) }, 'INVALID_SAMPLE_CAP'],
    [
      'more trainers per round than krum takes',
      { params: subnetParams({ aggregationRule: 'krum', maxTrainers: 256 }) },
      'INVALID_MAX_TRAINERS',
    ],
    ['a zero minimum trainer bond', { params: subnetParams({ minTrainerBond: 0n }) }, 'INVALID_MIN_BOND'],
    ['a zero minimum aggregator bond', { params: subnetParams({ minAggregatorBond: 0n }) }, 'INVALID_MIN_BOND'],
    ['an unknown membership', { params: subnetParams({ membership: 'closed' }) }, 'INVALID_MEMBERSHIP'],
    ['an unknown sharing mode', { params: subnetParams({ sharing: { mode: 'friends', subnets: [] } }) }, 'INVALID_SHARING'],
    ['sharing with no subnets named', { params: subnetParams({ sharing: { mode: 'subnets', subnets: [] } }) }, 'INVALID_SHARING'],
    ['public sharing naming subnets', { params: subnetParams({ sharing: { mode: 'public', subnets: [1n] } }) }, 'INVALID_SHARING'],
    ['shared ids out of order', { params: subnetParams({ sharing: { mode: 'subnets', subnets: [2n, 1n] } }) }, 'INVALID_SHARING'],
    [
      'a reward split summing to 0.99',
      { params: subnetParams({ rewardSplit: { trainers: dec('0.69'), aggregator: dec('0.1'), scorers: dec('0.15'), data: dec('0.05') } }) },
      'INVALID_REWARD_SPLIT',
    ],
    [
      'a reward share above 1',
      { params: subnetParams({ rewardSplit: { trainers: dec('1.1'), aggregator: Dec.ZERO, scorers: Dec.ZERO, data: Dec.ZERO } }) },
      'INVALID_REWARD_SPLIT',
    ],
    ['an aggregator slash fraction above 1', { params: subnetParams({ aggregatorSlashFraction: dec('1.5') }) }, 'INVALID_SLASH_FRACTION'],
    [
      'a validation set that is neither a CID nor a reference',
      { params: subnetParams({ validationSet: 'mnist test set' }) },
      'INVALID_VALIDATION_SET',
    ],
  ]
  for (const [what, overrides, code] of refusals) {
    it(`refuses ${what} (${code}) before any state is read`, () => {
      assert.equal(h.failsValidate(MsgCreateSubnet, createMsg(overrides)), code)
      assert.equal(h.fails(1, MsgCreateSubnet, createMsg(overrides)), code)
      assert.deepEqual(h.keeper.subnetIds(), [])
    })
  }

  it('accepts a scheme:id validation set and normalises a validation CID', () => {
    h.send(1, MsgCreateSubnet, createMsg({ params: subnetParams({ validationSet: 'datanet:3@2' }) }))
    assert.equal(h.keeper.params(0n).validationSet, 'datanet:3@2')
  })

  it("refuses a name longer than the module's max_name_length", () => {
    assert.equal(h.fails(1, MsgCreateSubnet, createMsg({ name: 'x'.repeat(65) })), 'INVALID_METADATA')
  })

  it('refuses sharing with a subnet that does not exist or with itself, and accepts an existing one', () => {
    const sharing = { mode: 'subnets', subnets: [0n] }
    assert.equal(
      h.fails(1, MsgCreateSubnet, createMsg({ params: subnetParams({ sharing: { mode: 'subnets', subnets: [5n] } }) })),
      'UNKNOWN_SUBNET',
    )
    assert.equal(h.fails(1, MsgCreateSubnet, createMsg({ params: subnetParams({ sharing }) })), 'INVALID_SHARING')
    h.send(1, MsgCreateSubnet, createMsg())
    h.send(1, MsgCreateSubnet, createMsg({ params: subnetParams({ sharing }) }))
    assert.deepEqual(h.keeper.params(1n).sharing.subnets, [0n])
  })

  it('refuses a creator who cannot pay the deposit (INSUFFICIENT_DEPOSIT) and takes nothing', async () => {
    const poor = await Harness.open(dirs.next(), subnetsGenesisWithDeposit(2_000_000_000n))
    try {
      assert.equal(poor.fails(1, MsgCreateSubnet, createMsg()), 'INSUFFICIENT_DEPOSIT')
      assert.equal(poor.deposits(), 0n)
    } finally {
      await poor.close()
    }
  })

  it('refuses a subnet past max_subnets (TOO_MANY_SUBNETS)', async () => {
    const few = await Harness.open(dirs.next(), subnetsGenesisWithDeposit(1n, { max_subnets: '1' }))
    try {
      few.send(1, MsgCreateSubnet, createMsg())
      assert.equal(few.fails(1, MsgCreateSubnet, createMsg()), 'TOO_MANY_SUBNETS')
    } finally {
      await few.close()
    }
  })
})

function subnetsGenesisWithDeposit(deposit: bigint, extra: Record<string, string> = {}) {
  return subnetsGenesisJson({ params: { creation_deposit: String(deposit), ...extra } })
}
