import assert from 'node:assert/strict'
import {
  LINEAGE_ACCOUNT,
  LINEAGE_ERRORS,
  MsgUseModel,
  MsgWithdrawAttribution,
  MsgWithdrawTreasury,
} from '../../../../src/modules/lineage/index.js'
import { moduleAddress } from '../../../../src/modules/index.js'
import { tempDirs } from '../../../support/chain.js'
import { DEFAULT_SHARES, expectedSplit, expectedWeights } from './expected.js'
import { ADMIN, AGGREGATOR, FEE, LineageChain, TRAINERS, USER, addr, codeOf, eventsOf, who, type Tx } from './harness.js'

interface CreditJson {
  contributor: string
  weight: string
  paid: string
}
interface VersionJson {
  status: string
  total_weight: string
  parents: { subnet: string; version: string }[]
  datanet_versions: { datanet: string; version: string }[]
  trainers: { trainer: string; consensus_score: string | null }[]
  credits: CreditJson[]
  pool: { accrued: string; paid: string }
}

const SCORES = { 2: 50, 3: 30, 4: 15, 7: 5 }
const use = (fee: bigint, version = 1n, purpose = 'inference'): Tx => [
  USER,
  MsgUseModel,
  { subnet: 0n, version, fee: { denom: 'ufdr', amount: fee }, purpose },
]
const PARAMS = { parent: '0.2', validator: '0.1', depth: 8 }
const parentsOf = (v: string) => (v === '0/0' ? [] : [`0/${BigInt(v.split('/')[1]!) - 1n}`])

