/**
 * JSON-RPC throughput of a real node with autocannon: chain_status and tx_broadcast (sync: the
 * mempool admission answer) over HTTP, against a bare node:http server answering chain_status's
 * answer as a constant (HTTP and JSON framing only), measured in the same run.
 *
 * The node is a FedraNode opened in this process on a one-validator devnet home (createDevnet):
 * store, mempool, consensus committing a block every ~200 ms (the default commit delay), p2p,
 * tx index, all running while the load runs. autocannon, the baseline server and the node share
 * this process and its event loop, so the ratio is what the node's RPC path costs over bare HTTP.
 * The node's per-connection rate limit (default 1000 calls/s) is raised through its config
 * (rpc.limits), so the figures are throughput, not the limit.
 *
 * tx_broadcast: request i is a transfer from devnet account i mod ACCOUNTS with nonce
 * i div ACCOUNTS, all signed before timing; with at most CONNECTIONS in flight an account's
 * nonces arrive in order, so every request is a distinct valid transaction that passes
 * admission (signature, nonce, fee), enters the mempool and is gossiped; blocks take them
 * meanwhile. Each answer is read: admitted and refused are counted.
 *
 * Then the block production rate while a subscription flood replays the chain (issue 16): the
 * node's heights per second over --flood-seconds, quiet and with --flood-sockets WebSockets each
 * asking --flood-subs `subscribe newBlocks fromHeight 1` (bench/harness-rpc-flood.ts, a process
 * of its own): from one address and from one address per socket, at the default rpc.limits, and
 * from one address per socket against a second RPC server on the same node with every replay
 * bound lifted (no per-address limits, no backlog bound, no pacing: what the node did before).
 *
 * npm run bench -- rpc [--connections N] [--requests N] [--flood-sockets 50] [--flood-subs 64] [--flood-seconds 15]
 */
import '../src/p2p/polyfill.js'
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import autocannon from 'autocannon'
import { pino } from 'pino'
import { encode } from '../src/codec/index.js'
import { toHex } from '../src/crypto/index.js'
import { createDevnet, devnetAccount } from '../src/devnet/layout.js'
import { MsgSend } from '../src/modules/index.js'
import { loadNodeConfig } from '../src/node/config.js'
import { FedraNode } from '../src/node/node.js'
import { NodeRpcBackend } from '../src/node/rpc-backend.js'
import { DEFAULT_LIMITS, createRpcServer } from '../src/rpc/index.js'
import { signTx } from '../src/state/index.js'
import { tempDir } from '../test/helpers/chain.js'

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 ? Number(process.argv[at + 1]) : fallback
}

const CONNECTIONS = option('connections', 8)
const FLOOD_SOCKETS = option('flood-sockets', 50)
const FLOOD_SUBS = option('flood-subs', 64)
const FLOOD_SECONDS = option('flood-seconds', 15)
const REQUESTS = option('requests', 20_000)
const ACCOUNTS = 1000
const CHAIN_ID = 'fedra-bench-rpc-1'

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
  const ratio =
    baseline === undefined ? '' : `  ratio ${(figures.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)}× ${baseline.name}`
  const errors = figures.errors > 0 ? `  (${figures.errors} errors)` : ''
  console.log(`${figures.name.padEnd(40)} ${rate} req/s  p99 ${String(figures.p99).padStart(3)} ms${ratio}${errors}`)
}

const log = pino({ level: 'silent' })
const dir = tempDir('fedra-bench-rpc-')
const layout = await createDevnet({ dir: dir.path, validators: 1, fullNodes: 0, chainId: CHAIN_ID, commitDelayMs: 200, accounts: ACCOUNTS })
const home = layout.nodes[0]!.home
const config = loadNodeConfig(home)
// Room for every broadcast even if blocks lag behind the load.
config.mempool.maxTxs = 2 * REQUESTS
// Raised for the throughput runs; the per-address and replay limits stay at their defaults for the flood.
config.rpc.limits = { ...config.rpc.limits, ratePerSecond: 1e9, rateBurst: 1e9, maxConnections: 10_000 }
const node = await FedraNode.open(home, config, log)
await node.start()
const rpc = { address: { url: `http://${config.rpc.listen}/` } }

