import assert from 'node:assert/strict'
import { inStep } from '../../../src/harness/in-step.js'

const tips = (o: Record<string, number>) => new Map(Object.entries(o))

describe('harness in-step check over tip readings', () => {
  it("passes a node that lags at first and catches up to the first reading's highest tip", () => {
    const verdict = inStep([tips({ a: 84, b: 84, twin: 78 }), tips({ a: 86, b: 86, twin: 80 }), tips({ a: 88, b: 88, twin: 83 })], 3)
    assert.equal(verdict.ok, true)
    assert.equal(verdict.target, 84)
  })

  it('fails a node that stays at its height, naming it with its tip', () => {
    const verdict = inStep([tips({ a: 84, b: 84, c: 78 }), tips({ a: 90, b: 90, c: 78 }), tips({ a: 96, b: 96, c: 78 })], 3)
    assert.equal(verdict.ok, false)
    assert.deepEqual(verdict.behind, [{ name: 'c', first: 78, last: 78 }])
  })

  it('does not let a node that stops answering pass on its old tip', () => {
    const verdict = inStep([tips({ a: 84, c: 70 }), tips({ a: 90 })], 3)
    assert.equal(verdict.ok, false)
    assert.equal(verdict.behind[0]!.name, 'c')
  })
})
