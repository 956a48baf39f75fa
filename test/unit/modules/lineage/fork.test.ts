import assert from 'node:assert/strict'
import { mlpSpec } from '../../../../src/fl/model/spec.js'
import { LINEAGE_ERRORS, MsgForkModel, MsgUseModel } from '../../../../src/modules/lineage/index.js'
import { MsgCreateSubnet, MsgUpdateSubnetParams, canonicalModelSpec } from '../../../../src/modules/subnets/index.js'
import { tempDirs } from '../../../support/chain.js'
import { createTrainingSubnet, testSubnetParams } from '../training/harness.js'
import { expectedSplit } from './expected.js'
import { ADMIN, INITIAL_CID, LineageChain, USER, type Tx } from './harness.js'

const fork = (source: [bigint, bigint], target: bigint, from = ADMIN): Tx => [
  from,
  MsgForkModel,
  { source: { subnet: source[0], version: source[1] }, target },
]
const results = (txs: { codespace: string; code: number }[]) => txs.map((r) => [r.codespace, r.code])
const ok = ['', 0]
const refused = (code: keyof typeof LINEAGE_ERRORS) => ['lineage', LINEAGE_ERRORS[code]]
const SCORES = { 2: 40, 3: 30, 4: 20, 7: 10 }
const PARAMS = { parent: '0.2', validator: '0.1', depth: 8 }

interface WalkJson {
  nodes: { subnet: string; version: string; depth: number }[]
  edges: { child: { subnet: string; version: string }; parent: { subnet: string; version: string } }[]
}

