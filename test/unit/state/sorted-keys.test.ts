import assert from 'node:assert/strict'
import fc from 'fast-check'
import { SortedKeys } from '../../../src/state/sorted-keys.js'

// Short ids over a small alphabet, so prefixes, repeats and deletes of present keys are common.
const idArb = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\u0000', '\u00ff'), maxLength: 4 })
const commitArb = fc.record({ added: fc.array(idArb, { maxLength: 60 }), removed: fc.array(idArb, { maxLength: 30 }) })

describe('sorted state keys', () => {
  it('iterates every prefix as a sorted set would, across many commits', () => {
    fc.assert(
      fc.property(
        fc.array(idArb, { maxLength: 200 }),
        fc.array(commitArb, { maxLength: 8 }),
        fc.array(idArb, { minLength: 1, maxLength: 5 }),
        (initial, commits, prefixes) => {
          const model = new Set(initial)
          const index = SortedKeys.from(initial)
          for (const { added, removed } of commits) {
            const gone = new Set(removed)
            index.update(added, gone)
            for (const id of gone) model.delete(id)
            for (const id of added) if (!gone.has(id)) model.add(id)
          }
          const sorted = [...model].sort()
          assert.equal(index.size, sorted.length)
          assert.deepEqual([...index.withPrefix('')], sorted)
          for (const prefix of prefixes)
            assert.deepEqual(
              [...index.withPrefix(prefix)],
              sorted.filter((id) => id.startsWith(prefix)),
            )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('splits and drops chunks as thousands of keys come and go', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `k${String((i * 7919) % 5000).padStart(5, '0')}`)
    const index = SortedKeys.from(ids.slice(0, 100))
    index.update(ids, new Set())
    assert.deepEqual(
      [...index.withPrefix('k0')],
      [...ids].sort().filter((id) => id.startsWith('k0')),
    )
    index.update([], new Set(ids.filter((_, i) => i % 3 !== 0)))
    const left = ids.filter((_, i) => i % 3 === 0).sort()
    assert.equal(index.size, left.length)
    assert.deepEqual([...index.withPrefix('')], left)
    index.update([], new Set(ids))
    assert.deepEqual([...index.withPrefix('')], [])
    index.update(['z'], new Set())
    assert.deepEqual([...index.withPrefix('')], ['z'])
  })
})
