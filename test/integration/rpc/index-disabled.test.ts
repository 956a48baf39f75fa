import assert from 'node:assert/strict'
import { toHex } from '../../../src/crypto/index.js'
import { DisabledTxIndex } from '../../../src/indexer/index.js'
import { RPC_ERRORS, createRpcServer, type RpcBackend, type RpcServer } from '../../../src/rpc/index.js'
import { txHash } from '../../../src/state/index.js'
import { transfer } from '../../helpers/chain.js'
import { post, silentLog } from '../../unit/rpc/support/wire.js'
import { TestNode } from './support/test-node.js'

// A node started with txIndex.enabled false (CometBFT's indexer = "null") keeps no index: tx_get
// and tx_search say so with their own code instead of "not found" or an internal error, while
// the records of a block in hand (live tx subscriptions) still work.
describe('RPC on a node without a tx index', function () {
  this.timeout(20_000)
  let node: TestNode
  let server: RpcServer
  let included: Uint8Array

  before(async () => {
    node = await TestNode.start({ accounts: 4 })
    const disabled = new DisabledTxIndex(node.app.registry)
    const backend = new Proxy(node, {
      get: (target, key) => {
        if (key === 'txIndex') return disabled
        const value = Reflect.get(target, key, target) as unknown
        return typeof value === 'function' ? value.bind(target) : value
      },
    }) as RpcBackend
    server = await createRpcServer({ backend, listen: { port: 0 }, log: silentLog })
    included = transfer(0, 1, 5n, 0n)
    node.submitTx(included)
    await node.produceBlock()
  })
  after(async () => {
    await server.close()
    await node.stop()
  })

  const call = async (method: string, params: unknown) =>
    JSON.parse((await post(server.address.url, JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }))).text) as {
      error?: { code: number; message: string }
    }

  it('tx_get answers -32009 for a tx that is in a block', async () => {
    const answer = await call('tx_get', { hash: toHex(txHash(included)) })
    assert.equal(answer.error?.code, RPC_ERRORS.INDEX_DISABLED)
    assert.match(answer.error!.message, /does not index/)
  })

  it('tx_search answers -32009', async () => {
    const answer = await call('tx_search', { minHeight: 1 })
    assert.equal(answer.error?.code, RPC_ERRORS.INDEX_DISABLED)
  })

  it('still builds the records of a block in hand (what tx subscriptions send)', async () => {
    const block = node.blockByHeight(1)!
    const results = node.blockResults(1)!
    const records = new DisabledTxIndex(node.app.registry).records(block, results)
    assert.deepEqual(
      records.map((r) => r.hash),
      [toHex(txHash(included))],
    )
  })
})
