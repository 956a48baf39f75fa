// npm run devnet -- [--validators 4] [--full-nodes 0] [--block-time 200] [--dir DIR] [--reset] [--chain-id ID]
//                   [--rounds N] [--trainers 8] [--aggregators 1] [--rule fedavg] [--partition iid] [--no-training] …
// Lays out (or, with --dir on an existing devnet, reopens) homes and a genesis for N validators on
// loopback, starts each as its own `fedra start` process, and by default trains MNIST together:
// subnet 0 created, trainers and an aggregator started as their own processes, one line per round
// (src/devnet/training.ts). With --no-training it shows height, peers and block time every second.
// Ctrl-C stops everything. The same command run again resumes from the stored data.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { DevnetError } from '../src/devnet/errors.js'
import {
  ACCOUNT_BALANCE,
  DEVNET_PASSPHRASE,
  type DevnetLayout,
  checkLayoutOptions,
  createDevnet,
  DEVNET_SELF_BOND,
  devnetAccountName,
  devnetOperatorName,
  layoutOptions,
  loadDevnet,
} from '../src/devnet/layout.js'
import { NodeProcess, waitFor } from '../src/devnet/process.js'
import { FedraClient } from '../src/client/index.js'
import { datanetAccountsNeeded, setupDevnetDatanet } from '../src/devnet/datanet.js'
import { DevnetTraining, SCORER_ROWS, parseDevnetDp, standingsTable, summaryTable, trainingAppState } from '../src/devnet/training.js'

const USAGE = `usage: npm run devnet -- [options]
  --validators N     validators (default 4)
  --full-nodes M     extra non-validating nodes (default 0)
  --block-time MS    pause after each commit, ~ the idle block time (default 200)
  --dir DIR          keep homes and data in DIR (default: a temp dir removed on exit);
                     run the same command again to resume the devnet stored there
  --reset            with --dir: delete the devnet stored in DIR and lay out a new one
  --chain-id ID      chain id (default fedra-devnet-1)
  --accounts K       funded accounts account0…, in DIR/keyring with passphrase "${DEVNET_PASSPHRASE}" (default 16)
  --rpc-port P       validator0's JSON-RPC port (default 26657 if free, so the CLI finds it; 0: any free port)
training (on by default; docs/training.md):
  --datanet          the trainers' data as a curated private Datanet (one record per part, one rejected);
                     every trainer declares its record with each update, so lineage credits the contributors
  --worker           trainers train in a worker thread (\`fedra trainer --worker\`)
  --dp Z:EPS[:C]     a DP subnet: trainers clip to C (default 1) and add noise z·C; the budget ε at δ 1e-5
                     refuses rounds once spent and the trainers stop (docs/privacy.md)
  --secagg           a secure-aggregation subnet (rule secagg-fedavg, int32 masked updates, sample cap 512):
                     trainers set up round keys and self-mask seeds, double-mask their updates and reveal
                     self shares of survivors and key shares of dropped ones; nobody sees
                     a single update (docs/privacy.md); scorers judge each round's aggregate as a group
  --dump-plain       TESTS ONLY, defeats --secagg: trainers write their plaintext updates to DIR/roles/trainer<i>-plain
                     (needs FEDRA_TEST_DUMP=1 in the environment)
  --private          a private subnet: its admin publishes the envelope key set at setup (validators, the
                     aggregators, the full nodes and scorers as readers); trainers seal their updates (docs/privacy.md)
  --gov-period S     governance's deposit and voting periods, in seconds of block time (default: x/gov's
                     two days; a devnet wants a few seconds to try proposals end to end)
  --no-training      the plain chain: no subnet, no trainers
  --rounds N         stop after N rounds with a summary table (default: run until Ctrl-C)
  --trainers T       trainers, each its own process on part i of T of MNIST (default 8)
  --aggregators A    aggregators (default 1)
  --liars L          of the aggregators, L submit a tampered aggregate first (default 0)
  --rule NAME        aggregation rule: fedavg, median, trimmed:0.2, krum, multikrum, … (default fedavg)
  --partition P      iid, dirichlet:ALPHA or shards:K (default iid)
  --attackers F:KIND[,F:KIND…]  e.g. 0.3:signflip, or 0.1:signflip,0.1:copy,0.1:freeride (the last trainers attack)
  --rows N           only the first N MNIST training digits (default all 8000; 7000 while validators score)
  --scoring M        validators score every round by marginal, loo or shapley, or none (default marginal);
                     rounds are reported when they close, with the top contributor, rewards and slashes
  --epochs E         local epochs per round (default 1)
  --lr RATE          trainers' learning rate (default 0.1)
  --model mlp|cnn    MLP 784-200-10 (default) or the small CNN (tfjs-wasm, slower per round)
  --submit-window B, --aggregate-window B, --gap B   round timing in blocks (default 20, 10, 1)
`
const DEFAULTS = { validators: 4, fullNodes: 0, commitDelayMs: 200, chainId: 'fedra-devnet-1', accounts: 16 }
const OPTION_NAMES = {
  validators: '--validators',
  fullNodes: '--full-nodes',
  commitDelayMs: '--block-time',
  chainId: '--chain-id',
  accounts: '--accounts',
}

