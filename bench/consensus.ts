// npm run bench -- consensus [--rate 1200] [--seconds 30] [--idle-seconds 15] [--senders N] [--tick 100] [--tx-index off|on]
//                            [--overload [--factor 3] [--txs-per-sender 4] [--warmup-seconds 5]] [--keep-logs DIR]
//                            [--modules default|core]
// Four validators as separate `fedra start` processes on loopback. Phase 1: idle, p50 block time.
// Phase 2: a load generator joins the p2p network as a peer and gossips pre-signed transfers at a
// steady rate, one batch per --tick ms (as a node relaying its clients' txs would); it reads the
// committed blocks back over the block-sync protocol and reports committed tx/s, p50/p95 commit
// latency (submit → header time of the including block) and block time. Baselines in the same
// run: the same transfers executed and committed by one in-process Application with no consensus
// or network (the single-node ceiling), and this machine's raw ed25519 verify rate.
//
// Each sender signs only --txs-per-sender (4) transfers, offered together, and senders differ
// between phases: a node that pushes back (a full mempool, gossip admission shedding load)
// refuses some transactions, and every later transaction of that sender then has a nonce gap
// (see signTransfers for why they are not spread over the phase); a few long-lived senders (the
// old default, --senders 400) measure the load generator running out of valid transactions as
// soon as anything is refused, rather than the chain.
//
// --modules core: the same with auth + bank only (validators in genesis.validators, no staking,
// distribution, slashing, subnets or training in any block), nodes and baseline alike: the
// default chain's ratio against this one's is what those modules cost (issue 18).
//
// --overload: the load phase measures capacity (what is committed while --rate is offered), then
// a second phase offers --factor × that capacity for as long; it prints both committed rates, their
// ratio and the rounds heights were decided in.
import '../src/p2p/polyfill.js'
import { parseArgs } from 'node:util'
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { encode } from '../src/codec/index.js'
import { createDevnet, devnetAccount } from '../src/devnet/layout.js'
import { NodeProcess, waitFor } from '../src/devnet/process.js'
import { MsgSend, defaultRegistry } from '../src/modules/index.js'
import { Application, StateDB, loadGenesisFile, signTx } from '../src/state/index.js'
import { tempDir } from '../test/helpers/chain.js'
import { coreChainRegistry } from './harness-core-node.js'
import { LoadGenerator, type LoadResult, quantile, rawVerifyRate, verdictCacheSaving } from './harness-consensus.js'

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1200' },
    seconds: { type: 'string', default: '30' },
    'idle-seconds': { type: 'string', default: '15' },
    // Long-lived senders, round robin (the scheme before issue 16); without it, fresh senders of --txs-per-sender each.
    senders: { type: 'string' },
    'block-time': { type: 'string', default: '200' },
    tick: { type: 'string', default: '100' },
    // Validators usually keep no tx index (CometBFT's indexer = "null"); `on` measures them with one.
    'tx-index': { type: 'string', default: 'off' },
    overload: { type: 'boolean', default: false },
    factor: { type: 'string', default: '3' },
    'txs-per-sender': { type: 'string', default: '4' },
    // --overload: an unreported load first, so both measured phases start with the budgets learned and the code warm.
    'warmup-seconds': { type: 'string', default: '5' },
    // Copies each validator's node.log here before the devnet is removed.
    'keep-logs': { type: 'string' },
    modules: { type: 'string', default: 'default' },
  },
})
if (values.modules !== 'default' && values.modules !== 'core') throw new Error('--modules is default or core')
const core = values.modules === 'core'
const rate = Number(values.rate)
const seconds = Number(values.seconds)
const idleSeconds = Number(values['idle-seconds'])
const overload = values.overload
const factor = Number(values.factor)
const perSender = Number(values['txs-per-sender'])
const warmupTxs = overload ? Math.round(rate * Number(values['warmup-seconds'])) : 0
const CHAIN_ID = 'fedra-bench-1'
// Room for the overload phase to offer factor × a capacity up to 20 % above the offered rate.
const overloadTxs = Math.ceil(factor * rate * 1.2 * seconds)
const phaseSenders = (count: number) => Math.ceil(count / perSender)
const longLived = values.senders === undefined ? null : Number(values.senders)
const senders = overload
  ? phaseSenders(warmupTxs) + phaseSenders(rate * seconds) + phaseSenders(overloadTxs)
  : (longLived ?? phaseSenders(rate * seconds))

