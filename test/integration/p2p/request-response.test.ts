import assert from 'node:assert/strict'
import { P2PError, type P2PHost, RequestRefused, protocolsFor } from '../../../src/p2p/index.js'
import { HostPool, bytes, waitFor } from './hosts.js'

const protocols = protocolsFor('p2p-reqresp-test')
const slowProtocol = '/fedra/p2p-reqresp-test/slow/1'
const MAX_REQUEST = 1024

function p2pError(code: string, check?: (error: P2PError) => void) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof P2PError, `expected a P2PError, got ${String(error)}`)
    assert.equal(error.code, code, error.message)
    check?.(error)
    return true
  }
}

describe('p2p request/response and direct messages', function () {
  this.timeout(20_000)
  const pool = new HostPool()
  let client: P2PHost
  let server: P2PHost
  const direct: Array<{ data: Uint8Array; from: string }> = []
  const pendingSlow: Array<() => void> = []

  before(async () => {
    server = await pool.start(30)
    client = await pool.start(31, { bootstrap: server.addresses() })
    // Echo with the bytes reversed; height 0 "does not exist"; 'big' answers with 64 KiB.
    await server.handle(
      protocols.sync,
      async (request, from) => {
        assert.equal(from, client.peerId)
        if (request.length === 1 && request[0] === 0) throw new RequestRefused('NOT_FOUND', 'no block at height 0')
        if (request.length === 1 && request[0] === 0xff) throw new Error('disk on fire')
        if (request.length === 1 && request[0] === 0xbb) return new Uint8Array(64 * 1024)
        return request.slice().reverse()
      },
      { maxRequestBytes: MAX_REQUEST },
    )
    await server.handle(slowProtocol, () => new Promise<Uint8Array>((resolve) => pendingSlow.push(() => resolve(bytes(1)))))
    await server.handleMessages(protocols.direct, (data, from) => direct.push({ data, from }))
    await waitFor('client connected to server', () => client.peers().some((peer) => peer.id === server.peerId))
  })

  after(async () => {
    for (const release of pendingSlow) release()
    await pool.stopAll()
  })

  it('answers a request', async () => {
    assert.deepEqual(await client.request(server.peerId, protocols.sync, bytes(1, 2, 3)), bytes(3, 2, 1))
  })

  it('answers an empty request', async () => {
    assert.deepEqual(await client.request(server.peerId, protocols.sync, bytes()), bytes())
  })

  it('serves concurrent requests on separate streams', async () => {
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => client.request(server.peerId, protocols.sync, bytes(n, 0x10))))
    assert.deepEqual(
      answers,
      [1, 2, 3, 4, 5].map((n) => bytes(0x10, n)),
    )
  })

  it("turns the handler's RequestRefused into REMOTE_ERROR with the remote code", async () => {
    await assert.rejects(
      client.request(server.peerId, protocols.sync, bytes(0)),
      p2pError('REMOTE_ERROR', (error) => {
        assert.equal(error.context.remoteCode, 'NOT_FOUND')
        assert.equal(error.context.remoteMessage, 'no block at height 0')
      }),
    )
  })

  it('answers INTERNAL when the handler crashes, without leaking the error', async () => {
    await assert.rejects(
      client.request(server.peerId, protocols.sync, bytes(0xff)),
      p2pError('REMOTE_ERROR', (error) => {
        assert.equal(error.context.remoteCode, 'INTERNAL')
        assert.ok(!String(error.context.remoteMessage).includes('fire'))
      }),
    )
  })

  it("refuses a request over the responder's maxRequestBytes before reading it", async () => {
    const huge = new Uint8Array(2 * 1024 * 1024)
    await assert.rejects(
      client.request(server.peerId, protocols.sync, huge),
      p2pError('REMOTE_ERROR', (error) => assert.equal(error.context.remoteCode, 'REQUEST_TOO_LARGE')),
    )
    // The connection survives the refusal.
    assert.deepEqual(await client.request(server.peerId, protocols.sync, bytes(4, 5)), bytes(5, 4))
  })

  it('refuses locally a request over the 16 MiB frame limit, before touching the network', async () => {
    const tooLarge = new Uint8Array(16 * 1024 * 1024 + 1)
    await assert.rejects(
      client.request(server.peerId, protocols.sync, tooLarge),
      p2pError('REQUEST_TOO_LARGE', (error) => assert.equal(error.context.bytes, tooLarge.length)),
    )
  })

  it('refuses a response over maxResponseBytes', async () => {
    await assert.rejects(
      client.request(server.peerId, protocols.sync, bytes(0xbb), { maxResponseBytes: 4096 }),
      p2pError('RESPONSE_TOO_LARGE', (error) => assert.equal(error.context.limit, 4096)),
    )
    assert.equal((await client.request(server.peerId, protocols.sync, bytes(0xbb), { maxResponseBytes: 64 * 1024 })).length, 64 * 1024)
  })

  it('times out a request the responder does not answer', async () => {
    const started = Date.now()
    await assert.rejects(
      client.request(server.peerId, slowProtocol, bytes(1), { timeoutMs: 300 }),
      p2pError('TIMEOUT', (error) => assert.equal(error.context.timeoutMs, 300)),
    )
    assert.ok(Date.now() - started < 3000)
  })

  it('refuses a peer it is not connected to with UNKNOWN_PEER', async () => {
    const stranger = '12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5'
    await assert.rejects(client.request(stranger, protocols.sync, bytes(1)), p2pError('UNKNOWN_PEER'))
    await assert.rejects(client.request('not-a-peer-id', protocols.sync, bytes(1)), p2pError('UNKNOWN_PEER'))
  })

  it('reports a protocol the peer does not serve as UNSUPPORTED_PROTOCOL', async () => {
    await assert.rejects(client.request(server.peerId, protocols.blob, bytes(1)), p2pError('UNSUPPORTED_PROTOCOL'))
  })

  it('refuses a second handler for the same protocol', async () => {
    await assert.rejects(
      server.handle(protocols.sync, async () => bytes()),
      p2pError('ALREADY_REGISTERED'),
    )
  })

  it('delivers a direct message with its sender', async () => {
    assert.equal(await client.send(server.peerId, protocols.direct, bytes(9, 8, 7)), true)
    await waitFor('direct message', () => direct.length === 1)
    assert.deepEqual(direct[0], { data: bytes(9, 8, 7), from: client.peerId })
  })

  it('resolves false instead of throwing when a direct message cannot be sent', async () => {
    assert.equal(await client.send('12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5', protocols.direct, bytes(1)), false)
    assert.equal(await server.send(client.peerId, protocols.direct, bytes(1)), false, 'the client serves no direct protocol')
  })
})
