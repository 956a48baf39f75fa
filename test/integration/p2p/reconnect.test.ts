import assert from 'node:assert/strict'
import { peerIdFromSeed, topicsFor } from '../../../src/p2p/index.js'
import { HostPool, bytes, seed, waitFor } from './hosts.js'

const topic = topicsFor('p2p-reconnect-test').consensus

describe('p2p reconnection to bootstrap peers', function () {
  this.timeout(20_000)
  const pool = new HostPool()
  afterEach(() => pool.stopAll())

  it('redials a bootstrap peer that restarts on the same port with the same key', async () => {
    let b = await pool.start(40)
    const port = b.addresses()[0]!.split('/')[4] // /ip4/127.0.0.1/tcp/<port>/p2p/<id>
    const a = await pool.start(41, { bootstrap: b.addresses() })
    const events: string[] = []
    a.onPeerConnected((peer) => events.push(`up ${peer}`))
    a.onPeerDisconnected((peer) => events.push(`down ${peer}`))
    await waitFor('A connected to B', () => a.peers().some((peer) => peer.id === b.peerId))
    const firstPeerId = b.peerId

    await b.stop()
    await waitFor('A notices B is gone', () => a.peers().length === 0)
    assert.ok(events.includes(`down ${firstPeerId}`))

    // B never dials A (its bootstrap list is empty): only A's redialer can bring the link back.
    b = await pool.start(40, { listen: [`/ip4/127.0.0.1/tcp/${port}`] })
    assert.equal(b.peerId, firstPeerId, 'same seed, same PeerId across restarts')
    await waitFor('A reconnected to the restarted B', () => a.peers().some((peer) => peer.id === b.peerId), 5000)
    assert.equal(events.filter((event) => event === `up ${firstPeerId}`).length, 2)

    // And the link carries gossip again.
    const received: Uint8Array[] = []
    b.subscribe(topic, { validate: () => 'accept', deliver: (data) => received.push(data) })
    a.subscribe(topic, { validate: () => 'accept', deliver: () => undefined })
    await waitFor('B subscribed at A', () => a.topicPeers(topic).includes(b.peerId))
    await a.publish(topic, bytes(1, 2, 3))
    await waitFor('gossip after reconnect', () => received.length === 1)
  })

  it('keeps redialling a bootstrap peer that is down at start', async () => {
    const b = await pool.start(42)
    const address = b.addresses()[0]!
    const port = address.split('/')[4]
    await b.stop()
    const a = await pool.start(43, { bootstrap: [address] })
    const b2 = await pool.start(42, { listen: [`/ip4/127.0.0.1/tcp/${port}`] })
    await waitFor('A connected to the late B', () => a.peers().some((peer) => peer.id === b2.peerId), 5000)
  })

  it('skips itself in a shared bootstrap list and dials every address of a peer', async () => {
    const b = await pool.start(44)
    const self = await peerIdFromSeed(seed(45))
    const unreachable = `/ip4/127.0.0.1/tcp/1/p2p/${b.peerId}` // port 1: refused, the other address works
    const a = await pool.start(45, { bootstrap: [`/ip4/127.0.0.1/tcp/9/p2p/${self}`, unreachable, ...b.addresses()] })
    await waitFor('A connected to B', () => a.peers().some((peer) => peer.id === b.peerId))
    assert.deepEqual(
      a.peers().map((peer) => peer.id),
      [b.peerId],
    )
  })
})
