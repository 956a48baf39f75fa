import assert from 'node:assert/strict'
import { initialParameters } from '../../../src/fl/model/init.js'
import { mlpSpec, parameterLayout, parseModelSpec, smallCnnSpec } from '../../../src/fl/model/spec.js'
import { attackUpdate, parseAttackSpec } from '../../../src/fl/sim/attacks.js'
import { SeededRandom } from '../../../src/fl/random.js'

const code =
  (expected: string) =>
  (error: unknown): boolean =>
    (error as { code?: string }).code === expected

describe('model spec', () => {
  it('lays out an MLP as kernel then bias per layer, in order', () => {
    const layout = parameterLayout(mlpSpec([784, 200, 10]))
    assert.equal(layout.size, 784 * 200 + 200 + 200 * 10 + 10)
    assert.deepEqual(
      layout.slots.map((s) => [s.kind, s.offset, s.shape.join('x')]),
      [
        ['kernel', 0, '784x200'],
        ['bias', 156800, '200'],
        ['kernel', 157000, '200x10'],
        ['bias', 159000, '10'],
      ],
    )
  })
  it('lays out the small CNN', () => {
    const layout = parameterLayout(smallCnnSpec())
    assert.equal(layout.size, 5 * 5 * 8 + 8 + 5 * 5 * 8 * 16 + 16 + 7 * 7 * 16 * 10 + 10)
    assert.equal(layout.outputSize, 10)
  })
  it('rejects malformed specs with typed errors', () => {
    assert.throws(() => parseModelSpec('{'), code('FL_INVALID_MODEL_SPEC'))
    assert.throws(() => parseModelSpec('{"inputShape":[4],"layers":[]}'), code('FL_INVALID_MODEL_SPEC'))
    assert.throws(() => parseModelSpec('{"inputShape":[4],"layers":[{"type":"dense","units":0}]}'), code('FL_INVALID_MODEL_SPEC'))
    assert.throws(
      () => parseModelSpec('{"inputShape":[4],"layers":[{"type":"conv2d","filters":2,"kernelSize":3}]}'),
      code('FL_INVALID_MODEL_SPEC'),
    )
    assert.throws(() => parseModelSpec('{"inputShape":[4],"layers":[{"type":"lstm"}]}'), code('FL_INVALID_MODEL_SPEC'))
    assert.deepEqual(parseModelSpec(JSON.stringify(mlpSpec([4, 3]))), mlpSpec([4, 3]))
  })
  it('initialises reproducibly: same seed same vector, biases zero', () => {
    const spec = mlpSpec([20, 8, 3])
    const a = initialParameters(spec, 1)
    assert.deepEqual(a, initialParameters(spec, 1))
    assert.notDeepEqual(a, initialParameters(spec, 2))
    assert.ok(a.subarray(160, 168).every((v) => v === 0))
    assert.ok(a.subarray(0, 160).every((v) => Math.abs(v) <= Math.sqrt(6 / 20)))
  })
})

describe('attacks', () => {
  const ctx = {
    honest: Int32Array.of(10, -20, 30000),
    previousAggregate: Int32Array.of(7, 7, 7),
    victim: Int32Array.of(1, 2, 3),
    length: 3,
    maxAbs: 32767,
    scale: 100,
    random: new SeededRandom(1),
  }
  it('sign-flips and scales the honest update within the range', () => {
    assert.deepEqual(attackUpdate(parseAttackSpec('signflip'), ctx), Int32Array.of(-40, 80, -32767))
    assert.deepEqual(attackUpdate(parseAttackSpec('scaled:2'), ctx), Int32Array.of(20, -40, 32767))
  })
  it('free-riders send zeros, the replayed aggregate or a copied update', () => {
    assert.deepEqual(attackUpdate(parseAttackSpec('zero'), ctx), new Int32Array(3))
    assert.deepEqual(attackUpdate(parseAttackSpec('replay'), ctx), ctx.previousAggregate)
    assert.deepEqual(attackUpdate(parseAttackSpec('copy'), ctx), ctx.victim)
  })
  it('gaussian noise stays in range', () => {
    assert.ok(attackUpdate(parseAttackSpec('gaussian:1000'), ctx).every((v) => Math.abs(v) <= 32767))
  })
  it('rejects unknown attacks', () => {
    assert.throws(() => parseAttackSpec('bribe'), code('FL_RULE_PARAMS'))
    assert.throws(() => parseAttackSpec('zero:1'), code('FL_RULE_PARAMS'))
  })
})
