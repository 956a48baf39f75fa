import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { toHex } from '../../../src/crypto/index.js'
import { DEFAULT_LIMITS, RPC_ERRORS } from '../../../src/rpc/index.js'
import { RawWs, answerProblem } from '../../unit/rpc/support/wire.js'
import { type Body, fuzzBodies } from '../../integration/rpc/support/fuzz-bodies.js'
import { RawHttp, RunningNode } from './support/running-node.js'

/**
 * Throws 10,000 random and mutated bodies (6,000 over HTTP, 4,000 over WebSocket, several
 * connections at once) at a real `fedra start` process with its default limits. Every body
 * must get a valid JSON-RPC 2.0 answer, or none when it held only notifications, or — over the
 * size limit — a 413 or a closed connection; none may be an internal error; the process must
 * log no error, keep committing blocks during and after, still admit and commit a transfer,
 * and stop cleanly.
 */
const HTTP_RUNS = 1500
const WS_RUNS = 1000
/** Bodies in flight at once, each on its own connection. */
const PARALLEL = 4
const ACCOUNTS = 8

describe('JSON-RPC fuzzing against a running node (fedra start)', function () {
  this.timeout(120_000)
  let node: RunningNode
  let fuzz: ReturnType<typeof fuzzBodies>
  /** -32603 answers: valid JSON-RPC, but a server fault the fuzzer found. */
  const internalErrors: string[] = []

  const noteInternal = (text: string) => {
    const value = JSON.parse(text) as unknown
    for (const r of (Array.isArray(value) ? value : [value]) as { error?: { code?: number } }[]) {
      if (r.error?.code === RPC_ERRORS.INTERNAL_ERROR) internalErrors.push(JSON.stringify(r).slice(0, 300))
    }
  }

  /** fc.assert without shrinking (the node's state carries from run to run) and with long bodies cut in the report. */
  async function check<T>(
    arbitrary: fc.Arbitrary<T>,
    predicate: (value: T) => Promise<void>,
    seed: number,
    numRuns: number,
  ): Promise<void> {
    const details = await fc.check(fc.asyncProperty(arbitrary, predicate), { seed, numRuns, endOnFailure: true })
    if (!details.failed) return
    const cut = (_: string, v: unknown) => (typeof v === 'string' && v.length > 300 ? `${v.slice(0, 300)}…(${v.length} chars)` : v)
    throw new Error(
      `failed at run ${details.numRuns} of seed ${seed}: ${(details.errorInstance as Error | undefined)?.message}\nbodies: ${JSON.stringify(details.counterexample, cut)}`,
    )
  }

  before(async () => {
    node = await RunningNode.start({ accounts: ACCOUNTS, commitDelayMs: 100 })
    // Transfers the node would admit, some only after earlier nonces: the fuzz keeps filling blocks.
    const validTxs = Array.from({ length: 4 * 8 }, (_, i) =>
      toHex(node.wallets.transfer(i % 4, (i % 4) + 4, 1n, { nonce: BigInt(Math.floor(i / 4)) })),
    )
    fuzz = fuzzBodies({
      validTxs,
      account: node.wallets.address(0),
      statePath: node.wallets.accountPath(1),
      limits: DEFAULT_LIMITS,
      oversizedWeight: 1,
    })
  })

  after(async () => {
    await node?.stop()
  })

  it(`answers ${HTTP_RUNS * PARALLEL} HTTP bodies (${PARALLEL} connections) validly, and blocks keep coming`, async () => {
    const http = new RawHttp(node.url, PARALLEL)
    const startHeight = await node.height()
    const answersValidly = async (body: Body) => {
      const answer = await http.post(body)
      if (answer === 'closed') {
        assert.ok(fuzz.oversized(body), 'the connection closed for a body within the limits')
        return
      }
      if (fuzz.oversized(body)) assert.equal(answer.status, 413)
      else if (fuzz.onlyNotifications(body)) assert.deepEqual([answer.status, answer.text], [204, ''])
      else assert.equal(answer.status, 200, answer.text.slice(0, 300))
      if (answer.status === 204) return
      assert.equal(answerProblem(answer.text), null, answer.text.slice(0, 300))
      noteInternal(answer.text)
    }
    try {
      await check(
        fc.array(fuzz.body, { minLength: PARALLEL, maxLength: PARALLEL }),
        async (bodies) => {
          await Promise.all(bodies.map(answersValidly))
        },
        20261201,
        HTTP_RUNS,
      )
    } finally {
      http.close()
    }
    const height = await node.height()
    assert.ok(height >= startHeight + 5, `blocks during the HTTP fuzz: ${startHeight} → ${height}`)
    assert.equal(node.process.running, true)
  })

  it(`answers ${WS_RUNS * PARALLEL} WebSocket messages (${PARALLEL} sockets) validly, and blocks keep coming`, async () => {
    const startHeight = await node.height()
    let marker = 0
    /**
     * One socket: sends a body, then a marker call, and reads up to the marker's answer; every
     * message on the way must be a valid response or a subscription notification. Answers may
     * come in any order (the marker's can overtake one that reads the store or waits for a
     * block), so each socket counts the answers still due; more than due fails at once, and
     * none may be due at the end.
     */
    class Lane {
      ws!: RawWs
      /** Answers still due for earlier bodies (commit-mode broadcasts answer after inclusion). */
      late = 0

      async open(): Promise<void> {
        this.ws = await RawWs.open(node.wsUrl)
        this.late = 0
      }

      /** Reads up to the answer with `id`: 'closed', or how many other answers came first. */
      async readUntil(id: string, timeoutMs: number): Promise<'closed' | number> {
        let answers = 0
        for (;;) {
          let text: string
          try {
            text = await Promise.race([this.ws.next(timeoutMs), this.ws.closed.then(() => Promise.reject(new Error('closed')))])
          } catch {
            return 'closed'
          }
          const value = JSON.parse(text) as { id?: unknown; method?: unknown; params?: { subscription?: unknown } }
          if (value.method === 'subscription') {
            assert.equal(typeof value.params?.subscription, 'string', text.slice(0, 300))
            continue
          }
          assert.equal(answerProblem(text), null, text.slice(0, 300))
          noteInternal(text)
          if (!Array.isArray(value) && value.id === id) return answers
          answers++
        }
      }

      async send(body: Body): Promise<void> {
        if (this.ws.closeCode !== null) await this.open()
        this.ws.send(body)
        const wants = fuzz.onlyNotifications(body) ? 0 : 1
        const id = `marker-${++marker}`
        this.ws.send(`{"jsonrpc":"2.0","method":"chain_health","id":"${id}"}`)
        const answers = await this.readUntil(id, 10_000)
        const shown = () => (typeof body === 'string' ? body : body.toString('utf8')).slice(0, 300)
        if (answers === 'closed') {
          assert.ok(fuzz.oversized(body), `the socket closed (${this.ws.closeCode}) for a body within the limits: ${shown()}`)
          assert.equal(await this.ws.closed, 1009)
          return
        }
        assert.ok(answers <= wants + this.late, `${answers} answers where ${wants + this.late} were due, after ${shown()}`)
        // Answers come in any order: one that reads the store (or waits for a block) may follow the marker's.
        this.late = wants + this.late - answers
      }

      /** Waits out the late answers with further markers. */
      async finish(): Promise<void> {
        for (let i = 0; this.late > 0 && i < 100; i++) {
          await new Promise((resolve) => setTimeout(resolve, 50))
          this.ws.send(`{"jsonrpc":"2.0","method":"chain_health","id":"final-${i}"}`)
          const answers = await this.readUntil(`final-${i}`, 10_000)
          assert.notEqual(answers, 'closed')
          this.late -= answers as number
          assert.ok(this.late >= 0, 'more answers than requests that wanted one')
        }
        assert.equal(this.late, 0, 'every request that wanted an answer got exactly one')
        this.ws.close()
      }
    }

    const lanes = Array.from({ length: PARALLEL }, () => new Lane())
    await Promise.all(lanes.map((lane) => lane.open()))
    try {
      await check(
        fc.array(fuzz.body, { minLength: PARALLEL, maxLength: PARALLEL }),
        async (bodies) => {
          await Promise.all(bodies.map((body, i) => lanes[i]!.send(body)))
        },
        20261202,
        WS_RUNS,
      )
      for (const lane of lanes) await lane.finish()
    } finally {
      for (const lane of lanes) lane.ws.close()
    }
    const height = await node.height()
    assert.ok(height >= startHeight + 5, `blocks during the WebSocket fuzz: ${startHeight} → ${height}`)
  })

  it('no answer was an internal error (-32603)', () => {
    assert.deepEqual(internalErrors, [])
  })

  it('afterwards the node runs, commits blocks and a transfer, logged no error, and stops cleanly', async () => {
    assert.equal(node.process.running, true)
    const height = await node.height()
    await node.waitForHeight(height + 3)
    const tx = node.wallets.transfer(ACCOUNTS - 1, 0, 42n)
    const answer = await node.client.broadcastTx(tx, 'commit', 20_000)
    assert.equal(answer.result!.code, 0, answer.result!.log)
    const errors = readFileSync(join(node.home, 'node.log'), 'utf8')
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line))
    assert.deepEqual(errors, [], 'the node logged errors')
    const code = await node.stop()
    assert.equal(code, 0, node.finalLog)
  })
})
