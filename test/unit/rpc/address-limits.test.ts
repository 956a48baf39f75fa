import assert from 'node:assert/strict'
import { type Socket, connect } from 'node:net'
import { type JsonRpcServer, type RpcLimits, RPC_ERRORS, createJsonRpcServer } from '../../../src/rpc/index.js'
import { specTable } from './support/spec-table.js'
import { RawWs, post, silentLog, until } from './support/wire.js'

const GET_DATA = '{"jsonrpc":"2.0","method":"get_data","id":1}'

/** A TCP connection from `localAddress` (any of 127.0.0.0/8 on loopback) with everything it receives. */
function rawConnection(
  port: number,
  localAddress = '127.0.0.1',
): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect({ port, host: '127.0.0.1', localAddress })
    const closed = new Promise<void>((done) => socket.on('close', () => done()))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.once('connect', () => resolve({ socket, received: () => Buffer.concat(chunks).toString('utf8'), closed }))
    socket.once('error', reject)
  })
}

describe('per-address connection limit', () => {
  const servers: JsonRpcServer[] = []
  const sockets: Socket[] = []
  const start = async (limits: Partial<RpcLimits>) => {
    const server = await createJsonRpcServer({ table: specTable(), listen: { port: 0 }, limits, log: silentLog })
    servers.push(server)
    return server
  }
  const held = async (server: JsonRpcServer, localAddress?: string) => {
    const connection = await rawConnection(server.address.port, localAddress)
    sockets.push(connection.socket)
    return connection
  }
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy()
    for (const server of servers.splice(0)) await server.close()
  })

  it('answers a connection over maxConnectionsPerIp with HTTP 429 and -32011 before any request, then closes it', async () => {
    const server = await start({ maxConnectionsPerIp: 2 })
    await held(server)
    await held(server)
    await until(() => server.sessionCount === 2)
    const over = await held(server)
    await over.closed
    const [head, body] = over.received().split('\r\n\r\n')
    assert.match(head!, /^HTTP\/1\.1 429 Too Many Requests/)
    assert.match(head!, /connection: close/)
    const answer = JSON.parse(body!)
    assert.deepEqual(answer, {
      jsonrpc: '2.0',
      id: null,
      error: {
        code: RPC_ERRORS.TOO_MANY_CONNECTIONS,
        message: 'Too many connections: at most 2 connections per client address',
        data: { limit: 2, scope: 'ip' },
      },
    })
    assert.equal(server.sessionCount, 2)
  })

  it('refuses the WebSocket upgrade and the HTTP request of an address at its limit', async () => {
    const server = await start({ maxConnectionsPerIp: 1 })
    await held(server)
    await until(() => server.sessionCount === 1)
    await assert.rejects(RawWs.open(server.address.wsUrl), /429/)
    const refused = await post(server.address.url, GET_DATA)
    assert.equal(refused.status, 429)
    assert.equal(JSON.parse(refused.text).error.code, RPC_ERRORS.TOO_MANY_CONNECTIONS)
  })

  it('counts each address on its own: another address is still served', async () => {
    const server = await start({ maxConnectionsPerIp: 1 })
    await held(server, '127.0.0.1')
    const other = await held(server, '127.0.0.2')
    await until(() => server.sessionCount === 2)
    other.socket.write(
      `POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${GET_DATA.length}\r\n\r\n${GET_DATA}`,
    )
    await until(() => other.received().includes('"result"'))
    assert.match(other.received(), /^HTTP\/1\.1 200/)
  })

  it('accepts the address again once one of its connections closes', async () => {
    const server = await start({ maxConnectionsPerIp: 1 })
    const first = await held(server)
    await until(() => server.sessionCount === 1)
    first.socket.destroy()
    await until(() => server.sessionCount === 0)
    assert.equal((await post(server.address.url, GET_DATA)).status, 200)
  })
})
