import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import fc from 'fast-check'
import { toHex } from '../../../src/crypto/index.js'
import { testKey, transfer } from '../../helpers/chain.js'
import { RawWs, answerProblem, silentLog } from '../../unit/rpc/support/wire.js'
import { fuzzBodies } from './support/fuzz-bodies.js'
import { startRpc } from './support/test-node.js'

/**
 * Throws random and mutated bodies at a running test node over HTTP and WebSocket. Every body
 * must get a valid JSON-RPC answer (or, when it asked for nothing, none; or, past a size limit,
 * a closed connection), the server must stay up, and blocks must keep being committed.
 */
const HTTP_RUNS = 6000
const WS_RUNS = 4000
const LIMITS = {
  maxBodyBytes: 16 * 1024,
  maxBatchSize: 20,
  maxJsonDepth: 16,
  ratePerSecond: 1e6,
  rateBurst: 1e6,
  maxSubscriptionsPerClient: 8,
  maxReplayBlocks: 50,
}

const {
  body: bodyArb,
  onlyNotifications,
  oversized,
} = fuzzBodies({
  validTxs: [toHex(transfer(0, 1, 1n, 0n)), toHex(transfer(2, 3, 1n, 0n)), toHex(transfer(2, 3, 1n, 1n))],
  account: testKey(0).publicKey.address,
  statePath: `auth/61${toHex(testKey(1).publicKey.addressBytes)}`,
  limits: LIMITS,
})

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
        const tooBig = oversized(body)
        if (answer === 'closed') {
          assert.ok(tooBig, 'the connection closed for a body within the limits')
          return
        }
        if (tooBig) assert.equal(answer.status, 413)
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
          assert.ok(oversized(body), `the socket closed (${ws.closeCode}) for a body within the limits`)
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
    assert.equal(
      (
        (await (await fetch(rig.url, { method: 'POST', body: '{"jsonrpc":"2.0","method":"chain_status","id":1}' })).json()) as {
          result: { syncInfo: { latestHeight: number } }
        }
      ).result.syncInfo.latestHeight >= startHeight,
      true,
    )
    assert.deepEqual(unhandled, [])
  })
})
