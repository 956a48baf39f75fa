import assert from 'node:assert/strict'
import { type P2PHost, SCORE_THRESHOLDS } from '../../../src/p2p/index.js'
import { HostPool, waitFor } from './hosts.js'

describe('p2p penalties', function () {
  this.timeout(20_000)
  const pool = new HostPool()
  let a: P2PHost
  let b: P2PHost

  before(async () => {
    a = await pool.start(50)
    // B keeps redialling A: the ban has to hold against that.
    b = await pool.start(51, { bootstrap: a.addresses() })
    await waitFor('connected', () => a.peers().length === 1 && b.peers().length === 1)
  })

  after(() => pool.stopAll())

  it('lowers the score by the penalty without disconnecting above the graylist threshold', () => {
    const before = a.score(b.peerId)
    a.penalize(b.peerId, 'served a block that fails validation', 10)
    const after = a.score(b.peerId)
    assert.ok(Math.abs(before - 10 - after) < 0.5, `score went from ${before} to ${after}`)
    assert.equal(a.peers().length, 1)
  })

  it('disconnects and bans a peer pushed below the graylist threshold', async () => {
    a.penalize(b.peerId, 'blob does not match its CID', 100)
    assert.ok(a.score(b.peerId) < SCORE_THRESHOLDS.graylistThreshold)
    await waitFor('B disconnected', () => a.peers().length === 0 && b.peers().length === 0)
    // B redials every 100-500 ms; A's connection gater keeps refusing it.
    const until = Date.now() + 1500
    await waitFor('a second and a half of refused redials', () => {
      assert.equal(a.peers().length, 0)
      return Date.now() > until
    })
  })
})
