import assert from 'node:assert/strict'
import { RPC_ERRORS, type RpcLimits, type RpcServer, createRpcServer, resolveLimits } from '../../../src/rpc/index.js'
import { Session } from '../../../src/rpc/session.js'
import { SubscriptionHub } from '../../../src/rpc/subscriptions.js'
import { RawWs, silentLog, until } from '../../unit/rpc/support/wire.js'
import { TestNode } from './support/test-node.js'

const subscribe = (id: number, params: Record<string, unknown>) =>
  JSON.stringify({ jsonrpc: '2.0', method: 'subscribe', params: { kind: 'newBlocks', ...params }, id })
const BLOCKS = 30

/** Sends `text` and returns the answer with `id`, skipping the notifications that arrive meanwhile. */
async function answer(ws: RawWs, text: string, id: number) {
  ws.send(text)
  for (;;) {
    const message = JSON.parse(await ws.next())
    if (message.id === id) return message
  }
}

describe('subscription limits per client address and the replay budget', function () {
  this.timeout(20_000)
  let node: TestNode
  const servers: RpcServer[] = []
  const sockets: RawWs[] = []

  before(async () => {
    node = await TestNode.start({ accounts: 2 })
    // Committed before any server starts, so replays of them come from the store, not the hub's memory.
    for (let i = 0; i < BLOCKS; i++) await node.produceBlock()
  })
  after(() => node.stop())
  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.close()
    for (const server of servers.splice(0)) await server.close()
  })

  const kept = <T>(list: T[], item: T): T => (list.push(item), item)
  const start = async (limits: Partial<RpcLimits>) =>
    kept(servers, await createRpcServer({ backend: node, listen: { port: 0 }, log: silentLog, limits }))
  const open = async (server: RpcServer) => kept(sockets, await RawWs.open(server.address.wsUrl))

  describe('maxSubscriptionsPerIp', () => {
    it('refuses a subscription beyond the address’s total with -32004 scope ip, across its WebSockets', async () => {
      const server = await start({ maxSubscriptionsPerClient: 2, maxSubscriptionsPerIp: 3 })
      const a = await open(server)
      const b = await open(server)
      for (const id of [1, 2]) assert.ok(JSON.parse(await a.ask(subscribe(id, {}))).result.subscription)
      assert.ok(JSON.parse(await b.ask(subscribe(3, {}))).result.subscription)
      const over = JSON.parse(await b.ask(subscribe(4, {})))
      assert.deepEqual(over.error, {
        code: RPC_ERRORS.TOO_MANY_SUBSCRIPTIONS,
        message: 'Too many subscriptions: at most 3 subscriptions per client address',
        data: { limit: 3, scope: 'ip' },
      })
    })

    it('keeps the per-connection refusal as scope connection', async () => {
      const server = await start({ maxSubscriptionsPerClient: 1, maxSubscriptionsPerIp: 10 })
      const a = await open(server)
      assert.ok(JSON.parse(await a.ask(subscribe(1, {}))).result.subscription)
      const over = JSON.parse(await a.ask(subscribe(2, {})))
      assert.deepEqual(over.error, {
        code: RPC_ERRORS.TOO_MANY_SUBSCRIPTIONS,
        message: 'Too many subscriptions: at most 1 subscriptions per connection',
        data: { limit: 1, scope: 'connection' },
      })
    })

    it('gives the address its room back when a WebSocket closes', async () => {
      const server = await start({ maxSubscriptionsPerIp: 1 })
      const a = await open(server)
      assert.ok(JSON.parse(await a.ask(subscribe(1, {}))).result.subscription)
      a.close()
      await until(() => server.hub.subscriptionCount === 0)
      const b = await open(server)
      assert.ok(JSON.parse(await b.ask(subscribe(2, {}))).result.subscription)
    })
  })

  describe('replayBacklogBlocks', () => {
    // One block per second and one per turn: the first replay stays owed while the second asks.
    const slow = { replayBacklogBlocks: 40, replayBlocksPerSecond: 1, replayChunkBlocks: 1 }

    it('refuses a replay that would take the blocks owed past the bound with -32012', async () => {
      const server = await start(slow)
      const a = await open(server)
      assert.equal((await answer(a, subscribe(1, { fromHeight: 1 }), 1)).result.nextHeight, 1)
      assert.ok(server.hub.replayBacklog > 40 - 16 && server.hub.replayBacklog <= BLOCKS)
      const over = await answer(a, subscribe(2, { fromHeight: BLOCKS - 15 }), 2)
      assert.equal(over.error.code, RPC_ERRORS.REPLAY_BUSY)
      assert.match(over.error.message, /^Replay budget exhausted: the server owes replays \d+ blocks already; 16 more would pass 40$/)
      assert.deepEqual({ ...over.error.data, outstanding: undefined }, { requested: 16, outstanding: undefined, limit: 40 })
      assert.ok(over.error.data.outstanding > 24)
    })

    it('still takes live subscriptions, and replays again once the backlog is paid or dropped', async () => {
      const server = await start(slow)
      const a = await open(server)
      const first = (await answer(a, subscribe(1, { fromHeight: 1 }), 1)).result.subscription as string
      assert.ok((await answer(a, subscribe(2, {}), 2)).result.subscription, 'a live subscription owes nothing')
      assert.equal((await answer(a, subscribe(3, { fromHeight: BLOCKS - 15 }), 3)).error.code, RPC_ERRORS.REPLAY_BUSY)
      await answer(a, JSON.stringify({ jsonrpc: '2.0', method: 'unsubscribe', params: { subscription: first }, id: 4 }), 4)
      assert.equal(server.hub.replayBacklog, 0)
      assert.equal((await answer(a, subscribe(5, { fromHeight: BLOCKS - 15 }), 5)).result.nextHeight, BLOCKS - 15)
    })
  })

  describe('replays run below consensus', () => {
    /** A WebSocket session that records what it is sent, for driving the hub directly. */
    const session = (limits: RpcLimits, pushed: string[]) =>
      new Session({
        id: 1,
        transport: 'ws',
        address: '192.0.2.1',
        limits,
        now: Date.now,
        push: (text) => pushed.push(text),
        terminate: () => {},
      })

    it('serves a replay a chunk per event-loop turn, so timers and I/O run between chunks', async () => {
      const limits = resolveLimits({ replayChunkBlocks: 4, replayBlocksPerSecond: 1e9 })
      const hub = new SubscriptionHub(node, limits, silentLog)
      await hub.start()
      try {
        const pushed: string[] = []
        hub.subscribe(session(limits, pushed), 'newBlocks', {}, 1, 1)
        // Count what arrived at each macrotask turn until the whole replay is out.
        const seen: number[] = []
        const deadline = Date.now() + 5000
        while (pushed.length < BLOCKS && Date.now() < deadline) {
          await new Promise((resolve) => setImmediate(resolve))
          seen.push(pushed.length)
        }
        assert.equal(pushed.length, BLOCKS)
        const steps = seen.map((n, i) => n - (seen[i - 1] ?? 0))
        assert.ok(Math.max(...steps) <= 4, `a turn delivered ${Math.max(...steps)} blocks: ${steps.join(',')}`)
        assert.ok(steps.filter((n) => n > 0).length >= BLOCKS / 4)
      } finally {
        hub.stop()
      }
    })

    it('reads no faster from the store than replayBlocksPerSecond, all replays together', async () => {
      let clock = 0
      const limits = resolveLimits({ replayChunkBlocks: 2, replayBlocksPerSecond: 1 })
      const hub = new SubscriptionHub(node, limits, silentLog, () => clock)
      await hub.start()
      try {
        const a: string[] = []
        const b: string[] = []
        hub.subscribe(session(limits, a), 'newBlocks', {}, 1, 1)
        hub.subscribe(session(limits, b), 'newBlocks', {}, 1, 1)
        // The bucket starts with one chunk: one replay gets it, the other waits for the clock.
        await until(() => a.length + b.length === 2)
        const waitsBefore = hub.replayWaits
        await until(() => hub.replayWaits >= waitsBefore + 2, 5000, 'the gate to look again')
        assert.equal(a.length + b.length, 2)
        clock += 2000
        await until(() => a.length + b.length === 4, 5000)
        assert.deepEqual([a.length, b.length], [2, 2], 'turns alternate between the replays')
      } finally {
        hub.stop()
      }
    })

    it('waits once its notifications have spent replayBytesPerSecond, until the budget refills', async () => {
      let clock = 0
      const limits = resolveLimits({ replayChunkBlocks: 2, replayBlocksPerSecond: 1e9, replayBytesPerSecond: 100 })
      const hub = new SubscriptionHub(node, limits, silentLog, () => clock)
      await hub.start()
      try {
        const pushed: string[] = []
        hub.subscribe(session(limits, pushed), 'newBlocks', {}, 1, 1)
        await until(() => pushed.length === 2)
        const spent = pushed.reduce((n, text) => n + text.length, 0)
        assert.ok(spent > 100, 'one chunk outspends the bucket')
        const waitsBefore = hub.replayWaits
        await until(() => hub.replayWaits >= waitsBefore + 2, 5000, 'the gate to look again')
        assert.equal(pushed.length, 2)
        clock += Math.ceil((spent * 1000) / 100)
        await until(() => pushed.length === 4, 5000)
      } finally {
        hub.stop()
      }
    })
  })
})
