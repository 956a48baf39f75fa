import assert from 'node:assert/strict'
import { type ModelSpec, mlpSpec } from '../../../../src/fl/model/spec.js'
import { canonicalModelSpec, checkModelSpec } from '../../../../src/modules/subnets/subnet-params.js'

/** A fine-tune subnet's model spec: the base's layers plus its adapter (src/fl/model/spec.ts AdapterSpec). */
describe('subnets: model specs with an adapter', () => {
  const base = mlpSpec([784, 200, 10])
  const tuned: ModelSpec = { ...base, adapter: { base: { subnet: '0', version: '4' }, rank: 4, alpha: 8, layers: [0, 1], seed: 9 } }
  const code = (expected: string) => (error: unknown) => (error as { code?: string }).code === expected

  it('a spec without an adapter keeps the text it always had', () => {
    assert.equal(canonicalModelSpec(mlpSpec([2, 2])), '{"inputShape":[2],"layers":[{"activation":"linear","type":"dense","units":2}]}')
  })
  it("keeps the adapter's fields in the canonical text, and counts the adapter's parameters alone", () => {
    const text = canonicalModelSpec(tuned)
    assert.match(text, /"adapter":\{"alpha":8,"base":\{"subnet":"0","version":"4"\},"layers":\[0,1\],"rank":4,"seed":9\}/)
    assert.equal(checkModelSpec(text), 4 * (784 + 200) + 4 * (200 + 10))
    assert.equal(checkModelSpec(canonicalModelSpec(base)), 159_010)
  })
  it('refuses an adapter that does not fit its layers (INVALID_MODEL_SPEC) or extra fields in it (MODEL_SPEC_NOT_CANONICAL)', () => {
    assert.throws(
      () => checkModelSpec(canonicalModelSpec({ ...tuned, adapter: { ...tuned.adapter!, rank: 11, layers: [1] } })),
      code('INVALID_MODEL_SPEC'),
    )
    assert.throws(
      () => checkModelSpec(canonicalModelSpec({ ...tuned, adapter: { ...tuned.adapter!, layers: [] } })),
      code('INVALID_MODEL_SPEC'),
    )
    const extra = canonicalModelSpec(tuned).replace('"alpha":8', '"alpha":8,"dropout":1')
    assert.throws(() => checkModelSpec(extra), code('MODEL_SPEC_NOT_CANONICAL'))
  })
})
