import assert from 'node:assert/strict'
import { FedraClient } from '../../../src/client/index.js'
import { testKey, transfer } from '../../helpers/chain.js'
import { startRpc } from '../../integration/rpc/support/test-node.js'
import { silentLog, sleep, until } from '../rpc/support/wire.js'

type Rig = Awaited<ReturnType<typeof startRpc>>

describe('client subscriptions across reconnects', () => {
  let rig: Rig
  let client: FedraClient

  beforeEach(async () => {
    rig = await startRpc({ log: silentLog, limits: { maxReplayBlocks: 20 } })
    client = new FedraClient({ url: rig.url, reconnect: { initialDelayMs: 200, maxDelayMs: 400 } })
  })
  afterEach(async () => {
    client.close()
    await rig.close()
  })

  it('resumes newBlocks after the server drops the socket, without gaps or duplicates', async () => {
    const heights: number[] = []
    await client.subscribeBlocks((n) => heights.push(n.height))
    for (let i = 0; i < 3; i++) await rig.node.produceBlock()
    await until(() => heights.length === 3)
    rig.server.disconnectWebSockets()
    // Blocks committed while the client is away: it must get them on its return.
    for (let i = 0; i < 3; i++) await rig.node.produceBlock()
    await until(() => client.ws.connections === 2, 15_000, `reconnected (${client.ws.connections}, ${heights})`)
    for (let i = 0; i < 2; i++) await rig.node.produceBlock()
    await until(() => heights.length >= 8)
    await sleep(50)
    assert.deepEqual(heights, [1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('resumes a txs stream mid-height, dropping the items it already had', async () => {
    const signer = testKey(0).publicKey.address
    const seen: string[] = []
    await client.subscribeTxs({ signer }, (n) => seen.push(`${n.height}.${n.seq}`))
    rig.node.submitTx(transfer(0, 1, 1n, 0n))
    rig.node.submitTx(transfer(0, 2, 1n, 1n))
    await rig.node.produceBlock()
    await until(() => seen.length === 2)
    rig.server.disconnectWebSockets()
    rig.node.submitTx(transfer(0, 3, 1n, 2n))
    await rig.node.produceBlock()
    await until(() => seen.length === 3, 15_000, 'third tx after reconnect')
    await sleep(50)
    assert.deepEqual(seen, ['1.0', '1.1', '2.0'])
  })

  it('reports a gap when it was away longer than the server replays', async () => {
    // The client comes back only when told (reconnectNow), after all 30 blocks: on a busy machine
    // a backoff timer could fire mid-way and make the gap depend on the scheduler.
    const away = new FedraClient({ url: rig.url, reconnect: { initialDelayMs: 600_000, maxDelayMs: 600_000 } })
    try {
      const heights: number[] = []
      const gaps: { from: number; to: number }[] = []
      await away.subscribeBlocks((n) => heights.push(n.height), { onGap: (gap) => gaps.push(gap) })
      await rig.node.produceBlock()
      await until(() => heights.length === 1)
      rig.server.disconnectWebSockets()
      await until(() => !away.ws.connected, 15_000, 'disconnected')
      for (let i = 0; i < 30; i++) await rig.node.produceBlock()
      away.ws.reconnectNow()
      await until(() => gaps.length === 1, 15_000, 'gap reported')
      await until(() => heights.at(-1) === 31, 15_000, 'caught up to 31')
      assert.deepEqual(gaps, [{ from: 1, to: 12 }])
      assert.deepEqual(heights, [1, ...Array.from({ length: 20 }, (_, i) => 12 + i)])
    } finally {
      away.close()
    }
  })

  it('fails calls in flight when the socket drops instead of retrying them', async () => {
    const ws = new FedraClient({ url: rig.wsUrl })
    try {
      await ws.status()
      const pending = ws.broadcastTx(transfer(0, 1, 1n, 0n), 'commit', 5000)
      await sleep(50)
      rig.server.disconnectWebSockets()
      await assert.rejects(pending, (e: Error & { code?: string }) => e.code === 'CLOSED')
      assert.equal((await ws.status()).syncInfo.latestHeight, 0)
    } finally {
      ws.close()
    }
  })
})
