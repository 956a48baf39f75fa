import assert from 'node:assert/strict'
import { type JsonRpcServer, createJsonRpcServer } from '../../../src/rpc/index.js'
import { notified, specTable } from './support/spec-table.js'
import { RawWs, post, silentLog, sleep, withoutData } from './support/wire.js'

/**
 * Every example of the JSON-RPC 2.0 specification's §7, sent byte for byte as printed there
 * (the "-->" lines) and compared with the "<--" lines; `error.data` is Fedra's addition.
 */
const EXAMPLES: { name: string; request: string; response: unknown; notifications?: unknown[][] }[] = [
  {
    name: 'rpc call with positional parameters (1)',
    request: '{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}',
    response: { jsonrpc: '2.0', result: 19, id: 1 },
  },
  {
    name: 'rpc call with positional parameters (2)',
    request: '{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}',
    response: { jsonrpc: '2.0', result: -19, id: 2 },
  },
  {
    name: 'rpc call with named parameters (1)',
    request: '{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}',
    response: { jsonrpc: '2.0', result: 19, id: 3 },
  },
  {
    name: 'rpc call with named parameters (2)',
    request: '{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}',
    response: { jsonrpc: '2.0', result: 19, id: 4 },
  },
  {
    name: 'a Notification (update)',
    request: '{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}',
    response: null,
    notifications: [['update', 1, 2, 3, 4, 5]],
  },
  { name: 'a Notification (foobar)', request: '{"jsonrpc": "2.0", "method": "foobar"}', response: null },
  {
    name: 'rpc call of non-existent method',
    request: '{"jsonrpc": "2.0", "method": "foobar", "id": "1"}',
    response: { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '1' },
  },
  {
    name: 'rpc call with invalid JSON',
    request: '{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]',
    response: { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null },
  },
  {
    name: 'rpc call with invalid Request object',
    request: '{"jsonrpc": "2.0", "method": 1, "params": "bar"}',
    response: { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
  },
  {
    name: 'rpc call Batch, invalid JSON',
    request: '[\n  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\n  {"jsonrpc": "2.0", "method"\n]',
    response: { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null },
  },
  {
    name: 'rpc call with an empty Array',
    request: '[]',
    response: { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
  },
  {
    name: 'rpc call with an invalid Batch (but not empty)',
    request: '[1]',
    response: [{ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }],
  },
  {
    name: 'rpc call with invalid Batch',
    request: '[1,2,3]',
    response: [
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
    ],
  },
  {
    name: 'rpc call Batch',
    request: `[
        {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
        {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
        {"foo": "boo"},
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
        {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
    ]`,
    response: [
      { jsonrpc: '2.0', result: 7, id: '1' },
      { jsonrpc: '2.0', result: 19, id: '2' },
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
      { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '5' },
      { jsonrpc: '2.0', result: ['hello', 5], id: '9' },
    ],
    notifications: [['notify_hello', 7]],
  },
  {
    name: 'rpc call Batch (all notifications)',
    request:
      '[\n        {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},\n        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}\n    ]',
    response: null,
    notifications: [
      ['notify_sum', 1, 2, 4],
      ['notify_hello', 7],
    ],
  },
]

describe('JSON-RPC 2.0 specification examples', () => {
  let server: JsonRpcServer

  before(async () => {
    server = await createJsonRpcServer({ table: specTable(), listen: { port: 0 }, log: silentLog })
  })
  after(async () => {
    await server.close()
  })

  describe('over HTTP', () => {
    for (const example of EXAMPLES) {
      it(example.name, async () => {
        notified.length = 0
        const answer = await post(server.address.url, example.request)
        if (example.response === null) {
          assert.equal(answer.status, 204)
          assert.equal(answer.text, '')
        } else {
          assert.equal(answer.status, 200)
          assert.deepEqual(withoutData(JSON.parse(answer.text)), example.response)
        }
        assert.deepEqual(notified, example.notifications ?? [])
      })
    }
  })

  describe('over WebSocket', () => {
    let ws: RawWs
    before(async () => {
      ws = await RawWs.open(server.address.wsUrl)
    })
    after(() => ws.close())

    for (const example of EXAMPLES) {
      it(example.name, async () => {
        notified.length = 0
        ws.send(example.request)
        if (example.response === null) {
          // Nothing comes back: the next message is the answer to a marker request sent after it.
          const marker = await ws.ask('{"jsonrpc":"2.0","method":"get_data","id":"marker"}')
          assert.equal(JSON.parse(marker).id, 'marker')
        } else {
          assert.deepEqual(withoutData(JSON.parse(await ws.next())), example.response)
        }
        await sleep(0)
        assert.deepEqual(notified, example.notifications ?? [])
      })
    }
  })
})
