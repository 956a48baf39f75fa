// npm run bench -- consensus [--rate 1200] [--seconds 30] [--idle-seconds 15] [--senders 400] [--tick 100] [--tx-index off|on]
// Four validators as separate `fedra start` processes on loopback. Phase 1: idle, p50 block time.
// Phase 2: a load generator joins the p2p network as a peer and gossips pre-signed transfers at a
// steady rate, one batch per --tick ms (as a node relaying its clients' txs would); it reads the
// committed blocks back over the block-sync protocol and reports committed tx/s, p50/p95 commit latency (submit → header time of the including block) and
// block time. Baseline in the same run: the same transfers executed and committed by one
// in-process Application with no consensus or network (the single-node ceiling).
import '../src/p2p/polyfill.js'
import { parseArgs } from 'node:util'
import { encode } from '../src/codec/index.js'
import { toHex } from '../src/crypto/index.js'
import { createDevnet, devnetAccount } from '../src/devnet/layout.js'
import { NodeProcess, waitFor } from '../src/devnet/process.js'
import { MsgSend, defaultRegistry } from '../src/modules/index.js'
import { type StoredBlock, decodeStoredBlock } from '../src/node/block-store.js'
import { syncProtocols } from '../src/node/block-sync.js'
import { TxBatch, SyncRequest, SyncResponse } from '../src/node/schemas.js'
import { P2PHost, topicsFor } from '../src/p2p/index.js'
import { Application, StateDB, loadGenesisFile, signTx, txHash } from '../src/state/index.js'
import { decode } from '../src/codec/index.js'
import { tempDir } from '../test/helpers/chain.js'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1200' },
    seconds: { type: 'string', default: '30' },
    'idle-seconds': { type: 'string', default: '15' },
    senders: { type: 'string', default: '400' },
    'block-time': { type: 'string', default: '200' },
    tick: { type: 'string', default: '100' },
    // Validators usually keep no tx index (CometBFT's indexer = "null"); `on` measures them with one.
    'tx-index': { type: 'string', default: 'off' },
  },
})
const rate = Number(values.rate)
const seconds = Number(values.seconds)
const idleSeconds = Number(values['idle-seconds'])
const senders = Number(values.senders)
const CHAIN_ID = 'fedra-bench-1'

// CPU seconds a process has used (user + system), from /proc: independent of how many other
// processes share the cores, unlike wall time.
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
}

const quantile = (sorted: number[], q: number): number => sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

function signTransfers(count: number): Uint8Array[] {
  const keys = Array.from({ length: senders }, (_, i) => devnetAccount(i))
  const nonces = new Array<bigint>(senders).fill(0n)
  const txs: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const from = i % senders
    const to = (from + 1) % senders
    txs.push(signTx(keys[from]!, {
      chainId: CHAIN_ID,
      nonce: nonces[from]!++,
      fee: 200n,
      gasLimit: 200_000n,
      messages: [encode(MsgSend, { to: keys[to]!.publicKey.addressBytes, amount: [{ denom: 'ufdr', amount: 1n }] })],
      memo: '',
    }))
  }
  return txs
}

const dir = tempDir('fedra-bench-consensus-')
const layout = await createDevnet({ dir: dir.path, validators: 4, fullNodes: 0, chainId: CHAIN_ID, commitDelayMs: Number(values['block-time']), accounts: senders })
const nodes = layout.nodes.map((node) => new NodeProcess(node))
const cleanup = async () => {
  await Promise.all(nodes.map((n) => n.stop()))
  dir.remove()
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)))

