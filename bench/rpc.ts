/**
 * JSON-RPC throughput with autocannon: chain_status and tx_broadcast (sync: the mempool
 * admission answer) over HTTP, against a bare node:http server answering a constant JSON of
 * the same size as the baseline. The server, its backend (the test node double: a real state
 * Application on level, see test/integration/rpc/support/test-node.ts) and autocannon share
 * this process, as the baseline does, so the ratio is what the RPC layer costs.
 *
 * tx_broadcast: request i is a transfer from account i mod 250 with nonce i div 250, all
 * pre-signed before timing; with at most CONNECTIONS requests in flight the nonces of an account
 * arrive in order, so every request is a distinct valid transaction that passes admission
 * (signature check, nonce, fee) and enters the mempool. Blocks are not produced meanwhile.
 *
 * npm run bench -- rpc [--connections N] [--requests N]
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import autocannon from 'autocannon'
import { pino } from 'pino'
import { toHex } from '../src/crypto/index.js'
import { createRpcServer } from '../src/rpc/index.js'
import { transfer } from '../test/helpers/chain.js'
import { TestNode } from '../test/integration/rpc/support/test-node.js'

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 ? Number(process.argv[at + 1]) : fallback
}

const CONNECTIONS = option('connections', 8)
const REQUESTS = option('requests', 30_000)
const ACCOUNTS = 250 // testKey(i) repeats after 255

interface Figures {
  name: string
  requestsPerSecond: number
  p99: number
  errors: number
}

async function cannon(name: string, options: autocannon.Options): Promise<Figures> {
  // autocannon notices the end of an `amount` run only on its sample tick: tick every 20 ms.
  const result = await autocannon({ connections: CONNECTIONS, pipelining: 1, sampleInt: 20, ...options })
  const errors = result.errors + result.timeouts + result.non2xx
  // result.duration is whole seconds; start and finish are Dates.
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000
  return { name, requestsPerSecond: result.requests.total / seconds, p99: result.latency.p99, errors }
}

function print(figures: Figures, baseline?: Figures): void {
  const rate = figures.requestsPerSecond.toLocaleString('en-US', { maximumFractionDigits: 0 }).padStart(9)
  const ratio = baseline === undefined ? '' : `  ratio ${(figures.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)}× ${baseline.name}`
  const errors = figures.errors > 0 ? `  (${figures.errors} errors)` : ''
  console.log(`${figures.name.padEnd(36)} ${rate} req/s  p99 ${String(figures.p99).padStart(3)} ms${ratio}${errors}`)
}

const log = pino({ level: 'silent' })
const node = await TestNode.start({ accounts: ACCOUNTS })
const rpc = await createRpcServer({ backend: node, listen: { port: 0 }, log, limits: { ratePerSecond: 1e9, rateBurst: 1e9, maxConnections: 10_000 } })

// The baseline answers what chain_status answers, as a constant: HTTP and JSON framing only.
const statusBody = '{"jsonrpc":"2.0","method":"chain_status","id":1}'
const statusAnswer = await (await fetch(rpc.address.url, { method: 'POST', body: statusBody })).text()
const raw = createServer((req, res) => {
  req.resume()
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(statusAnswer))
})
await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/`

const txs = Array.from({ length: REQUESTS }, (_, i) => transfer(i % ACCOUNTS, (i + 1) % ACCOUNTS, 1n, BigInt(Math.floor(i / ACCOUNTS))))
const bodies = txs.map((tx, i) => `{"jsonrpc":"2.0","method":"tx_broadcast","params":{"tx":"${toHex(tx)}","mode":"sync"},"id":${i}}`)

const headers = { 'content-type': 'application/json' }
// Warm-up (JIT, connection pools), untimed.
await cannon('warm-up', { url: rawUrl, method: 'POST', body: statusBody, headers, amount: 2000 })
await cannon('warm-up', { url: rpc.address.url, method: 'POST', body: statusBody, headers, amount: 2000 })

const baseline = await cannon('raw node:http, constant JSON', { url: rawUrl, method: 'POST', body: statusBody, headers, amount: REQUESTS })
const status = await cannon('chain_status (HTTP)', { url: rpc.address.url, method: 'POST', body: statusBody, headers, amount: REQUESTS })

let next = 0
const broadcast = await cannon('tx_broadcast sync (HTTP, distinct txs)', {
  url: rpc.address.url,
  headers,
  amount: REQUESTS,
  requests: [{ method: 'POST', setupRequest: (request) => ({ ...request, body: bodies[Math.min(next++, REQUESTS - 1)]! }) }],
})
const admitted = node.pendingTxs(0).total

// The same admissions without RPC (a fresh node, same genesis): what tx_broadcast sync is bound by.
const direct = await TestNode.start({ accounts: ACCOUNTS })
const started = process.hrtime.bigint()
for (const tx of txs) direct.submitTx(tx)
const seconds = Number(process.hrtime.bigint() - started) / 1e9
const admission: Figures = { name: 'mempool admission alone (no RPC)', requestsPerSecond: REQUESTS / seconds, p99: 0, errors: REQUESTS - direct.pendingTxs(0).total }
await direct.stop()

console.log(`RPC over HTTP, autocannon ${CONNECTIONS} connections, ${REQUESTS.toLocaleString('en-US')} requests each run, server and load in one process`)
print(baseline)
print(status, baseline)
print(broadcast, baseline)
console.log(`${admission.name.padEnd(36)} ${admission.requestsPerSecond.toLocaleString('en-US', { maximumFractionDigits: 0 }).padStart(9)} tx/s   →  tx_broadcast sync runs at ${(broadcast.requestsPerSecond / admission.requestsPerSecond).toFixed(2)}× the admission rate`)
console.log(`tx_broadcast admitted ${admitted.toLocaleString('en-US')} of ${REQUESTS.toLocaleString('en-US')} transactions into the mempool`)

await new Promise<void>((resolve) => raw.close(() => resolve()))
await rpc.close()
await node.stop()
