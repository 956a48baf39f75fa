// npm run devnet -- [--validators 4] [--full-nodes 0] [--block-time 200] [--dir DIR] [--chain-id ID]
// Creates homes and a genesis for N validators on loopback, starts each as its own `fedra start`
// process, shows height, peers and block time every second, and stops them all on Ctrl-C.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createDevnet } from '../src/devnet/layout.js'
import { NodeProcess } from '../src/devnet/process.js'

const { values } = parseArgs({
  options: {
    validators: { type: 'string', default: '4' },
    'full-nodes': { type: 'string', default: '0' },
    'block-time': { type: 'string', default: '200' },
    dir: { type: 'string' },
    'chain-id': { type: 'string', default: 'fedra-devnet-1' },
    accounts: { type: 'string', default: '16' },
    help: { type: 'boolean', default: false },
  },
})

if (values.help) {
  process.stdout.write(`usage: npm run devnet -- [options]
  --validators N     validators (default 4)
  --full-nodes M     extra non-validating nodes (default 0)
  --block-time MS    pause after each commit, ~ the idle block time (default 200)
  --dir DIR          keep homes and data in DIR (default: a temp dir removed on exit)
  --chain-id ID      chain id (default fedra-devnet-1)
  --accounts K       funded accounts in genesis, seeds in DIR/devnet.json (default 16)
`)
  process.exit(0)
}

function count(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`error: --${name} must be an integer in ${min}..${max}\n`)
    process.exit(2)
  }
  return n
}

const validators = count('validators', values.validators, 1, 50)
const fullNodes = count('full-nodes', values['full-nodes'], 0, 50)
const blockTime = count('block-time', values['block-time'], 0, 60_000)
const accounts = count('accounts', values.accounts, 0, 10_000)
const keep = values.dir !== undefined
const dir = keep ? resolve(values.dir!) : mkdtempSync(join(tmpdir(), 'fedra-devnet-'))

const layout = await createDevnet({ dir, validators, fullNodes, chainId: values['chain-id']!, commitDelayMs: blockTime, accounts })
const processes = layout.nodes.map((node) => new NodeProcess(node))
for (const p of processes) p.start()
process.stdout.write(`devnet ${layout.chainId}: ${validators} validators, ${fullNodes} full nodes in ${dir}\n`)
for (const node of layout.nodes) process.stdout.write(`  ${node.name.padEnd(12)} p2p ${node.multiaddr}\n  ${''.padEnd(12)} metrics http://127.0.0.1:${node.metricsPort}/metrics  log ${join(node.home, 'node.log')}\n`)
process.stdout.write('Ctrl-C stops every node.\n\n')

const seen = new Map<string, { height: number; at: number }>()
const blockTimes = new Map<string, number>()
const tty = process.stdout.isTTY
let lines = 0

async function show(): Promise<void> {
  const rows = await Promise.all(
    processes.map(async (p) => {
      const status = await p.status(800)
      if (status === null) return `${p.node.name.padEnd(12)} ${p.running ? 'starting…' : 'stopped'}`
      const before = seen.get(p.node.name)
      const now = Date.now()
      if (before !== undefined && status.height > before.height) blockTimes.set(p.node.name, (now - before.at) / (status.height - before.height))
      if (before === undefined || status.height !== before.height) seen.set(p.node.name, { height: status.height, at: now })
      const blockMs = blockTimes.get(p.node.name)
      return `${p.node.name.padEnd(12)} height ${String(status.height).padStart(6)}  round ${status.round}  peers ${status.peers}  mempool ${status.mempool.size}  block time ${blockMs === undefined ? '—' : `${Math.round(blockMs)} ms`}${status.syncing ? '  syncing' : ''}`
    }),
  )
  if (tty && lines > 0) process.stdout.write(`\x1b[${lines}A`)
  for (const row of rows) process.stdout.write(tty ? `\x1b[2K${row}\n` : `${row}\n`)
  lines = rows.length
  if (!tty) process.stdout.write('\n')
}

const timer = setInterval(() => void show(), tty ? 1000 : 5000)
let stopping = false
async function shutdown(): Promise<void> {
  if (stopping) return
  stopping = true
  clearInterval(timer)
  process.stdout.write('\nstopping…\n')
  await Promise.all(processes.map((p) => p.stop()))
  if (!keep) rmSync(dir, { recursive: true, force: true })
  process.stdout.write(keep ? `stopped; data kept in ${dir}\n` : 'stopped\n')
  process.exit(0)
}
process.on('SIGINT', () => void shutdown())
process.on('SIGTERM', () => void shutdown())
