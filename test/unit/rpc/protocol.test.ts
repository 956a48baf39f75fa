import assert from 'node:assert/strict'
import { type JsonRpcServer, RPC_ERRORS, createJsonRpcServer } from '../../../src/rpc/index.js'
import { parseBody } from '../../../src/rpc/json.js'
import { specTable } from './support/spec-table.js'
import { RawWs, post, silentLog } from './support/wire.js'

describe('JSON-RPC protocol handling', () => {
  let server: JsonRpcServer
  const call = async (body: string) => {
    const answer = await post(server.address.url, body)
    return { status: answer.status, text: answer.text, json: answer.text === '' ? null : (JSON.parse(answer.text) as Record<string, any>) }
  }

  before(async () => {
    server = await createJsonRpcServer({ table: specTable(), listen: { port: 0 }, log: silentLog })
  })
  after(async () => {
    await server.close()
  })

  describe('echoes the id exactly, whatever legal type it has', () => {
    const ids = ['"abc"', '""', '"\\u00e9\\"x"', '0', '-7', '3.25', '12345678901234567890123', '1e400', '-0', 'null']
    for (const id of ids) {
      it(`id ${id}`, async () => {
        const { text } = await call(`{"jsonrpc":"2.0","method":"get_data","id":${id}}`)
        assert.ok(text.includes(`"id":${id}`), text)
        assert.deepEqual(JSON.parse(text).result, ['hello', 5])
      })
    }
    it('answers an id of a wrong type (object, array, boolean) with -32600 and id null', async () => {
      for (const id of ['{}', '[1]', 'true']) {
        const { json } = await call(`{"jsonrpc":"2.0","method":"get_data","id":${id}}`)
        assert.equal(json!.error.code, RPC_ERRORS.INVALID_REQUEST)
        assert.equal(json!.id, null)
      }
    })
    it('echoes raw ids inside a batch, each to its own response', async () => {
      const { text } = await call(
        '[{"jsonrpc":"2.0","method":"get_data","id":98765432109876543210},{"jsonrpc":"2.0","method":"get_data","id":"b"}]',
      )
      assert.ok(text.includes('"id":98765432109876543210'))
      assert.ok(text.includes('"id":"b"'))
    })
  })

  describe('rejects malformed requests with -32600', () => {
    const cases: [string, string][] = [
      ['jsonrpc "1.0"', '{"jsonrpc":"1.0","method":"get_data","id":1}'],
      ['no jsonrpc member', '{"method":"get_data","id":1}'],
      ['a method that is not a string', '{"jsonrpc":"2.0","method":["x"],"id":1}'],
      ['params that are a string', '{"jsonrpc":"2.0","method":"get_data","params":"x","id":1}'],
      ['params that are null', '{"jsonrpc":"2.0","method":"get_data","params":null,"id":1}'],
      ['a request that is a number', '42'],
      ['a request that is a string', '"hello"'],
    ]
    for (const [name, body] of cases) {
      it(name, async () => {
        const { json } = await call(body)
        assert.equal(json!.error.code, RPC_ERRORS.INVALID_REQUEST)
        assert.equal(typeof json!.error.data.reason, 'string')
      })
    }
  })

  describe('validates params before running the method, naming the bad field', () => {
    const cases: [string, string, string][] = [
      ['a missing named param', '{"minuend":1}', 'params.subtrahend'],
      ['an unknown named param', '{"minuend":1,"subtrahend":2,"extra":3}', 'params.extra'],
      ['a wrong type by name', '{"minuend":"1","subtrahend":2}', 'params.minuend'],
      ['a wrong type by position', '[1,"2"]', 'params[1]'],
      ['too few positional params', '[1]', 'params[1]'],
      ['too many positional params', '[1,2,3]', 'params[2]'],
    ]
    for (const [name, params, field] of cases) {
      it(name, async () => {
        const { json } = await call(`{"jsonrpc":"2.0","method":"subtract","params":${params},"id":1}`)
        assert.equal(json!.error.code, RPC_ERRORS.INVALID_PARAMS)
        assert.equal(json!.error.data.field, field)
        assert.ok(json!.error.message.includes(field))
      })
    }
  })

  it('answers a handler fault with -32603 and keeps its details out of the answer', async () => {
    const { json, text } = await call('{"jsonrpc":"2.0","method":"fail","id":1}')
    assert.equal(json!.error.code, RPC_ERRORS.INTERNAL_ERROR)
    assert.ok(!text.includes('secret'))
  })

  it('does not let a "__proto__" member reach a handler or pollute prototypes', async () => {
    const { json } = await call(
      '{"jsonrpc":"2.0","method":"echo","params":{"value":{"__proto__":{"polluted":1},"a":{"\\u005f_proto__":{"x":1}}}},"id":1}',
    )
    assert.deepEqual(json!.result, { a: {} })
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    const named = await call('{"jsonrpc":"2.0","method":"subtract","params":{"__proto__":{"minuend":5},"subtrahend":1},"id":2}')
    assert.equal(named.json!.error.code, RPC_ERRORS.INVALID_PARAMS)
    assert.equal(named.json!.error.data.field, 'params.minuend')
  })

  it('answers a non-POST HTTP request with 405', async () => {
    const res = await fetch(server.address.url)
    assert.equal(res.status, 405)
  })

  it('reads a binary WebSocket frame as UTF-8 text', async () => {
    const ws = await RawWs.open(server.address.wsUrl)
    try {
      const answer = JSON.parse(await ws.ask(Buffer.from('{"jsonrpc":"2.0","method":"get_data","id":7}') as unknown as string))
      assert.deepEqual(answer.result, ['hello', 5])
      const bad = JSON.parse(await ws.ask(Buffer.from([0xff, 0xfe, 0x00]) as unknown as string))
      assert.equal(bad.error.code, RPC_ERRORS.PARSE_ERROR)
    } finally {
      ws.close()
    }
  })
})

describe('parseBody', () => {
  it('records the raw text of each request id', () => {
    const { rawIds } = parseBody('[{"id" : 1e400 ,"x":[{"id":5}]},{"a":{"id":2},"id":"s"}, 3]', 64)
    assert.equal(rawIds.get(0), '1e400')
    assert.equal(rawIds.get(1), '"s"')
    assert.equal(rawIds.has(2), false)
  })

  it('takes the last of duplicate id members, as JSON.parse does', () => {
    const { value, rawIds } = parseBody('{"id":1,"id":22}', 64)
    assert.equal((value as { id: number }).id, 22)
    assert.equal(rawIds.get(0), '22')
  })

  it('refuses nesting deeper than the limit without recursing', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    assert.throws(
      () => parseBody(deep, 64),
      (e: Error & { kind?: string }) => e.kind === 'depth',
    )
    assert.doesNotThrow(() => parseBody(`${'['.repeat(64)}${']'.repeat(64)}`, 64))
  })

  it('is not confused by brackets, quotes and backslashes inside strings', () => {
    const { rawIds } = parseBody('{"x":"[{\\"id\\":9}\\\\","id":4}', 2)
    assert.equal(rawIds.get(0), '4')
  })
})
