import assert from 'node:assert/strict'
import { P2PError, P2PHost } from '../../../src/p2p/index.js'
import { HostPool, bytes, seed, silent, waitFor } from './hosts.js'

function hasCode(code: string) {
  return (error: unknown): boolean => error instanceof P2PError && error.code === code
}

describe('p2p host lifecycle', function () {
  this.timeout(10_000)
  const pool = new HostPool()
  afterEach(() => pool.stopAll())

  it('serves handlers and topics registered before start', async () => {
    const server = await P2PHost.create({ seed: seed(60), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], log: silent })
    try {
      await server.handle('/fedra/lifecycle/echo/1', async (request) => request)
      server.subscribe('/fedra/lifecycle/t/1', { validate: () => 'accept', deliver: () => undefined })
      await server.start()
      const client = await pool.start(61, { bootstrap: server.addresses() })
      await waitFor('connected', () => client.peers().length === 1)
      assert.deepEqual(await client.request(server.peerId, '/fedra/lifecycle/echo/1', bytes(4, 2)), bytes(4, 2))
      await waitFor('the early subscription reached the client', () => client.topicPeers('/fedra/lifecycle/t/1').includes(server.peerId))
    } finally {
      await server.stop()
    }
  })

  it('reports a taken port as TRANSPORT', async () => {
    const first = await pool.start(62)
    const port = first.addresses()[0]!.split('/')[4]
    const second = await P2PHost.create({ seed: seed(63), listen: [`/ip4/127.0.0.1/tcp/${port}`], bootstrap: [], log: silent })
    try {
      await assert.rejects(second.start(), hasCode('TRANSPORT'))
    } finally {
      await second.stop()
    }
  })

  it('stops idempotently and cannot be restarted', async () => {
    const host = await pool.start(64)
    await Promise.all([host.stop(), host.stop()])
    await host.stop()
    assert.deepEqual(host.peers(), [])
    await assert.rejects(host.start(), hasCode('NOT_STARTED'))
    await assert.rejects(host.publish('/t', bytes(1)), hasCode('NOT_STARTED'))
    await assert.rejects(host.request(host.peerId, '/p', bytes(1)), hasCode('NOT_STARTED'))
  })

  it('tells listeners about peers coming and going', async () => {
    const a = await pool.start(65)
    const events: string[] = []
    a.onPeerConnected((peer) => events.push(`up ${peer}`))
    const unsubscribe = a.onPeerDisconnected((peer) => events.push(`down ${peer}`))
    const b = await pool.start(66, { bootstrap: a.addresses() })
    await waitFor('B connected', () => events.includes(`up ${b.peerId}`))
    await b.stop()
    await waitFor('B gone', () => events.includes(`down ${b.peerId}`))
    unsubscribe()
    assert.deepEqual(events, [`up ${b.peerId}`, `down ${b.peerId}`])
  })
})
