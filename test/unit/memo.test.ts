import assert from 'node:assert/strict'
import { BoundedMemo } from '../../src/memo.js'

describe('BoundedMemo', () => {
  it('computes once per key, remembers null, and forgets the oldest beyond its limit', () => {
    const memo = new BoundedMemo<string, number | null>(2)
    let calls = 0
    const get = (key: string, value: number | null) => memo.get(key, () => (calls++, value))
    assert.equal(get('a', 1), 1)
    assert.equal(get('a', 99), 1)
    assert.equal(get('n', null), null)
    assert.equal(get('n', 5), null)
    assert.equal(calls, 2)
    get('b', 2) // third key: 'a', the oldest, goes
    assert.equal(get('a', 3), 3)
    assert.equal(calls, 4)
  })
})
