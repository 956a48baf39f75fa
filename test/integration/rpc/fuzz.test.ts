import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import fc from 'fast-check'
import { toHex } from '../../../src/crypto/index.js'
import { FEDRA_API } from '../../../src/rpc/index.js'
import { testKey, transfer } from '../../helpers/chain.js'
import { RawWs, answerProblem, silentLog } from '../../unit/rpc/support/wire.js'
import { startRpc } from './support/test-node.js'

/**
 * Throws random and mutated bodies at a running test node over HTTP and WebSocket. Every body
 * must get a valid JSON-RPC answer (or, when it asked for nothing, none; or, past a size limit,
 * a closed connection), the server must stay up, and blocks must keep being committed.
 */
const HTTP_RUNS = 6000
const WS_RUNS = 4000
const LIMITS = { maxBodyBytes: 16 * 1024, maxBatchSize: 20, maxJsonDepth: 16, ratePerSecond: 1e6, rateBurst: 1e6, maxSubscriptionsPerClient: 8, maxReplayBlocks: 50 }

const methodNames = [...Object.keys(FEDRA_API), 'foobar', 'rpc.nope', '', 'chain_', 'constructor', '__proto__', 'toString']
const paramNames = [...new Set(Object.values(FEDRA_API).flatMap((m) => Object.keys(m.params))), '__proto__', 'extra']

const validTx = toHex(transfer(0, 1, 1n, 0n))
const account = testKey(0).publicKey.address
const TEMPLATES = [
  '{"jsonrpc":"2.0","method":"chain_status","id":1}',
  '{"jsonrpc":"2.0","method":"chain_getBlock","params":{"height":1},"id":"a"}',
  '{"jsonrpc":"2.0","method":"chain_getBlock","params":[null,"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"],"id":2}',
  '{"jsonrpc":"2.0","method":"chain_getCommit","params":[1],"id":3}',
  '{"jsonrpc":"2.0","method":"chain_getValidators","params":{},"id":4}',
  '{"jsonrpc":"2.0","method":"chain_getBlockResults","params":{"height":2},"id":5}',
  `{"jsonrpc":"2.0","method":"tx_broadcast","params":{"tx":"${validTx}","mode":"sync"},"id":6}`,
  `{"jsonrpc":"2.0","method":"tx_broadcast","params":["${validTx}","commit",50],"id":7}`,
  `{"jsonrpc":"2.0","method":"tx_search","params":{"signer":"${account}","limit":5,"order":"desc"},"id":8}`,
  '{"jsonrpc":"2.0","method":"tx_search","params":{"event":{"type":"transfer","key":"amount","value":"1ufdr"},"cursor":"1.0"},"id":9}',
  `{"jsonrpc":"2.0","method":"account_get","params":["${account}"],"id":10}`,
  `{"jsonrpc":"2.0","method":"state_query","params":{"path":"auth/61${toHex(testKey(0).publicKey.addressBytes)}","prove":true},"id":11}`,
  '{"jsonrpc":"2.0","method":"subscribe","params":{"kind":"txs","filter":{"messageType":"bank/MsgSend"},"fromHeight":1},"id":12}',
  '{"jsonrpc":"2.0","method":"unsubscribe","params":["0011223344556677"],"id":13}',
  '{"jsonrpc":"2.0","method":"mempool_pending","params":{"limit":3},"id":14}',
  '[{"jsonrpc":"2.0","method":"net_info","id":15},{"jsonrpc":"2.0","method":"chain_health"},{"jsonrpc":"2.0","method":"rpc.discover","id":16}]',
]