function fail(message: string, code: number, usage = false): never {
  process.stderr.write(`error: ${message}\n${usage ? `\n${USAGE}` : ''}`)
  process.exit(code)
}

let values: ReturnType<typeof parse>['values']
function parse() {
  return parseArgs({
    options: {
      validators: { type: 'string' },
      'full-nodes': { type: 'string' },
      'block-time': { type: 'string' },
      dir: { type: 'string' },
      reset: { type: 'boolean', default: false },
      'chain-id': { type: 'string' },
      accounts: { type: 'string' },
      'rpc-port': { type: 'string' },
      'no-training': { type: 'boolean', default: false },
      datanet: { type: 'boolean', default: false },
      'gov-period': { type: 'string' },
      worker: { type: 'boolean', default: false },
      dp: { type: 'string' },
      secagg: { type: 'boolean', default: false },
      'dump-plain': { type: 'boolean', default: false },
      private: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      trainers: { type: 'string' },
      aggregators: { type: 'string' },
      liars: { type: 'string' },
      rule: { type: 'string' },
      partition: { type: 'string' },
      attackers: { type: 'string' },
      rows: { type: 'string' },
      epochs: { type: 'string' },
      lr: { type: 'string' },
      model: { type: 'string' },
      scoring: { type: 'string' },
      'submit-window': { type: 'string' },
      'aggregate-window': { type: 'string' },
      gap: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  })
}
try {
  values = parse().values
} catch (error) {
  // A mistyped flag gets the usage, not a stack trace.
  fail((error as Error).message, 2, true)
}

if (values.help) {
  process.stdout.write(USAGE)
  process.exit(0)
}

function count(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < min || n > max) fail(`--${name} must be an integer in ${min}..${max}`, 2)
  return n
}

/** Only what was typed: a resumed devnet keeps its stored values for anything not given. */
const given = {
  validators: count('validators', values.validators, 1, 50),
  fullNodes: count('full-nodes', values['full-nodes'], 0, 50),
  commitDelayMs: count('block-time', values['block-time'], 0, 60_000),
  chainId: values['chain-id'],
  accounts: count('accounts', values.accounts, 0, 10_000),
}
const rpcPort = count('rpc-port', values['rpc-port'], 0, 65_535) ?? 26657
const govPeriod = count('gov-period', values['gov-period'], 2, 10_000_000)
/** Gov's periods for --gov-period S: deposit and voting S seconds, expedited voting half of it (it must be shorter). */
const govPeriodParams = (seconds: number) => ({
  max_deposit_period: String(seconds * 1000),
  voting_period: String(seconds * 1000),
  expedited_voting_period: String(seconds * 500),
})
const training = values['no-training']
  ? null
  : {
      rounds: count('rounds', values.rounds, 1, 100_000),
      trainers: count('trainers', values.trainers, 1, 256) ?? 8,
      aggregators: count('aggregators', values.aggregators, 1, 64) ?? 1,
      liars: count('liars', values.liars, 0, 64) ?? 0,
      rule: values.secagg ? 'secagg-fedavg' : (values.rule ?? 'fedavg'),
      partition: values.partition ?? 'iid',
      attackers: values.attackers,
      rows: count('rows', values.rows, 10, 8000),
      epochs: count('epochs', values.epochs, 1, 100) ?? 1,
      lr: values.lr === undefined ? 0.1 : Number(values.lr),
      model: (values.model ?? 'mlp') as 'mlp' | 'cnn',
      scoring: (values.scoring ?? 'marginal') as 'loo' | 'marginal' | 'shapley' | 'none',
      // A secagg round takes updates in the second half of its submit window only (the first is the
      // setup phase); its trainers train during the first, so 20 blocks do for the MLP (docs/training.md).
      submitWindow: count('submit-window', values['submit-window'], 1, 100_000) ?? 20,
      aggregateWindow: count('aggregate-window', values['aggregate-window'], 1, 100_000) ?? 10,
      gap: count('gap', values.gap, 1, 100_000) ?? 1,
      seed: 1,
      datanet: values.datanet,
      worker: values.worker,
      secagg: values.secagg,
      dumpPlain: values['dump-plain'],
      private: values.private,
      ...(values.dp === undefined
        ? {}
        : { dp: parseDevnetDp(values.dp) ?? fail('--dp is NOISE:EPSILON[:CLIP], e.g. 1:10 (noise ≥ 0.1)', 2) }),
    }