const keys = new Map<number, ReturnType<typeof devnetAccount>>()
const keyOf = (i: number) => {
  let key = keys.get(i)
  if (key === undefined) keys.set(i, (key = devnetAccount(i)))
  return key
}

/**
 * `count` transfers from senders first..first+senderCount−1, each sender's in nonce order. Fresh
 * senders send theirs together, one after another (a client's burst): a transfer refused or shed
 * then leaves a nonce gap only in the rest of that burst. Long-lived senders (--senders) take
 * turns, round robin. Fresh senders took turns too until the overload runs showed what it costs:
 * each sender's --txs-per-sender transfers were spread over the whole phase, so one refused in
 * its first quarter made the sender's next ones invalid, and in the last quarter of a 60 s run
 * at 3× most offered transfers had a nonce gap; the validators' pools ran empty for 12 s.
 */
function signTransfers(count: number, first: number, senderCount: number): Uint8Array[] {
  const txs: Uint8Array[] = []
  const roundRobin = longLived !== null && !overload
  const perSender = Math.ceil(count / senderCount)
  for (let i = 0; i < count; i++) {
    const sender = roundRobin ? i % senderCount : Math.floor(i / perSender)
    const nonce = roundRobin ? Math.floor(i / senderCount) : i % perSender
    const from = first + sender
    const to = first + ((sender + 1) % senderCount)
    txs.push(
      signTx(keyOf(from), {
        chainId: CHAIN_ID,
        nonce: BigInt(nonce),
        fee: 200n,
        gasLimit: 200_000n,
        messages: [encode(MsgSend, { to: keyOf(to).publicKey.addressBytes, amount: [{ denom: 'ufdr', amount: 1n }] })],
        memo: '',
      }),
    )
  }
  return txs
}

const dir = tempDir('fedra-bench-consensus-')
console.log(`deriving ${senders} accounts…`)
for (let i = 0; i < senders; i++) keyOf(i)
const layout = await createDevnet({
  dir: dir.path,
  validators: 4,
  fullNodes: 0,
  chainId: CHAIN_ID,
  commitDelayMs: Number(values['block-time']),
  accounts: senders,
})
if (core) {
  // The same validators and accounts, the set in genesis.validators instead of staking's gen_validators.
  for (const node of layout.nodes) {
    const path = join(node.home, 'config', 'genesis.json')
    const genesis = JSON.parse(readFileSync(path, 'utf8'))
    const { staking, distribution: _distribution, ...appState } = genesis.app_state
    genesis.app_state = appState
    genesis.validators = staking.gen_validators.map((v: { moniker: string; pub_key: string }) => ({
      name: v.moniker,
      pub_key: v.pub_key,
      power: '10',
    }))
    writeFileSync(path, `${JSON.stringify(genesis, null, 2)}\n`)
  }
}
const CORE_NODE = ['--import', 'tsx', fileURLToPath(new URL('./harness-core-node.ts', import.meta.url))]
const nodes = layout.nodes.map((node) => new NodeProcess(node, core ? { entry: CORE_NODE } : {}))
const cleanup = async () => {
  await Promise.all(nodes.map((n) => n.stop()))
  const keep = values['keep-logs']
  if (keep !== undefined) {
    mkdirSync(keep, { recursive: true })
    layout.nodes.forEach(
      (node, i) => existsSync(join(node.home, 'node.log')) && copyFileSync(join(node.home, 'node.log'), join(keep, `validator${i}.log`)),
    )
  }
  dir.remove()
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)))