try {
  const total = rate * seconds
  console.log(`signing ${total} transfers from ${senders} accounts…`)
  const txs = signTransfers(total)

  // Baseline: one process, no consensus, no network, same txs in blocks of the rate's size.
  const baselineDir = tempDir('fedra-bench-baseline-')
  const registry = defaultRegistry()
  const app = new Application(await StateDB.open(join(baselineDir.path, 'state')), registry, loadGenesisFile(join(layout.nodes[0]!.home, 'config', 'genesis.json'), registry))
  await app.initChain()
  const perBlock = Math.max(1, Math.round(rate * 0.3))
  const baselineStart = performance.now()
  for (let i = 0, h = 1; i < txs.length; i += perBlock, h++) {
    const executed = app.executeBlock({ height: h, time: BigInt(Date.now()), proposer: devnetAccount(0).publicKey.addressBytes, txs: txs.slice(i, i + perBlock) })
    await app.commitBlock(executed)
  }
  const baselineRate = txs.length / ((performance.now() - baselineStart) / 1000)
  await app.db.close()
  baselineDir.remove()

  const txIndex = values['tx-index']
  if (txIndex !== 'on' && txIndex !== 'off') throw new Error('--tx-index takes on or off')
  for (const node of nodes) node.start({ FEDRA_TX_INDEX_ENABLED: txIndex === 'on' ? 'true' : 'false' })
  await waitFor('validators at height 3', async () => (await Promise.all(nodes.map((n) => n.status()))).every((s) => s !== null && s.height >= 3), 120_000)

  // Phase 1: idle block time from header times.
  const load = await P2PHost.create({ seed: new Uint8Array(32).fill(7), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: layout.nodes.map((n) => n.multiaddr) })
  await load.start()
  await waitFor('load generator connected to every validator', async () => load.peers().length >= 4, 30_000)
  const sync = syncProtocols(CHAIN_ID)
  const fetchBlocks = async (from: number, to: number) => {
    const peer = load.peers()[0]!.id
    const bytes = await load.request(peer, sync.blocks, encode(SyncRequest, { from: BigInt(from), to: BigInt(to) }), { timeoutMs: 10_000, maxResponseBytes: 64 * 1024 * 1024 })
    return decode(SyncResponse, bytes).blocks.map(decodeStoredBlock)
  }
  const heightNow = async () => (await nodes[0]!.status())!.height
  const idleFrom = await heightNow()
  await new Promise((r) => setTimeout(r, idleSeconds * 1000))
  const idleTo = await heightNow()
  const idleBlocks: StoredBlock[] = []
  for (let h = idleFrom; h <= idleTo; h += 100) idleBlocks.push(...(await fetchBlocks(h, Math.min(idleTo, h + 99))))
  const idleIntervals = idleBlocks.slice(1).map((b, i) => b.block.header.time - idleBlocks[i]!.block.header.time).sort((a, b) => a - b)

  // Phase 2: steady load, batches every 20 ms.
  const topics = topicsFor(CHAIN_ID)
  const sentAt = new Map<string, number>()
  const loadFrom = await heightNow()
  const cpuBefore = nodes.map((n) => cpuSeconds(n.pid))
  const generatorCpuBefore = process.cpuUsage()
  const tickMs = Number(values.tick)
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000))
  const loadStart = Date.now()
  let sent = 0
  while (sent < txs.length) {
    const due = Math.min(txs.length, Math.floor(((Date.now() - loadStart) / 1000) * rate) + perTick)
    if (due > sent) {
      const batch = txs.slice(sent, due)
      const now = Date.now()
      for (const tx of batch) sentAt.set(toHex(txHash(tx)), now)
      for (let i = 0; i < batch.length; i += 500) await load.publish(topics.txs, encode(TxBatch, { txs: batch.slice(i, i + 500) }))
      sent = due
    }
    await new Promise((r) => setTimeout(r, tickMs))
  }
  const loadEnd = Date.now()
  // Let the pool drain (bounded), then read every block of the load phase back.
  await waitFor('mempools drained', async () => (await Promise.all(nodes.map((n) => n.status()))).every((s) => s !== null && s.mempool.size === 0), 60_000).catch(() => {})
  const loadTo = await heightNow()
  const cpuUsed = nodes.map((n, i) => cpuSeconds(n.pid) - cpuBefore[i]!)
  const generatorCpu = process.cpuUsage(generatorCpuBefore)
  const blocks: StoredBlock[] = []
  for (let h = loadFrom + 1; h <= loadTo; h += 100) blocks.push(...(await fetchBlocks(h, Math.min(loadTo, h + 99))))
  const latencies: number[] = []
  let firstTime = Infinity
  let lastTime = 0
  for (const { block } of blocks) {
    for (const tx of block.txs) {
      const at = sentAt.get(toHex(txHash(tx)))
      if (at === undefined) continue
      latencies.push(block.header.time - at)
      firstTime = Math.min(firstTime, block.header.time)
      lastTime = Math.max(lastTime, block.header.time)
    }
  }
  latencies.sort((a, b) => a - b)
  const loadIntervals = blocks.slice(1).map((b, i) => b.block.header.time - blocks[i]!.block.header.time).sort((a, b) => a - b)
  const committedRate = latencies.length / Math.max(0.001, (Math.max(lastTime, loadEnd) - loadStart) / 1000)
  await load.stop()

  console.log(`\n4 validators (tx index ${txIndex}), loopback, ${layout.nodes.length} processes on this machine; offered ${rate} tx/s for ${seconds} s`)
  console.log(`idle: ${idleBlocks.length} blocks, block time p50 ${quantile(idleIntervals, 0.5)} ms, p95 ${quantile(idleIntervals, 0.95)} ms`)
  console.log(`load: committed ${latencies.length}/${txs.length} txs in ${blocks.length} blocks`)
  console.log(`committed tx/s ${committedRate.toFixed(0)}  ratio ${(committedRate / baselineRate).toFixed(2)}× single-process execute+commit (${baselineRate.toFixed(0)} tx/s)`)
  console.log(`commit latency p50 ${quantile(latencies, 0.5)} ms, p95 ${quantile(latencies, 0.95)} ms`)
  const perTx = (seconds: number) => ((seconds * 1000) / Math.max(1, latencies.length)).toFixed(3)
  console.log(`CPU per committed tx: ${cpuUsed.map((c) => perTx(c)).join(' / ')} ms on the four validators, ${perTx((generatorCpu.user + generatorCpu.system) / 1e6)} ms in the load generator`)
  const laterRounds = blocks.filter((b) => b.commit.round > 0)
  console.log(`heights decided after round 0: ${laterRounds.length} of ${blocks.length}${laterRounds.length > 0 ? ` (rounds ${laterRounds.map((b) => b.commit.round).join(', ')})` : ''}`)
  console.log(`block time under load p50 ${quantile(loadIntervals, 0.5)} ms, p95 ${quantile(loadIntervals, 0.95)} ms, txs/block p50 ${quantile(blocks.map((b) => b.block.txs.length).sort((a, b) => a - b), 0.5)}`)
} finally {
  await cleanup()
}