describe('lineage: attribution of a scored round, a use fee split along the lineage, withdrawals', () => {
  const dirs = tempDirs()
  let c: LineageChain
  let supply: bigint
  let weights: Map<string, bigint>
  const data: Record<string, { contributor: string; weight: bigint }[]> = {}

  before(async function () {
    this.timeout(120_000)
    c = await LineageChain.open(dirs.next(), { params: { validationSet: 'datanet:3@1' } })
    supply = c.supply()
    c.onBlock = () => assert.equal(c.supply(), supply, `supply at height ${c.height}`)
    const d = c.datanets
    d.addRecord(1n, 0n, addr(6), 1_000_000)
    d.addRecord(1n, 1n, addr(6), 500_000)
    d.addRecord(1n, 2n, addr(3), 800_000)
    d.addRecord(1n, 3n, addr(1), 0, 'pending')
    d.addRecord(2n, 0n, addr(2), 1_000_000)
    d.declare(0n, 0n, addr(2), 1n, 1n, [
      { record: 0n, count: 10 },
      { record: 1n, count: 30 },
    ])
    d.declare(0n, 0n, addr(3), 1n, 1n, [
      { record: 2n, count: 5 },
      { record: 3n, count: 7 },
    ])
    d.declare(0n, 0n, addr(4), 2n, 1n, [{ record: 0n, count: 4 }])
    data[who(2)] = [
      { contributor: who(6), weight: 10n * 1_000_000n },
      { contributor: who(6), weight: 30n * 500_000n },
    ]
    data[who(3)] = [{ contributor: who(3), weight: 5n * 800_000n }]
    data[who(4)] = [{ contributor: who(2), weight: 4n * 1_000_000n }]
    await c.play(new Map([[0, { scores: SCORES, samples: { 2: 100, 3: 200, 4: 300, 7: 400 } }]]))
    const scored = c.scored(0, 0).map((s) => ({ trainer: who(s.trainer), score: s.consensusScore.raw, weight: s.weight }))
    weights = expectedWeights(DEFAULT_SHARES, 0n, scored, who(AGGREGATOR), data)
  })
  after(async () => {
    await c.close()
    dirs.removeAll()
  })

  const version = (v = 1n) => c.query<VersionJson>('version', { subnet: '0', version: String(v) })

  it('records version 1 attributed: its parent, the Datanet versions of the declarations and the validation set, the consensus scores', () => {
    const v = version()
    assert.equal(v.status, 'attributed')
    assert.deepEqual(v.parents, [{ subnet: '0', version: '0' }])
    assert.deepEqual(v.datanet_versions, [
      { datanet: '1', version: '1' },
      { datanet: '2', version: '1' },
      { datanet: '3', version: '1' },
    ])
    assert.deepEqual(
      v.trainers.map((t) => t.consensus_score),
      c.scored(0, 0).map((s) => s.consensusScore.toString()),
    )
  })

  it('weighs trainers by consensus score, data by count × quality per trainer, the aggregator and the treasury, as computed independently', () => {
    const v = version()
    const got = new Map(v.credits.map((cr) => [cr.contributor, BigInt(cr.weight)]))
    assert.deepEqual(got, weights)
    assert.equal(
      BigInt(v.total_weight),
      [...weights.values()].reduce((a, b) => a + b, 0n),
    )
  })

  it('splits a use fee exactly: parents by parent_share, validators to the fee collector, the rest to the pools; then pays each contributor its floor', async () => {
    const fee = 1_000_003n
    const before = c.balance(USER)
    const executed = await c.block(use(fee))
    assert.deepEqual(codeOf(executed), ['', 0])
    assert.equal(c.balance(USER), before - fee - FEE)
    const split = expectedSplit(fee, '0/1', parentsOf, PARAMS)
    const toCollector = eventsOf(executed, 'transfer').filter((e) => e.sender === who(moduleAddress(LINEAGE_ACCOUNT)))
    assert.deepEqual(
      toCollector.map((e) => e.amount),
      [`${split.validators}ufdr`],
    )
    const receipt = c.query<Record<string, string>>('receipt', { id: '0' })
    assert.equal(BigInt(receipt.pooled!), split.pooled.get('0/1'))
    assert.equal(BigInt(receipt.ancestors_pooled!), split.pooled.get('0/0'))
    assert.equal(BigInt(receipt.validators_part!) + BigInt(receipt.ancestors_validators!), split.validators)
    assert.equal(c.query<{ accrued: string }>('pool', { subnet: '0', version: '1' }).accrued, String(split.pooled.get('0/1')))

    const W = [...weights.values()].reduce((a, b) => a + b, 0n)
    const F1 = split.pooled.get('0/1')!
    const F0 = split.pooled.get('0/0')!
    const owed = (name: string) => (F1 * (weights.get(name) ?? 0n)) / W + (name === 'treasury:0' ? F0 : 0n)
    const payees = [...TRAINERS, AGGREGATOR, 6]
    const balances = payees.map((p) => c.balance(p))
    const admin = c.balance(ADMIN)
    const withdrawn = await c.block(...payees.map((p): Tx => [p, MsgWithdrawAttribution, {}]), [ADMIN, MsgWithdrawTreasury, { subnet: 0n }])
    assert.ok(
      withdrawn.txResults.every((r) => r.code === 0),
      withdrawn.txResults.map((r) => r.log).join('; '),
    )
    payees.forEach((p, i) => assert.equal(c.balance(p), balances[i]! + owed(who(p)) - FEE, `account ${p}`))
    assert.equal(c.balance(ADMIN), admin + owed('treasury:0') - FEE)
    const dust = F1 + F0 - [...payees.map(who), 'treasury:0'].reduce((a, n) => a + owed(n), 0n)
    assert.ok(dust >= 0n && dust <= BigInt(weights.size), `dust ${dust}`)
    assert.equal(c.balance(moduleAddress(LINEAGE_ACCOUNT)), dust)
  })

  it('refuses a second withdrawal with nothing owed: NOTHING_TO_WITHDRAW', async () => {
    const executed = await c.block([2, MsgWithdrawAttribution, {}])
    assert.deepEqual(codeOf(executed), ['lineage', LINEAGE_ERRORS.NOTHING_TO_WITHDRAW])
  })

  it('refuses uses of an unknown version, below the minimum, in another denomination, beyond the balance', async () => {
    const executed = await c.block(
      use(5000n, 9n),
      use(999n),
      [USER, MsgUseModel, { subnet: 0n, version: 1n, fee: { denom: 'uatom', amount: 5000n }, purpose: '' }],
      use(10n ** 15n),
      [USER, MsgUseModel, { subnet: 7n, version: 0n, fee: { denom: 'ufdr', amount: 5000n }, purpose: '' }],
    )
    assert.deepEqual(
      executed.txResults.map((r) => [r.codespace, r.code]),
      [
        ['lineage', LINEAGE_ERRORS.UNKNOWN_VERSION],
        ['lineage', LINEAGE_ERRORS.FEE_BELOW_MINIMUM],
        ['lineage', LINEAGE_ERRORS.BAD_DENOM],
        ['lineage', LINEAGE_ERRORS.INSUFFICIENT_FUNDS],
        ['lineage', LINEAGE_ERRORS.UNKNOWN_VERSION],
      ],
    )
  })

  it('refuses a treasury withdrawal by anyone but the subnet admin, and for an unknown subnet', async () => {
    const executed = await c.block([2, MsgWithdrawTreasury, { subnet: 0n }], [ADMIN, MsgWithdrawTreasury, { subnet: 5n }])
    assert.deepEqual(
      executed.txResults.map((r) => [r.codespace, r.code]),
      [
        ['lineage', LINEAGE_ERRORS.NOT_SUBNET_ADMIN],
        ['lineage', LINEAGE_ERRORS.UNKNOWN_SUBNET],
      ],
    )
  })

  it('accrues to a pending version, whose contributors catch up once the round is scored', async function () {
    this.timeout(60_000)
    const fee = 777_777n
    // Round 1: version 2 is recorded in the aggregate block and used, still pending, in the commit block.
    const closing = await c.play(new Map([[0, { scores: { 2: 10, 3: 10, 4: 10, 7: 10 } }]]), { scoring: [use(fee, 2n, 'while pending')] })
    assert.equal(eventsOf(closing, 'lineage_version_attributed').length, 1)
    const split = expectedSplit(fee, '0/2', parentsOf, PARAMS)
    const v = version(2n)
    assert.equal(v.status, 'attributed')
    const F2 = split.pooled.get('0/2')!
    const W = BigInt(v.total_weight)
    const owed = c.query<{ total: string; versions: { version: string; owed: string }[] }>('owed', { address: who(2) })
    const w2 = BigInt(v.credits.find((cr) => cr.contributor === who(2))!.weight)
    assert.equal(owed.versions.find((o) => o.version === '2')!.owed, String((F2 * w2) / W))
    // Version 1 got the decayed part of the fee through its child: trainer 2 is owed the new floor minus what it was paid.
    const F1 = BigInt(version(1n).pool.accrued)
    const paid1 = BigInt(version(1n).credits.find((cr) => cr.contributor === who(2))!.paid)
    const W1 = BigInt(version(1n).total_weight)
    assert.equal(owed.versions.find((o) => o.version === '1')!.owed, String((F1 * weights.get(who(2))!) / W1 - paid1))
  })
})