if (training !== null) {
  if (!(training.lr > 0 && training.lr < 10)) fail('--lr must be a positive number below 10', 2)
  if (training.model !== 'mlp' && training.model !== 'cnn') fail('--model is mlp or cnn', 2)
  if (!['loo', 'marginal', 'shapley', 'none'].includes(training.scoring)) fail('--scoring is loo, marginal, shapley or none', 2)
  if (training.scoring !== 'none' && training.rows !== undefined && training.rows > SCORER_ROWS)
    fail(`--rows must be at most ${SCORER_ROWS} while validators score (the scorers hold out the last 1000 training digits)`, 2)
  if (values.secagg && values.rule !== undefined && values.rule !== 'secagg-fedavg')
    fail('--secagg aggregates with secagg-fedavg: leave out --rule', 2)
  if (values.secagg && training.dp !== undefined) fail('--secagg with --dp: not tried together yet', 2)
  if (values['dump-plain'] && process.env.FEDRA_TEST_DUMP !== '1')
    fail('--dump-plain writes plaintext updates (it defeats secure aggregation): tests only, with FEDRA_TEST_DUMP=1', 2)
  if (training.liars >= training.aggregators) fail('--liars must be fewer than --aggregators (an honest one completes the round)', 2)
  if (!/^(iid|dirichlet:[0-9.]+|shards:[1-9][0-9]*)$/.test(training.partition)) fail('--partition is iid, dirichlet:ALPHA or shards:K', 2)
  if (training.attackers !== undefined && !/^0?\.[0-9]+:[a-z]+(:[0-9.]+)?(,0?\.[0-9]+:[a-z]+(:[0-9.]+)?)*$/.test(training.attackers))
    fail('--attackers is FRACTION:ATTACK[,FRACTION:ATTACK…], e.g. 0.3:signflip or 0.1:signflip,0.2:freeride', 2)
  // The trainers and aggregators are funded accounts account1…: lay out enough of them.
  const needed = training.datanet ? datanetAccountsNeeded(training) : 1 + training.trainers + training.aggregators
  if (needed > (given.accounts ?? DEFAULTS.accounts)) given.accounts = needed
}
const keep = values.dir !== undefined
if (values.reset && !keep) fail('--reset needs --dir (a devnet without --dir is new each time)', 2)
const dir = keep ? resolve(values.dir!) : mkdtempSync(join(tmpdir(), 'fedra-devnet-'))
const pidFile = join(dir, 'devnet.pid')

function runningPid(): number | null {
  if (!existsSync(pidFile)) return null
  const pid = Number(readFileSync(pidFile, 'utf8'))
  try {
    process.kill(pid, 0)
    return pid
  } catch {
    return null
  }
}

async function openLayout(): Promise<{ layout: DevnetLayout; resumed: boolean }> {
  const other = runningPid()
  if (other !== null && other !== process.pid)
    throw new DevnetError('ALREADY_RUNNING', `a devnet (pid ${other}) is already running from ${dir}; stop it first`, {
      path: dir,
      pid: other,
    })
  if (values.reset && loadDevnet(dir) !== null) rmSync(dir, { recursive: true, force: true })
  const stored = loadDevnet(dir)
  if (stored !== null) {
    checkLayoutOptions(stored, given, OPTION_NAMES)
    return { layout: stored, resumed: true }
  }
  const options = { ...DEFAULTS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) }
  const appState = {
    ...(training === null ? {} : trainingAppState(training)),
    ...(govPeriod === undefined ? {} : { gov: { params: govPeriodParams(govPeriod) } }),
  }
  return {
    layout: await createDevnet({
      dir,
      ...options,
      keyring: true,
      preferredRpcPort: rpcPort,
      ...(Object.keys(appState).length === 0 ? {} : { appState }),
    }),
    resumed: false,
  }
}

