import assert from 'node:assert/strict'
import fc from 'fast-check'
import { BinaryHeap } from '../../../../src/node/mempool/heap.js'
import { LruMap } from '../../../../src/node/mempool/lru.js'
import { compareForBlock, comparePriority } from '../../../../src/node/mempool/priority.js'

describe('mempool building blocks', () => {
  it('a binary heap pops in comparator order, however it was filled', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 })), fc.array(fc.integer({ min: -50, max: 50 })), (initial, pushed) => {
        const heap = new BinaryHeap<number>((a, b) => a < b, initial)
        for (const value of pushed) heap.push(value)
        const out: number[] = []
        for (let value = heap.pop(); value !== undefined; value = heap.pop()) out.push(value)
        assert.deepEqual(
          out,
          [...initial, ...pushed].sort((a, b) => a - b),
        )
        assert.equal(heap.size, 0)
      }),
    )
  })

  it('an LRU map forgets the least recently used key first', () => {
    const lru = new LruMap<string, number>(2)
    lru.set('a', 1)
    lru.set('b', 2)
    assert.equal(lru.get('a'), 1)
    lru.set('c', 3)
    assert.equal(lru.has('b'), false)
    assert.equal(lru.peek('a'), 1)
    lru.set('d', 4)
    assert.deepEqual([lru.has('a'), lru.has('c'), lru.has('d'), lru.size], [false, true, true, 2])
    const off = new LruMap<string, number>(0)
    off.set('a', 1)
    assert.equal(off.size, 0)
  })

  it('compares priority as exact fee per gas, even beyond 2^53', () => {
    assert.equal(comparePriority({ fee: 600n, gasWanted: 100n }, { fee: 1_000n, gasWanted: 200n }), 1)
    assert.equal(comparePriority({ fee: 3n, gasWanted: 6n }, { fee: 1n, gasWanted: 2n }), 0)
    const huge = 2n ** 80n
    assert.equal(comparePriority({ fee: huge + 1n, gasWanted: huge }, { fee: huge, gasWanted: huge }), 1)
  })

  it('orders a block by priority, then arrival, then hash', () => {
    const at = (fee: bigint, seq: number, hash: string) => ({ fee, gasWanted: 10n, seq, hash })
    const sorted = [at(10n, 5, 'bb'), at(20n, 9, 'aa'), at(10n, 5, 'aa'), at(10n, 1, 'ff')].sort(compareForBlock)
    assert.deepEqual(
      sorted.map((r) => `${r.fee}/${r.seq}/${r.hash}`),
      ['20/9/aa', '10/1/ff', '10/5/aa', '10/5/bb'],
    )
  })
})