describe('lineage: forks across subnets by sharing mode, and fees along a forked lineage', () => {
  const dirs = tempDirs()
  let c: LineageChain
  let supply: bigint
  let privateFork: [string, number][]
  let firstForks: [string, number][]
  let secondForks: [string, number][]
  const parents = new Map<string, string[]>()

  before(async function () {
    this.timeout(180_000)
    // Subnet 0 starts private; from round 1 on it shares with subnets 1, 3 and 4 only.
    c = await LineageChain.open(dirs.next())
    supply = c.supply()
    c.onBlock = () => assert.equal(c.supply(), supply, `supply at height ${c.height}`)
    const other = canonicalModelSpec(mlpSpec([2, 3]))
    await c.play(new Map([[0, { scores: SCORES }]]), {
      closing: () => [
        ...c.createSubnet(1, c.modelCid(0), c.modelValues(0), {}, { sharing: { mode: 'public', subnets: [] } }),
        [ADMIN, MsgCreateSubnet, createTrainingSubnet({ initialModelCid: c.modelCid(0) }, { sharing: { mode: 'private', subnets: [] } })],
        [ADMIN, MsgCreateSubnet, createTrainingSubnet({ initialModelCid: INITIAL_CID })],
        [ADMIN, MsgCreateSubnet, createTrainingSubnet({ initialModelCid: c.modelCid(0), modelSpec: other })],
        [ADMIN, MsgUpdateSubnetParams, { subnet: 0n, params: testSubnetParams({ sharing: { mode: 'subnets', subnets: [1n, 3n, 4n] } }) }],
        fork([0n, 1n], 1n),
      ],
    })
    privateFork = results(c.blocks.at(-1)!.txResults.slice(-1)) as [string, number][]
    const first: Tx[] = [
      fork([0n, 1n], 2n),
      fork([0n, 1n], 1n, 2),
      fork([0n, 9n], 1n),
      fork([0n, 1n], 99n),
      fork([0n, 1n], 0n),
      fork([0n, 1n], 3n),
      fork([0n, 1n], 4n),
      fork([2n, 0n], 4n),
      fork([0n, 1n], 1n),
    ]
    await c.play(
      new Map([
        [0, { scores: SCORES }],
        [1, { scores: { 2: 10, 3: 20, 4: 30, 7: 40 } }],
      ]),
      {
        txs: first,
        closing: () => [...c.createSubnet(5, c.modelCid(1), c.modelValues(1)), fork([1n, 1n], 5n), fork([1n, 1n], 0n), fork([0n, 1n], 1n)],
      },
    )
    firstForks = results(c.submitted!.txResults.slice(0, first.length)) as [string, number][]
    secondForks = results(c.blocks.at(-1)!.txResults.slice(-3)) as [string, number][]
    for (const [child, parent] of [
      ['5/0', '1/1'],
      ['1/1', '1/0'],
      ['1/0', '0/1'],
      ['0/1', '0/0'],
      ['0/2', '0/1'],
    ])
      parents.set(child!, [parent!])
  })
  after(async () => {
    await c.close()
    dirs.removeAll()
  })

  it("refuses a fork of a private subnet's version: FORK_NOT_SHARED", () => {
    assert.deepEqual(privateFork, [refused('FORK_NOT_SHARED')])
  })

  it('refuses forks: not shared (subnets list, private), not the admin, unknown version and subnet, into itself, model and spec mismatch', () => {
    assert.deepEqual(firstForks, [
      refused('FORK_NOT_SHARED'),
      refused('NOT_SUBNET_ADMIN'),
      refused('UNKNOWN_VERSION'),
      refused('UNKNOWN_SUBNET'),
      refused('INVALID_FORK'),
      refused('FORK_MODEL_MISMATCH'),
      refused('FORK_SPEC_MISMATCH'),
      refused('FORK_NOT_SHARED'),
      ok,
    ])
  })

  it("forks a public subnet's version into a new subnet, and refuses a target that trained and one already forked", () => {
    assert.deepEqual(secondForks, [ok, refused('FORK_TOO_LATE'), refused('ALREADY_FORKED')])
  })

  it("gives the forked subnet's version 0 the source as parent, and its version 1 that version 0", () => {
    const v = (s: string, n: string) => c.query<{ parents: unknown[] }>('version', { subnet: s, version: n }).parents
    assert.deepEqual(v('1', '0'), [{ subnet: '0', version: '1' }])
    assert.deepEqual(v('1', '1'), [{ subnet: '1', version: '0' }])
    assert.deepEqual(v('5', '0'), [{ subnet: '1', version: '1' }])
  })

  it('answers ancestry and descendants across subnets', () => {
    const up = c.query<WalkJson>('ancestry', { subnet: '5', version: '0', depth: '8' })
    assert.deepEqual(
      up.nodes.map((n) => `${n.subnet}/${n.version}@${n.depth}`),
      ['5/0@0', '1/1@1', '1/0@2', '0/1@3', '0/0@4'],
    )
    assert.equal(c.query<WalkJson>('ancestry', { subnet: '5', version: '0', depth: '2' }).nodes.length, 3)
    const down = c.query<WalkJson>('descendants', { subnet: '0', version: '1', depth: '8' })
    assert.deepEqual(down.nodes.map((n) => `${n.subnet}/${n.version}`).sort(), ['0/1', '0/2', '1/0', '1/1', '5/0'])
  })

  it('diffs two versions along the fork: the rounds between and the trainers', () => {
    const d = c.query<{ related: boolean; rounds: { subnet: string; version: string; round: string | null }[] }>('diff', {
      from: { subnet: '0', version: '1' },
      to: { subnet: '1', version: '1' },
    })
    assert.equal(d.related, true)
    assert.deepEqual(d.rounds, [
      { subnet: '1', version: '0', round: null },
      { subnet: '1', version: '1', round: '0' },
    ])
    assert.equal(
      c.query<{ related: boolean }>('diff', { from: { subnet: '0', version: '2' }, to: { subnet: '1', version: '1' } }).related,
      false,
    )
  })

  it('pays a use of the fork of a fork along four generations with decay, every pool as computed independently', async () => {
    const fee = 12_345_679n
    const executed = await c.block([
      USER,
      MsgUseModel,
      { subnet: 5n, version: 0n, fee: { denom: 'ufdr', amount: fee }, purpose: 'serving' },
    ])
    assert.equal(executed.txResults[0]!.code, 0, executed.txResults[0]!.log)
    const split = expectedSplit(fee, '5/0', (v) => parents.get(v) ?? [], PARAMS)
    for (const [v, pooled] of split.pooled) {
      const [subnet, version] = v.split('/')
      assert.equal(c.query<{ accrued: string }>('pool', { subnet, version }).accrued, String(pooled), `pool ${v}`)
    }
    assert.equal(split.pooled.size, 5)
  })

  it('resolves the contributors of the fork of a fork through its ancestors: the parts add up to the scale', () => {
    const r = c.query<{
      scale: string
      contributors: { contributor: string; weight: string }[]
      validators: string
      pending: string
      dust: string
    }>('contributors', { subnet: '5', version: '0' })
    const sum = r.contributors.reduce((a, x) => a + BigInt(x.weight), 0n) + BigInt(r.validators) + BigInt(r.pending) + BigInt(r.dust)
    assert.equal(sum, BigInt(r.scale))
    assert.equal(r.contributors[0]!.contributor, 'treasury:5')
    assert.ok(r.contributors.some((x) => x.contributor === 'treasury:0'))
  })
})