const jsonValue = fc.jsonValue({ maxDepth: 4 })
const idArb = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null), fc.boolean(), fc.constant('12345678901234567890'))
const paramsArb = fc.oneof(
  fc.dictionary(fc.constantFrom(...paramNames), jsonValue, { maxKeys: 4 }),
  fc.array(jsonValue, { maxLength: 4 }),
  jsonValue,
)
const requestArb = fc.record(
  { jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.constant('1.0'), jsonValue), method: fc.oneof(fc.constantFrom(...methodNames), fc.string({ maxLength: 12 })), params: paramsArb, id: idArb },
  { requiredKeys: [] },
)
const hexArb = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 80 })
/** Param values near the valid ones: small heights, hashes, addresses, modes, kinds, paths. */
const paramValue = fc.oneof(
  jsonValue,
  fc.integer({ min: -2, max: 30 }),
  hexArb,
  fc.constantFrom(validTx, account, 'sync', 'commit', 'async', 'newBlocks', 'txs', 'events', 'asc', 'desc', 'bank/MsgSend', '1.0', `auth/61${toHex(testKey(1).publicKey.addressBytes)}`, true, false, null),
  fc.record({ type: fc.constantFrom('transfer', 'fee', 'tx'), key: fc.constantFrom('sender', 'recipient', 'amount'), value: fc.constantFrom(account, '1ufdr') }),
)
/** Well-formed calls of real methods with params drawn by name or by position. */
const callArb = fc.constantFrom(...Object.values(FEDRA_API)).chain((method) => {
  const names = Object.keys(method.params)
  const byName = fc.record(Object.fromEntries(names.map((n) => [n, paramValue])), { requiredKeys: [] })
  const byPosition = fc.array(paramValue, { maxLength: names.length + 1 })
  return fc.record({ jsonrpc: fc.constant('2.0'), method: fc.constant(method.name), params: fc.oneof(byName, byPosition), id: idArb }, { requiredKeys: ['jsonrpc', 'method'] })
})
const structured = fc.oneof(
  { weight: 3, arbitrary: callArb.map((r) => JSON.stringify(r)) },
  { weight: 1, arbitrary: fc.array(fc.oneof(callArb, requestArb), { maxLength: 25 }).map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: requestArb.map((r) => JSON.stringify(r)) },
)

/** Edits a valid body: flips, deletes, duplicates or inserts characters, or truncates it. */
const mutated = fc
  .tuple(fc.constantFrom(...TEMPLATES), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.integer({ min: 0, max: 4 }), fc.string({ minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) => {
    let out = text
    for (const [at, span, kind, insert] of edits) {
      const i = at % (out.length + 1)
      if (kind === 0) out = out.slice(0, i) + insert + out.slice(i + 1)
      else if (kind === 1) out = out.slice(0, i) + out.slice(i + span)
      else if (kind === 2) out = out.slice(0, i) + out.slice(i, i + span).repeat(2) + out.slice(i + span)
      else if (kind === 3) out = out.slice(0, i) + insert + out.slice(i)
      else out = out.slice(0, i)
    }
    return out
  })

const bodyArb: fc.Arbitrary<string | Buffer> = fc.oneof(
  { weight: 4, arbitrary: structured },
  { weight: 4, arbitrary: mutated },
  { weight: 1, arbitrary: fc.json({ maxDepth: 5 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 64, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 40 }).map((n) => `{"jsonrpc":"2.0","method":"chain_status","params":${'['.repeat(n)}${']'.repeat(n)},"id":1}`) },
  { weight: 1, arbitrary: fc.integer({ min: 17, max: 40 }).map((k) => `{"jsonrpc":"2.0","method":"tx_broadcast","params":["${'ab'.repeat(k * 512)}"],"id":1}`) },
)

/** Whether the body, as the server reads it, holds only notifications (then it answers nothing). */
function onlyNotifications(body: string | Buffer): boolean {
  let value: unknown
  try {
    value = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'))
  } catch {
    return false
  }
  const isNotification = (r: unknown) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return false
    const o = r as Record<string, unknown>
    return !Object.hasOwn(o, 'id') && o.jsonrpc === '2.0' && typeof o.method === 'string' && (o.params === undefined || (typeof o.params === 'object' && o.params !== null))
  }
  if (Array.isArray(value)) return value.length > 0 && value.length <= LIMITS.maxBatchSize && value.every(isNotification)
  return isNotification(value)
}

const sizeOf = (body: string | Buffer) => (typeof body === 'string' ? Buffer.byteLength(body) : body.length)

