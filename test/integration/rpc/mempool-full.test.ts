import assert from 'node:assert/strict'
import { FedraClient } from '../../../src/client/index.js'
import { toHex } from '../../../src/crypto/index.js'
import { RPC_ERRORS, createRpcServer, type RpcServer } from '../../../src/rpc/index.js'
import { txHash } from '../../../src/state/index.js'
import { transfer } from '../../helpers/chain.js'
import { post, rpcError, silentLog } from '../../unit/rpc/support/wire.js'
import { TestNode } from './support/test-node.js'

describe('tx_broadcast when the mempool is full', function () {
  this.timeout(20_000)
  let node: TestNode
  let server: RpcServer
  let client: FedraClient

  before(async () => {
    node = await TestNode.start({ accounts: 4, maxMempool: 2 })
    server = await createRpcServer({ backend: node, listen: { port: 0 }, log: silentLog })
    client = new FedraClient({ url: server.address.url })
    await client.broadcastTx(transfer(0, 1, 1n, 0n))
    await client.broadcastTx(transfer(1, 2, 1n, 0n))
  })
  after(async () => {
    client.close()
    await server.close()
    await node.stop()
  })

  it('answers -32010 MEMPOOL_FULL, not -32000, with how full the pool is', async () => {
    const tx = transfer(2, 3, 1n, 0n)
    const error = await rpcError(() => client.broadcastTx(tx))
    assert.ok(error.is('MEMPOOL_FULL'), error.message)
    assert.deepEqual(error.context.data, {
      hash: toHex(txHash(tx)),
      txs: 2,
      maxTxs: 2,
      bytes: (error.context.data as { bytes: number }).bytes,
      maxBytes: Number.MAX_SAFE_INTEGER,
    })
    assert.ok((error.context.data as { bytes: number }).bytes > 0)
  })

  it('says so in the message, as raw JSON-RPC', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'tx_broadcast', params: { tx: toHex(transfer(3, 0, 1n, 0n)) }, id: 7 })
    const answer = JSON.parse((await post(server.address.url, body)).text)
    assert.equal(answer.error.code, RPC_ERRORS.MEMPOOL_FULL)
    assert.equal(
      answer.error.message,
      'Mempool full: 2 of 2 transactions, ' + `${answer.error.data.bytes} of ${Number.MAX_SAFE_INTEGER} bytes`,
    )
  })

  it('admits again once a block made room', async () => {
    await node.produceBlock()
    const answer = await client.broadcastTx(transfer(2, 3, 1n, 0n))
    assert.equal(answer.hash.length, 64)
  })
})
