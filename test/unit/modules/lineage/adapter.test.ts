import assert from 'node:assert/strict'
import { mlpSpec } from '../../../../src/fl/model/spec.js'
import { MsgUseModel } from '../../../../src/modules/lineage/index.js'
import { adapterBaseOf } from '../../../../src/modules/lineage/records.js'
import { MsgCreateSubnet, canonicalModelSpec } from '../../../../src/modules/subnets/index.js'
import { tempDirs } from '../../../support/chain.js'
import { createTrainingSubnet } from '../training/harness.js'
import { expectedSplit } from './expected.js'
import { ADMIN, LineageChain, USER } from './harness.js'

const PARAMS = { parent: '0.2', validator: '0.1', depth: 8 }

/** A fine-tune subnet (its spec declares an adapter over 0/1): kind adapter, the base a parent, a use paid to the base too. */
describe('lineage: a fine-tune subnet records its base as a parent', () => {
  const dirs = tempDirs()
  let c: LineageChain
  let supply: bigint
  const spec = { ...mlpSpec([2, 2]), adapter: { base: { subnet: '0', version: '1' }, rank: 1, alpha: 1, layers: [0], seed: 1 } }

  before(async function () {
    this.timeout(120_000)
    c = await LineageChain.open(dirs.next())
    supply = c.supply()
    c.onBlock = () => assert.equal(c.supply(), supply, `supply at height ${c.height}`)
    await c.play(new Map([[0, { scores: { 2: 40, 3: 30, 4: 20, 7: 10 } }]]), {
      closing: () => [[ADMIN, MsgCreateSubnet, createTrainingSubnet({ modelSpec: canonicalModelSpec(spec) })]],
    })
    const created = c.blocks.at(-1)!.txResults.at(-1)!
    assert.equal(created.code, 0, created.log)
  })
  after(async () => {
    await c.close()
    dirs.removeAll()
  })

  it('reads the base of an adapter spec, and none of a full one', () => {
    assert.deepEqual(adapterBaseOf(canonicalModelSpec(spec)), { subnet: 0n, version: 1n })
    assert.equal(adapterBaseOf(canonicalModelSpec(mlpSpec([2, 2]))), null)
    assert.equal(adapterBaseOf('{'), null)
  })

  it("gives the fine-tune's version 0 kind adapter and the base version as parent; the base lists it as a descendant", () => {
    const v0 = c.query<{ kind: string; parents: unknown[] }>('version', { subnet: '1', version: '0' })
    assert.deepEqual([v0.kind, v0.parents], ['adapter', [{ subnet: '0', version: '1' }]])
    const up = c.query<{ nodes: { subnet: string; version: string }[] }>('ancestry', { subnet: '1', version: '0' })
    assert.deepEqual(
      up.nodes.map((n) => `${n.subnet}/${n.version}`),
      ['1/0', '0/1', '0/0'],
    )
  })

  it("pays a use of the adapter along the base: the base's pool gets its parent share", async () => {
    const fee = 1_000_000n
    const executed = await c.block([
      USER,
      MsgUseModel,
      { subnet: 1n, version: 0n, fee: { denom: 'ufdr', amount: fee }, purpose: 'serving' },
    ])
    assert.equal(executed.txResults[0]!.code, 0, executed.txResults[0]!.log)
    const parents = new Map([
      ['1/0', ['0/1']],
      ['0/1', ['0/0']],
    ])
    const split = expectedSplit(fee, '1/0', (v) => parents.get(v) ?? [], PARAMS)
    for (const [v, pooled] of split.pooled) {
      const [subnet, version] = v.split('/')
      assert.equal(c.query<{ accrued: string }>('pool', { subnet, version }).accrued, String(pooled), `pool ${v}`)
    }
    assert.ok(split.pooled.has('0/1'), 'the base is paid')
    const descendants = c.query<{ nodes: { subnet: string; version: string }[] }>('descendants', { subnet: '0', version: '1' })
    assert.ok(descendants.nodes.some((n) => n.subnet === '1' && n.version === '0'))
  })
})
