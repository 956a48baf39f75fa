import assert from 'node:assert/strict'
import { EvidencePool, duplicateVoteEvidence } from '../../../src/consensus/index.js'
import { signedVote } from './fixtures.js'

const offence = (height: number) =>
  duplicateVoteEvidence(
    signedVote(1, { type: 'prevote', height, round: 0, valueId: null }),
    signedVote(1, { type: 'prevote', height, round: 0, valueId: 'aa'.repeat(32) }),
  )

describe('evidence pool', () => {
  it('does not take committed evidence again, until it is too old for any block and forgotten', () => {
    const pool = new EvidencePool()
    const e = offence(5)
    assert.equal(pool.add(e), true)
    pool.markCommitted([e])
    assert.equal(pool.add(e), false, 'already on chain')
    assert.deepEqual(pool.pending(10, 0), [])
    pool.prune(5)
    assert.equal(pool.committedCount, 1, 'height 5 evidence is still admissible from height 5 on')
    pool.prune(6)
    assert.equal(pool.committedCount, 0)
  })

  it('stays bounded over a long run: committed and pending evidence older than the age go', () => {
    const pool = new EvidencePool()
    const age = 100
    for (let h = 1; h <= 1000; h++) {
      const e = offence(h)
      pool.add(e)
      if (h % 2 === 0) pool.markCommitted([e])
      pool.prune(h + 1 - age)
    }
    assert.ok(pool.committedCount <= age / 2 + 1, `${pool.committedCount} committed kept`)
    assert.ok(pool.pendingCount <= age / 2 + 1, `${pool.pendingCount} pending kept`)
    assert.ok(pool.pending(1000, 1000 + 1 - age).every((e) => e.voteA.height > 1000 - age))
  })
})
