import assert from 'node:assert/strict'
import { WEIGHT_SCALE, attribute, lineageParams, splitFee } from '../../../../src/modules/lineage/index.js'
import { Dec, StateError } from '../../../../src/state/index.js'
import { addr } from './harness.js'

const v = (subnet: number, version: number) => ({ subnet: BigInt(subnet), version: BigInt(version) })
const name = (x: { subnet: bigint; version: bigint }) => `${x.subnet}/${x.version}`
const params = { parentShare: Dec.parse('0.5'), validatorShare: Dec.parse('0.1'), maxAncestryDepth: 8 }

describe('lineage split and weights (pure)', () => {
  it("divides the parents' part equally, the first parent taking the remainder, and conserves the fee", () => {
    const parents: Record<string, { subnet: bigint; version: bigint }[]> = { '0/3': [v(0, 2), v(1, 0), v(2, 0)] }
    const s = splitFee(1001n, v(0, 3), (x) => parents[name(x)] ?? [], params)
    // P = ⌊1001 × 0.5⌋ = 500: 166 each, the first 168.
    assert.equal(s.parentsPart, 500n)
    const got = new Map(s.parts.map((p) => [name(p.version), p.pooled + p.validators]))
    assert.deepEqual([got.get('0/2'), got.get('1/0'), got.get('2/0')], [168n, 166n, 166n])
    assert.equal(
      s.parts.reduce((a, p) => a + p.pooled + p.validators, 0n),
      1001n,
    )
  })

  it("keeps the parents' part with the version at max_ancestry_depth", () => {
    const chain = (x: { subnet: bigint; version: bigint }) => (x.version === 0n ? [] : [v(0, Number(x.version) - 1)])
    const s = splitFee(10_000n, v(0, 5), chain, { ...params, maxAncestryDepth: 2 })
    assert.deepEqual(
      s.parts.map((p) => [name(p.version), p.depth]),
      [
        ['0/5', 0],
        ['0/4', 1],
        ['0/3', 2],
      ],
    )
    // 0/3 at the bound keeps its whole 2,500: validators 250, pool 2,250.
    assert.deepEqual([s.parts[2]!.pooled, s.parts[2]!.validators], [2250n, 250n])
  })

  it("merges a diamond's two paths into one amount per generation", () => {
    const parents: Record<string, { subnet: bigint; version: bigint }[]> = { '0/3': [v(0, 1), v(0, 2)], '0/1': [v(0, 0)], '0/2': [v(0, 0)] }
    const s = splitFee(1000n, v(0, 3), (x) => parents[name(x)] ?? [], params)
    assert.equal(s.parts.filter((p) => name(p.version) === '0/0').length, 1)
    assert.equal(s.parts.find((p) => name(p.version) === '0/0')!.pooled + s.parts.find((p) => name(p.version) === '0/0')!.validators, 250n)
  })

  it('weighs by sample weight when every consensus score is 0, and gives the data part of an undeclared round to the treasury', () => {
    const shares = {
      trainerShare: Dec.parse('0.5'),
      dataShare: Dec.parse('0.2'),
      aggregatorShare: Dec.parse('0.05'),
      treasuryShare: Dec.parse('0.15'),
    }
    const a = attribute(
      shares,
      4n,
      [
        { trainer: addr(2), consensusScore: Dec.ZERO, weight: 1 },
        { trainer: addr(3), consensusScore: Dec.ZERO, weight: 3 },
      ],
      null,
      () => [],
    )
    const w = new Map(
      a.credits.map((c) => [c.contributor.kind === 'account' ? Buffer.from(c.contributor.address).toString('hex') : 'treasury', c.credit]),
    )
    assert.equal(w.get(Buffer.from(addr(2)).toString('hex'))!.trainer, WEIGHT_SCALE / 8n)
    assert.equal(w.get(Buffer.from(addr(3)).toString('hex'))!.trainer, (WEIGHT_SCALE * 3n) / 8n)
    assert.equal(w.get('treasury')!.treasury, (WEIGHT_SCALE * 40n) / 100n)
    // The validators' 0.1 is paid at use, never weighed: W = 0.9 of the scale.
    assert.equal(a.total, (WEIGHT_SCALE * 9n) / 10n)
  })

  it('refuses params whose shares do not sum to 1, and a parent share of 1', () => {
    assert.throws(
      () => lineageParams.fromJson({ trainer_share: '0.6' }, 'app_state.lineage.params'),
      (e: unknown) => e instanceof StateError && /trainer_share/.test(e.message),
    )
    assert.throws(
      () => lineageParams.fromJson({ parent_share: '1' }, 'app_state.lineage.params'),
      (e: unknown) => e instanceof StateError && /parent_share/.test(e.message),
    )
    assert.deepEqual(lineageParams.fromJson(lineageParams.toJson(lineageParams.defaults), 'p'), lineageParams.defaults)
  })
})