const stop = async () => {
  await node.stop()
  dir.remove()
}
try {
  const deadline = Date.now() + 30_000
  while (node.chain.height < 1) {
    if (Date.now() > deadline) throw new Error('the node made no block within 30 s')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }

  // The baseline answers what chain_status answers, as a constant: HTTP and JSON framing only.
  const statusBody = '{"jsonrpc":"2.0","method":"chain_status","id":1}'
  const statusAnswer = await (await fetch(rpc.address.url, { method: 'POST', body: statusBody })).text()
  const raw = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(statusAnswer))
  })
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
  const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/`

  const keys = Array.from({ length: ACCOUNTS }, (_, i) => devnetAccount(i))
  const transfer = (i: number) =>
    signTx(keys[i % ACCOUNTS]!, {
      chainId: CHAIN_ID,
      nonce: BigInt(Math.floor(i / ACCOUNTS)),
      fee: 200n,
      gasLimit: 200_000n,
      messages: [encode(MsgSend, { to: keys[(i + 1) % ACCOUNTS]!.publicKey.addressBytes, amount: [{ denom: 'ufdr', amount: 1n }] })],
      memo: '',
    })
  const bodies = Array.from(
    { length: REQUESTS },
    (_, i) => `{"jsonrpc":"2.0","method":"tx_broadcast","params":{"tx":"${toHex(transfer(i))}","mode":"sync"},"id":${i}}`,
  )

  const headers = { 'content-type': 'application/json' }
  // Warm-up (JIT, connection pools), untimed.
  await cannon('warm-up', { url: rawUrl, method: 'POST', body: statusBody, headers, amount: 2000 })
  await cannon('warm-up', { url: rpc.address.url, method: 'POST', body: statusBody, headers, amount: 2000 })

  const baseline = await cannon('raw node:http, constant JSON', {
    url: rawUrl,
    method: 'POST',
    body: statusBody,
    headers,
    amount: REQUESTS,
  })
  let statusFailures = 0
  const status = await cannon('chain_status (HTTP)', {
    url: rpc.address.url,
    headers,
    amount: REQUESTS,
    requests: [{ method: 'POST', body: statusBody, onResponse: (_status, body) => void (body.includes('"result"') || statusFailures++) }],
  })

  let next = 0
  let admitted = 0
  const refusals = new Map<string, number>()
  const heightBefore = node.chain.height
  const broadcast = await cannon('tx_broadcast sync (HTTP, distinct txs)', {
    url: rpc.address.url,
    headers,
    amount: REQUESTS,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({ ...request, body: bodies[Math.min(next++, REQUESTS - 1)]! }),
        onResponse: (_status, body) => {
          if (body.includes('"result"')) admitted++
          else {
            const reason = /"codespace":"(\w+)","log":"([A-Z_]*)/.exec(body)?.slice(1).join('/') ?? body.slice(0, 60)
            refusals.set(reason, (refusals.get(reason) ?? 0) + 1)
          }
        },
      },
    ],
  })
  const blocks = node.chain.height - heightBefore

  // The same admissions without RPC: node.submitTx (the mempool plus gossip announce) in a loop,
  // on the next nonces of the same accounts, while the node runs.
  const direct = Array.from({ length: REQUESTS }, (_, i) => transfer(REQUESTS + i))
  const started = process.hrtime.bigint()
  let directAdmitted = 0
  for (const tx of direct) {
    try {
      if (node.submitTx(tx).code === 'added') directAdmitted++
    } catch {
      // The pool is as deep as it goes (maxPendingBlocks of the block budget): the rest would be
      // refused before any signature check, which is not the admission rate.
      break
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9

  console.log(
    `RPC over HTTP against a running node (one validator, blocks every ~200 ms), autocannon ${CONNECTIONS} connections, ${REQUESTS.toLocaleString('en-US')} requests each run, node and load in one process`,
  )
  print(baseline)
  print(status, baseline)
  print(broadcast, baseline)
  const admission = directAdmitted / seconds
  console.log(
    `${'node.submitTx alone (no RPC)'.padEnd(40)} ${admission.toLocaleString('en-US', { maximumFractionDigits: 0 }).padStart(9)} tx/s   →  tx_broadcast sync runs at ${(broadcast.requestsPerSecond / admission).toFixed(2)}× the admission rate (${directAdmitted.toLocaleString('en-US')} admitted)`,
  )
  console.log(`chain_status: ${statusFailures} answers without a result`)
  console.log(
    `tx_broadcast admitted ${admitted.toLocaleString('en-US')} of ${REQUESTS.toLocaleString('en-US')} transactions; ${blocks} blocks committed meanwhile${refusals.size === 0 ? '' : `; refused: ${[...refusals].map(([k, v]) => `${k} ×${v}`).join(', ')}`}`,
  )
  await new Promise<void>((resolve) => raw.close(() => resolve()))

  // Block production under a subscription flood.
  const wsUrl = `ws://${config.rpc.listen}/`
  const blocksPerSecond = async (): Promise<number> => {
    const from = node.chain.height
    const started = Date.now()
    await new Promise((resolve) => setTimeout(resolve, FLOOD_SECONDS * 1000))
    return (node.chain.height - from) / ((Date.now() - started) / 1000)
  }
  const flood = async (url: string, spread: boolean) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        new URL('./harness-rpc-flood.ts', import.meta.url).pathname,
        url,
        String(FLOOD_SOCKETS),
        String(FLOOD_SUBS),
        '1',
        spread ? '1' : '0',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const deadline = Date.now() + 30_000
    while (!out.includes('ready') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    const rate = await blocksPerSecond()
    child.kill('SIGTERM')
    await exited
    const counts = JSON.parse(out.split('\n').find((line) => line.startsWith('{')) ?? '{}')
    return { rate, counts }
  }
  const lifted = await createRpcServer({
    backend: new NodeRpcBackend(node, node.txIndex),
    listen: { host: '127.0.0.1', port: 0 },
    log,
    limits: {
      ...config.rpc.limits,
      maxConnectionsPerIp: 1e9,
      maxSubscriptionsPerIp: 1e9,
      maxSubscriptionsPerClient: 1e9,
      replayBacklogBlocks: 1e12,
      replayBlocksPerSecond: 1e12,
      replayBytesPerSecond: 1e15,
      replayChunkBlocks: 1e9,
    },
  })
  // Let the broadcast runs' blocks and index work finish before the quiet baseline.
  const settle = Date.now() + 30_000
  while (node.mempool.size > 0 && Date.now() < settle) await new Promise((resolve) => setTimeout(resolve, 100))
  await new Promise((resolve) => setTimeout(resolve, 3000))
  const floodHeight = node.chain.height
  const quiet = await blocksPerSecond()
  const oneAddress = await flood(wsUrl, false)
  const manyAddresses = await flood(wsUrl, true)
  const unbounded = await flood(lifted.address.wsUrl, true)
  const quietAfter = await blocksPerSecond()
  await lifted.close()
  const quietRate = (quiet + quietAfter) / 2
  const line = (name: string, run: { rate: number; counts: Record<string, unknown> }) =>
    console.log(
      `${name.padEnd(52)} ${run.rate.toFixed(2)} blocks/s  ${(run.rate / quietRate).toFixed(2)}× quiet  ${JSON.stringify(run.counts)}`,
    )
  console.log(
    `\nblock production under a subscription flood: ${FLOOD_SOCKETS} WebSockets × ${FLOOD_SUBS} subscribe newBlocks fromHeight 1 (chain at height ${floodHeight}), ${FLOOD_SECONDS} s each`,
  )
  console.log(`${'quiet (before / after the floods)'.padEnd(52)} ${quiet.toFixed(2)} / ${quietAfter.toFixed(2)} blocks/s`)
  line('flood from one address, default limits', oneAddress)
  line(`flood from ${FLOOD_SOCKETS} addresses, default limits`, manyAddresses)
  line(`flood from ${FLOOD_SOCKETS} addresses, replay bounds lifted`, unbounded)
  const d = DEFAULT_LIMITS
  console.log(
    `defaults: maxConnectionsPerIp ${d.maxConnectionsPerIp}, maxSubscriptionsPerIp ${d.maxSubscriptionsPerIp}, replayBacklogBlocks ${d.replayBacklogBlocks}, replayBlocksPerSecond ${d.replayBlocksPerSecond}, replayBytesPerSecond ${d.replayBytesPerSecond}, replayChunkBlocks ${d.replayChunkBlocks}`,
  )
} finally {
  await stop()
}
process.exit(0)