describe('RPC fuzzing', function () {
  this.timeout(180_000)
  let rig: Awaited<ReturnType<typeof startRpc>>
  const unhandled: unknown[] = []
  const onUnhandled = (error: unknown) => unhandled.push(error)

  before(async () => {
    process.on('unhandledRejection', onUnhandled)
    rig = await startRpc({ blockIntervalMs: 20, log: silentLog, limits: LIMITS })
  })
  after(async () => {
    process.off('unhandledRejection', onUnhandled)
    await rig.close()
  })

  it(`answers ${HTTP_RUNS} random and mutated HTTP bodies validly and keeps committing blocks`, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const startHeight = rig.node.height
    const send = (body: string | Buffer) =>
      new Promise<{ status: number; text: string } | 'closed'>((resolve) => {
        const req = request(rig.url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
          res.on('error', () => resolve('closed'))
        })
        req.on('error', () => resolve('closed'))
        req.end(body)
      })
    await fc.assert(
      fc.asyncProperty(bodyArb, async (body) => {
        const answer = await send(body)
        const oversized = sizeOf(body) > LIMITS.maxBodyBytes
        if (answer === 'closed') {
          assert.ok(oversized, 'the connection closed for a body within the limits')
          return
        }
        if (oversized) assert.equal(answer.status, 413)
        else if (onlyNotifications(body)) assert.equal(answer.status, 204, answer.text)
        else assert.equal(answer.status, 200, answer.text)
        if (answer.status !== 204) assert.equal(answerProblem(answer.text), null, answer.text)
      }),
      { numRuns: HTTP_RUNS, seed: 20261101 },
    )
    agent.destroy()
    assert.ok(rig.node.height > startHeight + 5, `blocks kept coming: ${startHeight} → ${rig.node.height}`)
    assert.deepEqual(unhandled, [])
  })

  it(`answers ${WS_RUNS} random and mutated WebSocket messages validly and keeps committing blocks`, async () => {
    const startHeight = rig.node.height
    let ws = await RawWs.open(rig.wsUrl)
    let marker = 0
    // Answers on one socket may come in any order (a commit-mode broadcast answers late), so
    // each connection counts the answers it expects and gets; they must agree at the end.
    let expected = 0
    let received = 0
    const readUntil = async (id: string, timeoutMs: number): Promise<'closed' | 'done'> => {
      for (;;) {
        let text: string
        try {
          text = await Promise.race([ws.next(timeoutMs), ws.closed.then(() => Promise.reject(new Error('closed')))])
        } catch {
          return 'closed'
        }
        const value = JSON.parse(text) as { id?: unknown; method?: unknown; params?: { subscription?: unknown } }
        if (value.method === 'subscription') {
          assert.equal(typeof value.params?.subscription, 'string', text)
          continue
        }
        assert.equal(answerProblem(text), null, text)
        if (!Array.isArray(value) && value.id === id) return 'done'
        received++
        assert.ok(received <= expected, `more answers (${received}) than requests that want one (${expected})`)
      }
    }
    await fc.assert(
      fc.asyncProperty(bodyArb, async (body) => {
        if (ws.closeCode !== null) {
          ws = await RawWs.open(rig.wsUrl)
          expected = received = 0
        }
        ws.send(body)
        if (!onlyNotifications(body)) expected++
        // Everything up to the answer to a marker sent after the body must be valid JSON-RPC.
        const id = `marker-${++marker}`
        ws.send(`{"jsonrpc":"2.0","method":"chain_status","id":"${id}"}`)
        if ((await readUntil(id, 5000)) === 'closed') {
          assert.ok(sizeOf(body) > LIMITS.maxBodyBytes, `the socket closed (${ws.closeCode}) for a body within the limits`)
          assert.equal(ws.closeCode, 1009)
        }
      }),
      { numRuns: WS_RUNS, seed: 20261102 },
    )
    // The late answers (commit-mode waits of at most 50 ms) arrive before a last marker does.
    for (let i = 0; received < expected && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 60))
      ws.send(`{"jsonrpc":"2.0","method":"chain_status","id":"final-${i}"}`)
      assert.equal(await readUntil(`final-${i}`, 5000), 'done')
    }
    assert.equal(received, expected, 'every request that wanted an answer got exactly one')
    ws.close()
    assert.ok(rig.node.height > startHeight + 5, `blocks kept coming: ${startHeight} → ${rig.node.height}`)
    assert.equal((await (await fetch(rig.url, { method: 'POST', body: '{"jsonrpc":"2.0","method":"chain_status","id":1}' })).json() as { result: { syncInfo: { latestHeight: number } } }).result.syncInfo.latestHeight >= startHeight, true)
    assert.deepEqual(unhandled, [])
  })
})