let opened: Awaited<ReturnType<typeof openLayout>>
try {
  opened = await openLayout()
} catch (error) {
  if (!(error instanceof DevnetError)) throw error
  fail(error.message, error.code === 'ALREADY_RUNNING' ? 1 : 2)
}
const { layout, resumed } = opened
writeFileSync(pidFile, String(process.pid))

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
const stored = layoutOptions(layout)
const processes = layout.nodes.map((node) => new NodeProcess(node))
for (const p of processes) {
  p.onUnexpectedExit((code, signal) => {
    const why = p
      .logTail(3)
      .map((line) => `    ${line.slice(0, 300)}`)
      .join('\n')
    process.stdout.write(`\n${p.node.name} exited (${signal ?? `code ${code}`}); the end of ${join(p.node.home, 'node.log')}:\n${why}\n\n`)
  })
  p.start()
  // Its pid in its home: a test that must clean up after a killed devnet script ends exactly these.
  writeFileSync(join(p.node.home, 'node.pid'), String(p.pid))
}
const shown = (path: string) => (relative(process.cwd(), path).startsWith('..') ? path : `./${relative(process.cwd(), path)}`)
process.stdout.write(
  `devnet ${layout.chainId}: ${plural(stored.validators, 'validator', 'validators')}, ${plural(stored.fullNodes, 'full node', 'full nodes')} in ${dir}${resumed ? ' (resumed from its stored data)' : ''}\n`,
)
for (const node of layout.nodes) {
  process.stdout.write(
    `  ${node.name.padEnd(12)} rpc http://127.0.0.1:${node.rpcPort}/  p2p ${node.multiaddr}\n  ${''.padEnd(12)} metrics http://127.0.0.1:${node.metricsPort}/metrics  log ${join(node.home, 'node.log')}\n`,
  )
}
process.stdout.write(
  `\nDashboard: open http://127.0.0.1:${layout.nodes[0]!.rpcPort}/ in a browser (every node serves one at its rpc address; docs/dashboard.md)\n`,
)
if (stored.accounts > 0) {
  const last = devnetAccountName(stored.accounts - 1)
  process.stdout.write(
    `\nFunded accounts ${devnetAccountName(0)}…${last} (${ACCOUNT_BALANCE} ufdr each) are in ${join(dir, 'keyring')}, passphrase "${DEVNET_PASSPHRASE}" (a test passphrase: never for real funds). From another terminal in this folder:\n` +
      `  export FEDRA_HOME=${shown(dir)} FEDRA_PASSPHRASE=${DEVNET_PASSPHRASE}\n` +
      `  node bin/fedra.js status\n` +
      `  node bin/fedra.js tx bank send ${devnetAccountName(0)} "$(node bin/fedra.js keys show ${devnetAccountName(1)} -a)" 1000ufdr\n` +
      `Validator i is operated by the keyring key ${devnetOperatorName(0).replace('0', '<i>')} (self-bond ${DEVNET_SELF_BOND} ufdr, power ${DEVNET_SELF_BOND / 1_000_000n}): it signs their staking and slashing transactions, e.g.\n` +
      `  node bin/fedra.js query staking validators\n` +
      `  node bin/fedra.js tx slashing unjail ${devnetOperatorName(0)}\n`,
  )
}
process.stdout.write(`\nCtrl-C stops every node.${keep ? ' The same command resumes this devnet; --reset starts over.' : ''}\n\n`)

const seen = new Map<string, { height: number; at: number }>()
const blockTimes = new Map<string, number>()
const tty = process.stdout.isTTY
let lines = 0