/** One process, no consensus, no network: the same txs in blocks of 0.3 s of the offered rate. */
async function singleProcessRate(txs: Uint8Array[]): Promise<number> {
  const baselineDir = tempDir('fedra-bench-baseline-')
  const registry = core ? coreChainRegistry() : defaultRegistry()
  const app = new Application(
    await StateDB.open(join(baselineDir.path, 'state')),
    registry,
    loadGenesisFile(join(layout.nodes[0]!.home, 'config', 'genesis.json'), registry),
  )
  await app.initChain()
  const perBlock = Math.max(1, Math.round(rate * 0.3))
  const started = performance.now()
  for (let i = 0, h = 1; i < txs.length; i += perBlock, h++) {
    const executed = app.executeBlock({
      height: h,
      time: BigInt(Date.now()),
      proposer: keyOf(0).publicKey.addressBytes,
      txs: txs.slice(i, i + perBlock),
    })
    await app.commitBlock(executed)
  }
  const result = txs.length / ((performance.now() - started) / 1000)
  await app.db.close()
  baselineDir.remove()
  return result
}

function printLoad(label: string, result: LoadResult): void {
  const { latencies, blocks } = result
  console.log(
    `${label}: offered ${result.offeredRate.toFixed(0)} tx/s for ${seconds} s; committed ${result.committed}/${result.offered} txs in ${blocks.length} blocks`,
  )
  console.log(
    `  committed while offered ${result.windowRate.toFixed(0)} tx/s (${result.inWindow} txs with header time inside the ${result.windowSeconds.toFixed(1)} s of load); including the drain ${result.committedRate.toFixed(0)} tx/s`,
  )
  console.log(`  commit latency p50 ${quantile(latencies, 0.5)} ms, p95 ${quantile(latencies, 0.95)} ms`)
  console.log(
    `  CPU per committed tx: ${result.cpuPerTx.map((c) => c.toFixed(3)).join(' / ')} ms on the four validators, ${result.generatorCpuPerTx.toFixed(3)} ms in the load generator`,
  )
  const late = blocks.filter((b) => b.commit.round > 0)
  const rounds = blocks.reduce((n, b) => n + b.commit.round + 1, 0) / Math.max(1, blocks.length)
  console.log(
    `  heights decided after round 0: ${late.length} of ${blocks.length}${late.length > 0 ? ` (rounds ${late.map((b) => b.commit.round).join(', ')})` : ''}; rounds per height ${rounds.toFixed(2)}`,
  )
  const intervals = blocks
    .slice(1)
    .map((b, i) => b.block.header.time - blocks[i]!.block.header.time)
    .sort((a, b) => a - b)
  const sizes = blocks.map((b) => b.block.txs.length).sort((a, b) => a - b)
  console.log(
    `  block time p50 ${quantile(intervals, 0.5)} ms, p95 ${quantile(intervals, 0.95)} ms; txs/block p50 ${quantile(sizes, 0.5)}, max ${sizes.at(-1) ?? 0}`,
  )
}

