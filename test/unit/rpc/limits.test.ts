import assert from 'node:assert/strict'
import { request } from 'node:http'
import type { Socket } from 'node:net'
import { type JsonRpcServer, type RpcLimits, RPC_ERRORS, WS_CLOSE, createJsonRpcServer } from '../../../src/rpc/index.js'
import { specTable } from './support/spec-table.js'
import { RawWs, post, silentLog, until } from './support/wire.js'

const GET_DATA = (id: number | string) => `{"jsonrpc":"2.0","method":"get_data","id":${JSON.stringify(id)}}`

describe('server limits', () => {
  const servers: JsonRpcServer[] = []
  const sockets: RawWs[] = []
  let clock = 1_000_000
  const start = async (limits: Partial<RpcLimits>) => {
    const server = await createJsonRpcServer({ table: specTable(), listen: { port: 0 }, limits, log: silentLog, now: () => clock })
    servers.push(server)
    return server
  }
  const open = async (server: JsonRpcServer) => {
    const ws = await RawWs.open(server.address.wsUrl)
    sockets.push(ws)
    return ws
  }
  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.close()
    for (const server of servers.splice(0)) await server.close()
  })

  describe('body size', () => {
    it('answers an HTTP body over the limit with 413, a -32600 error and a closed connection', async () => {
      const server = await start({ maxBodyBytes: 1024 })
      const body = `{"jsonrpc":"2.0","method":"echo","params":["${'a'.repeat(2000)}"],"id":1}`
      const answer = await post(server.address.url, body)
      assert.equal(answer.status, 413)
      assert.equal(answer.headers.connection, 'close')
      const json = JSON.parse(answer.text)
      assert.equal(json.error.code, RPC_ERRORS.INVALID_REQUEST)
      assert.equal(json.error.data.limit, 1024)
      assert.equal((await post(server.address.url, GET_DATA(2))).status, 200)
    })

    it('also stops a chunked body without a length once it passes the limit', async () => {
      const server = await start({ maxBodyBytes: 1024 })
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(server.address.url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
        req.on('error', reject)
        for (let i = 0; i < 10; i++) req.write('x'.repeat(300))
        req.end()
      })
      assert.equal(status, 413)
    })

    it('closes a WebSocket that sends a message over the limit with 1009', async () => {
      const server = await start({ maxBodyBytes: 1024 })
      const ws = await open(server)
      ws.send(`{"jsonrpc":"2.0","method":"echo","params":["${'a'.repeat(2000)}"],"id":1}`)
      assert.equal(await ws.closed, WS_CLOSE.TOO_BIG)
    })
  })

  it('answers a batch larger than the limit with one -32600 error', async () => {
    const server = await start({ maxBatchSize: 3 })
    const over = JSON.parse((await post(server.address.url, `[${[1, 2, 3, 4].map(GET_DATA).join(',')}]`)).text)
    assert.equal(over.error.code, RPC_ERRORS.INVALID_REQUEST)
    assert.equal(over.error.data.limit, 3)
    const within = JSON.parse((await post(server.address.url, `[${[1, 2, 3].map(GET_DATA).join(',')}]`)).text)
    assert.equal(within.length, 3)
  })

  it('answers nesting deeper than the limit with -32600', async () => {
    const server = await start({ maxJsonDepth: 8 })
    const deep = `{"jsonrpc":"2.0","method":"echo","params":[${'['.repeat(20)}${']'.repeat(20)}],"id":1}`
    const json = JSON.parse((await post(server.address.url, deep)).text)
    assert.equal(json.error.code, RPC_ERRORS.INVALID_REQUEST)
    assert.equal(json.error.data.limit, 8)
  })

  it('closes connections beyond the limit at once and accepts again when one closes', async () => {
    const server = await start({ maxConnections: 3 })
    const first = await open(server)
    await open(server)
    await open(server)
    await assert.rejects(RawWs.open(server.address.wsUrl))
    await assert.rejects(post(server.address.url, GET_DATA(1)))
    first.close()
    await until(() => server.sessionCount < 3)
    const again = await open(server)
    assert.equal(JSON.parse(await again.ask(GET_DATA(5))).id, 5)
  })

  describe('rate per connection', () => {
    it('refuses calls beyond the burst with -32003 until tokens refill', async () => {
      const server = await start({ ratePerSecond: 10, rateBurst: 3 })
      const ws = await open(server)
      for (let i = 0; i < 3; i++) assert.deepEqual(JSON.parse(await ws.ask(GET_DATA(i))).result, ['hello', 5])
      const limited = JSON.parse(await ws.ask(GET_DATA(3)))
      assert.equal(limited.error.code, RPC_ERRORS.RATE_LIMITED)
      assert.equal(limited.error.data.limit, 'rate')
      assert.equal(limited.error.data.retryAfterMs, 100)
      clock += 100
      assert.deepEqual(JSON.parse(await ws.ask(GET_DATA(4))).result, ['hello', 5])
    })

    it('counts each call of a batch, and keeps separate budgets per connection', async () => {
      const server = await start({ ratePerSecond: 10, rateBurst: 3 })
      const a = await open(server)
      const batch = JSON.parse(await a.ask(`[${[1, 2, 3, 4, 5].map(GET_DATA).join(',')}]`)) as {
        result?: unknown
        error?: { code: number }
      }[]
      assert.equal(batch.filter((r) => r.result !== undefined).length, 3)
      assert.equal(batch.filter((r) => r.error?.code === RPC_ERRORS.RATE_LIMITED).length, 2)
      const b = await open(server)
      assert.deepEqual(JSON.parse(await b.ask(GET_DATA(9))).result, ['hello', 5])
    })

    it('applies to HTTP connections too', async () => {
      const server = await start({ ratePerSecond: 10, rateBurst: 2 })
      const batch = JSON.parse((await post(server.address.url, `[${[1, 2, 3].map(GET_DATA).join(',')}]`)).text) as {
        error?: { code: number }
      }[]
      assert.equal(batch[2]!.error!.code, RPC_ERRORS.RATE_LIMITED)
    })
  })

  it('refuses calls beyond the in-flight limit of a connection with -32003', async () => {
    const server = await start({ maxInFlightPerConnection: 2 })
    const ws = await open(server)
    for (let id = 1; id <= 3; id++) ws.send(`{"jsonrpc":"2.0","method":"sleep","params":[300],"id":${id}}`)
    const first = JSON.parse(await ws.next())
    assert.equal(first.id, 3)
    assert.equal(first.error.code, RPC_ERRORS.RATE_LIMITED)
    assert.equal(first.error.data.limit, 'inFlight')
    const rest = [JSON.parse(await ws.next()), JSON.parse(await ws.next())]
    assert.deepEqual(
      rest.map((r) => r.result),
      [null, null],
    )
  })

  it('disconnects a WebSocket consumer that does not read instead of buffering without bound', async () => {
    const server = await start({ maxSendBufferBytes: 256 * 1024 })
    const ws = await open(server)
    const socket = (ws.socket as unknown as { _socket: Socket })._socket
    socket.pause()
    ws.send('{"jsonrpc":"2.0","method":"flood","params":{"count":2000,"size":65536},"id":1}')
    await until(() => server.sessionCount === 0, 8000, 'slow consumer disconnected')
  })

  it('closes a WebSocket that answers no ping', async () => {
    const server = await start({ wsIdleTimeoutMs: 100 })
    const ws = await open(server)
    const socket = (ws.socket as unknown as { _socket: Socket })._socket
    socket.pause()
    await until(() => server.sessionCount === 0, 3000, 'idle socket closed')
  })
})
