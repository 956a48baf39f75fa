import assert from 'node:assert/strict'
import { type GossipVerdict, type P2PHost, SCORE_THRESHOLDS, topicsFor } from '../../../src/p2p/index.js'
import { HostPool, bytes, waitFor } from './hosts.js'

const topic = topicsFor('p2p-validation-test').txs
const REJECT = 0xee
const IGNORE = 0xdd

/**
 * A -> B -> C in a line (C knows only B, A knows only B), so everything C gets from A went
 * through B's validator first.
 */
describe('p2p gossip validation', function () {
  this.timeout(20_000)
  const pool = new HostPool()
  let a: P2PHost
  let b: P2PHost
  let c: P2PHost
  const seenByC: number[] = []
  const validatedByC: number[] = []
  const deliveredAtB: number[] = []

  before(async () => {
    b = await pool.start(20)
    a = await pool.start(21, { bootstrap: b.addresses() })
    c = await pool.start(22, { bootstrap: b.addresses() })
    a.subscribe(topic, { validate: () => 'accept', deliver: () => undefined })
    b.subscribe(topic, {
      validate: (data): GossipVerdict => (data[0] === REJECT ? 'reject' : data[0] === IGNORE ? 'ignore' : 'accept'),
      deliver: (data) => deliveredAtB.push(data[1] ?? -1),
    })
    c.subscribe(topic, {
      validate: (data) => {
        validatedByC.push(data[1] ?? -1)
        return 'accept'
      },
      deliver: (data) => seenByC.push(data[1] ?? -1),
    })
    await waitFor(
      'B subscribed at A and C at B',
      () => a.topicPeers(topic).includes(b.peerId) && b.topicPeers(topic).includes(c.peerId),
      10_000,
    )
    // Warm up until B forwards to C (C joins B's mesh on a heartbeat), so that what C misses
    // later is missing because of B's verdict, not because the path was not there yet.
    for (let attempt = 0; !seenByC.includes(0); attempt++) {
      await a.publish(topic, bytes(0x01, 0))
      await waitFor('warm-up message at C', () => seenByC.includes(0), 1500).catch(() => undefined)
      assert.ok(attempt < 5, 'B never forwarded to C')
    }
  })

  after(() => pool.stopAll())

  it('is a line: A and C are not connected', () => {
    assert.deepEqual(
      a.peers().map((peer) => peer.id),
      [b.peerId],
    )
    assert.deepEqual(
      c.peers().map((peer) => peer.id),
      [b.peerId],
    )
  })

  it("does not re-gossip a message B's validator rejects, and lowers A's score at B", async () => {
    const before = b.score(a.peerId)
    await a.publish(topic, bytes(REJECT, 1))
    await a.publish(topic, bytes(0x01, 2))
    await waitFor('the accepted message at C', () => seenByC.includes(2))
    assert.ok(!seenByC.includes(1) && !validatedByC.includes(1), 'C saw the rejected message')
    assert.ok(!deliveredAtB.includes(1), 'B delivered a message it rejected')
    const after = b.score(a.peerId)
    assert.ok(after < before, `score ${after} not below ${before}`)
    assert.ok(after < 0, `score ${after} should be negative after an invalid message`)
    assert.ok(after > SCORE_THRESHOLDS.graylistThreshold, 'one invalid message must not graylist a peer')
  })

  it("drops an 'ignore'd message without penalising the sender", async () => {
    const before = b.score(a.peerId)
    await a.publish(topic, bytes(IGNORE, 3))
    await a.publish(topic, bytes(0x01, 4))
    await waitFor('the accepted message at C', () => seenByC.includes(4))
    assert.ok(!seenByC.includes(3) && !validatedByC.includes(3))
    // Small drifts come from decay of the other score terms; a reject would cost at least 10.
    const after = b.score(a.peerId)
    assert.ok(after > before - 1, `score fell from ${before} to ${after}`)
  })
})