/** Staking's view of the set, by moniker (validator<i>), from the first node that answers; empty if none does. */
async function stakingByMoniker(): Promise<Map<string, { power: string; jailed: boolean; status: string }>> {
  const byMoniker = new Map<string, { power: string; jailed: boolean; status: string }>()
  for (const p of processes) {
    if (!p.running) continue
    try {
      const response = await fetch(`http://127.0.0.1:${p.node.rpcPort}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'staking_validators', params: {} }),
        signal: AbortSignal.timeout(800),
      })
      const answer = (await response.json()) as {
        result?: { validators: { moniker: string; power: string; jailed: boolean; status: string }[] }
      }
      for (const v of answer.result?.validators ?? []) byMoniker.set(v.moniker, v)
      return byMoniker
    } catch {
      // The next node may answer.
    }
  }
  return byMoniker
}

/** "power 10", "power 10 jailed", "unbonding", … as staking sees the validator. */
function standing(v: { power: string; jailed: boolean; status: string } | undefined): string {
  if (v === undefined) return ''
  return `  power ${v.status === 'bonded' ? v.power : 0}${v.jailed ? ' jailed' : ''}${v.status !== 'bonded' ? ` (${v.status})` : ''}`
}

async function show(): Promise<void> {
  const staking = await stakingByMoniker()
  const rows = await Promise.all(
    processes.map(async (p) => {
      const status = await p.status(800)
      if (status === null) return `${p.node.name.padEnd(12)} ${p.running ? 'starting…' : 'stopped'}`
      const before = seen.get(p.node.name)
      const now = Date.now()
      if (before !== undefined && status.height > before.height)
        blockTimes.set(p.node.name, (now - before.at) / (status.height - before.height))
      if (before === undefined || status.height !== before.height) seen.set(p.node.name, { height: status.height, at: now })
      const blockMs = blockTimes.get(p.node.name)
      return `${p.node.name.padEnd(12)} height ${String(status.height).padStart(6)}  round ${status.round}  peers ${status.peers}  mempool ${status.mempool.size}  block time ${blockMs === undefined ? '—' : `${Math.round(blockMs)} ms`}${status.syncing ? '  syncing' : ''}${standing(staking.get(p.node.name))}`
    }),
  )
  if (tty && lines > 0) process.stdout.write(`\x1b[${lines}A`)
  for (const row of rows) process.stdout.write(tty ? `\x1b[2K${row}\n` : `${row}\n`)
  lines = rows.length
  if (!tty) process.stdout.write('\n')
}

const timer = training === null ? setInterval(() => void show(), tty ? 1000 : 5000) : undefined
let stopping = false
let trainingRun: DevnetTraining | null = null
async function shutdown(code = 0): Promise<void> {
  if (stopping) return
  stopping = true
  clearInterval(timer)
  process.stdout.write('\nstopping…\n')
  await trainingRun?.stop()
  await Promise.all(processes.map((p) => p.stop()))
  if (keep) rmSync(pidFile, { force: true })
  else rmSync(dir, { recursive: true, force: true })
  process.stdout.write(keep ? `stopped; data kept in ${dir}\n` : 'stopped\n')
  process.exit(code)
}
process.on('SIGINT', () => void shutdown())
process.on('SIGTERM', () => void shutdown())

if (training !== null) {
  const out = (text: string) => void process.stdout.write(text)
  trainingRun = new DevnetTraining(layout, { ...training, out })
  try {
    await waitFor('validator0 to commit a block', async () => ((await processes[0]!.status(800))?.height ?? 0) >= 2, 120_000, 250)
    // The Datanet before the trainers: each looks up its record when it starts.
    if (training.datanet) {
      const client = new FedraClient({ url: `http://127.0.0.1:${layout.nodes[0]!.rpcPort}/`, timeoutMs: 60_000 })
      await setupDevnetDatanet(client, { ...training, out }).finally(() => client.close())
    }
    // Roles first: they wait for the subnet, so round 0 (opened the block after its creation) finds them ready.
    trainingRun.start()
    await trainingRun.ready()
    await trainingRun.setup()
    const lines = await trainingRun.follow()
    if (training.rounds !== undefined && !stopping) {
      const first = await trainingRun.blockTimeMs()
      out(`\n${summaryTable(lines, first)}`)
      for (const r of await trainingRun.rejections())
        out(`rejected aggregate in chain round ${r.round}: ${r.aggregator}, slashed ${r.slashed} ufdr of its bond\n`)
      if (training.scoring !== 'none') out(`\n${standingsTable(await trainingRun.standings())}`)
      await shutdown(0)
    }
  } catch (error) {
    out(`\ntraining failed: ${(error as Error).message}\n`)
    await shutdown(1)
  }
}