try {
  const first = rate * seconds
  const firstSenders = overload ? phaseSenders(first) : (longLived ?? phaseSenders(first))
  console.log(`signing ${first} transfers from ${firstSenders} accounts…`)
  const txs = signTransfers(first, 0, firstSenders)
  const baselineRate = await singleProcessRate(txs)
  const verifyRate = rawVerifyRate()

  const txIndex = values['tx-index']
  if (txIndex !== 'on' && txIndex !== 'off') throw new Error('--tx-index takes on or off')
  for (const node of nodes) node.start({ FEDRA_TX_INDEX_ENABLED: txIndex === 'on' ? 'true' : 'false' })
  await waitFor(
    'validators at height 3',
    async () => (await Promise.all(nodes.map((n) => n.status()))).every((s) => s !== null && s.height >= 3),
    120_000,
  )
  const load = await LoadGenerator.connect(
    CHAIN_ID,
    layout.nodes.map((n) => n.multiaddr),
    nodes,
    Number(values.tick),
  )

  // Phase 1: idle block time from header times.
  const idleFrom = await load.height()
  await new Promise((r) => setTimeout(r, idleSeconds * 1000))
  const idleBlocks = await load.blocks(idleFrom, await load.height())
  const idleIntervals = idleBlocks
    .slice(1)
    .map((b, i) => b.block.header.time - idleBlocks[i]!.block.header.time)
    .sort((a, b) => a - b)

  // Senders of each phase: the capacity phase's first, then the warm-up's, then the overload's.
  let nextSender = firstSenders
  if (warmupTxs > 0) {
    console.log(`warm-up: ${warmupTxs} transfers at ${rate} tx/s, not reported…`)
    await load.run(signTransfers(warmupTxs, nextSender, phaseSenders(warmupTxs)), rate)
    nextSender += phaseSenders(warmupTxs)
  }
  const atCapacity = await load.run(txs, rate)
  let overloaded: LoadResult | null = null
  if (overload) {
    const offered = factor * atCapacity.windowRate
    const count = Math.min(overloadTxs, Math.round(offered * seconds))
    console.log(
      `signing ${count} transfers for ${offered.toFixed(0)} tx/s (${factor}× the ${atCapacity.windowRate.toFixed(0)} tx/s committed)…`,
    )
    overloaded = await load.run(signTransfers(count, nextSender, phaseSenders(count)), count / seconds)
  }
  const saving = verdictCacheSaving(CHAIN_ID, atCapacity.blocks, layout.nodes.length)
  await load.stop()

  console.log(
    `\n4 validators (tx index ${txIndex}; ${core ? 'auth + bank only' : 'the default chain'}), loopback, ${layout.nodes.length} processes on this machine; ${senders} funded accounts`,
  )
  console.log(`raw ed25519 verify (node:crypto, this process): ${verifyRate.toFixed(0)} verifies/s`)
  console.log(
    `idle: ${idleBlocks.length} blocks, block time p50 ${quantile(idleIntervals, 0.5)} ms, p95 ${quantile(idleIntervals, 0.95)} ms`,
  )
  printLoad(overload ? 'capacity' : 'load', atCapacity)
  console.log(
    `committed tx/s ${atCapacity.committedRate.toFixed(0)}  ratio ${(atCapacity.committedRate / baselineRate).toFixed(2)}× single-process execute+commit (${baselineRate.toFixed(0)} tx/s)`,
  )
  if (atCapacity.committed >= 0.97 * atCapacity.offered)
    console.log(
      `  (the validators committed ${((100 * atCapacity.committed) / atCapacity.offered).toFixed(0)} % of what was offered: this ratio is bounded by the offered ${rate} tx/s, not by capacity; a higher --rate measures capacity)`,
    )
  console.log(
    `gossip verdict cache: saves ${saving.perTxMs.toFixed(4)} ms CPU per committed tx per validator (${saving.messagesPerHeight} consensus messages per height not decoded and verified twice: ` +
      `proposal ${saving.proposalMs.toFixed(3)} ms, vote ${saving.voteMs.toFixed(3)} ms each, ${saving.txsPerBlock.toFixed(0)} txs per block)`,
  )
  if (overloaded !== null) {
    printLoad(`overload (${factor}×)`, overloaded)
    const ratio = overloaded.windowRate / Math.max(1e-9, atCapacity.windowRate)
    const roundZero = [atCapacity, overloaded].every((r) => r.blocks.every((b) => b.commit.round === 0))
    console.log(
      `overload: committed ${overloaded.windowRate.toFixed(0)} tx/s offered ${factor}× vs ${atCapacity.windowRate.toFixed(0)} tx/s at capacity → ratio ${ratio.toFixed(2)} (target ≥ 0.90: ${ratio >= 0.9 ? 'met' : 'not met'}); every height decided in round 0: ${roundZero ? 'yes' : 'no'}`,
    )
  }
} finally {
  await cleanup()
}
