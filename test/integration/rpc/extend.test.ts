import assert from 'node:assert/strict'
import { FedraClient } from '../../../src/client/index.js'
import { type RpcServer, RPC_ERRORS, RpcError, createRpcServer, defineMethod, s } from '../../../src/rpc/index.js'
import { post, silentLog } from '../../unit/rpc/support/wire.js'
import { TestNode } from './support/test-node.js'

/** How a later module adds its namespace: a declared method registered through `extend`. */
const exampleGet = defineMethod({
  name: 'example_get',
  summary: 'An example record by id (a namespace no module uses).',
  params: { id: s.integer({ min: 1 }) },
  result: s.named('ExampleRecord', s.object({ id: s.integer(), name: s.string() })),
  errors: ['NOT_FOUND'],
})

describe('extending the method table with a module namespace', () => {
  let node: TestNode
  let server: RpcServer

  before(async () => {
    node = await TestNode.start()
    server = await createRpcServer({
      backend: node,
      listen: { port: 0 },
      log: silentLog,
      extend: (table) =>
        table.add(exampleGet, ({ id }) => {
          if (id === 2) throw new Error('a bug in the module')
          if (id !== 1) throw new RpcError('NOT_FOUND', { what: 'example', id })
          return { id, name: 'vision' }
        }),
    })
  })
  after(async () => {
    await server.close()
    await node.stop()
  })

  it('serves the new method with validation, and documents it in rpc.discover', async () => {
    const ok = JSON.parse((await post(server.address.url, '{"jsonrpc":"2.0","method":"example_get","params":[1],"id":1}')).text)
    assert.deepEqual(ok.result, { id: 1, name: 'vision' })
    const bad = JSON.parse((await post(server.address.url, '{"jsonrpc":"2.0","method":"example_get","params":{"id":0},"id":2}')).text)
    assert.equal(bad.error.code, RPC_ERRORS.INVALID_PARAMS)
    assert.equal(bad.error.data.field, 'params.id')
    const client = new FedraClient({ url: server.address.url })
    try {
      const doc = (await client.call('rpc.discover')) as { methods: { name: string }[]; components: { schemas: Record<string, unknown> } }
      assert.ok(doc.methods.some((m) => m.name === 'example_get'))
      assert.ok(Object.hasOwn(doc.components.schemas, 'ExampleRecord'))
    } finally {
      client.close()
    }
  })

  it('passes a typed RpcError through and turns any other failure into -32603', async () => {
    const missing = JSON.parse((await post(server.address.url, '{"jsonrpc":"2.0","method":"example_get","params":[3],"id":3}')).text)
    assert.equal(missing.error.code, RPC_ERRORS.NOT_FOUND)
    assert.deepEqual(missing.error.data, { what: 'example', id: 3 })
    const bug = JSON.parse((await post(server.address.url, '{"jsonrpc":"2.0","method":"example_get","params":[2],"id":4}')).text)
    assert.equal(bug.error.code, RPC_ERRORS.INTERNAL_ERROR)
    assert.ok(!JSON.stringify(bug).includes('bug in the module'))
  })
})
