import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FedraClient } from '../client/index.js'
import { decodeAddress, toHex } from '../crypto/index.js'
import { type DevnetLayout, type DevnetNode, createDevnet, devnetAccount, freePort } from '../devnet/layout.js'
import { NodeProcess, waitFor } from '../devnet/process.js'
import { DevnetTraining, trainingAppState } from '../devnet/training.js'
import { SeededRandom } from '../fl/random.js'
import { configPath } from '../node/config.js'
import { initHome } from '../node/home.js'
import { loadNodeKey, loadValidatorKey, validatorKeyPath } from '../node/keys.js'
import { peerIdFromSeed } from '../p2p/identity.js'
import { ByzantinePeer } from './byzantine.js'
import { ChainView, type CheckResult, checkAgreement, checkDoubleSigns, checkExactlyOnce } from './checks.js'
import { type Member, type RunContext, statusesOf } from './context.js'
import { crashStep } from './crash-step.js'
import { HarnessError } from './errors.js'
import { nodeChecks } from './final-checks.js'
import { LoadGenerator } from './load.js'
import type { Manifest, Step } from './manifest.js'
import { samplesByNode } from './memory-trend.js'
import { ProxyMesh } from './proxy.js'

const CLOCK_SKEW = fileURLToPath(new URL('./preload/clock-skew.mjs', import.meta.url))
const POWER_REDUCTION = 1_000_000n

export interface RunOptions {
  /** An empty directory for the run's homes and logs. */
  dir: string
  out?: (line: string) => void
  /** Soak: repeat the schedule (its repeatable steps) until this many minutes have passed. */
  soakMinutes?: number
  /** Overrides every crash step's iteration count. */
  iterations?: number
}

/** What one step did, as the report shows it. */
export interface StepRecord {
  index: number
  kind: Step['kind']
  detail: string
  ok: boolean
  /** Time from the end of the perturbation (heal, restart, resume) to the chain progressing again. */
  recoveryMs?: number
  ms: number
}

/** One RSS sample of one node process, from /proc. */
export interface RssSample {
  at: number
  node: string
  rssKiB: number
}

export interface RunResult {
  manifest: string
  ok: boolean
  checks: CheckResult[]
  steps: StepRecord[]
  figures: {
    durationMs: number
    height: number
    acceptedTxs: number
    refusedTxs: number
    /** Accepted transfers the load sent again after a refusal (a lost mempool entry is re-sent, not replaced). */
    rebroadcastTxs: number
    txPerSecond: number
    roundsCompleted: number
    roundMs: number[]
    restarts: number
    proxyBytes: number
  }
  rss: RssSample[]
}

/**
 * Runs one manifest on real `fedra start` processes (docs/reliability.md): lays out the devnet,
 * wires every p2p link through the harness's fault proxies, starts the nodes (and the load and
 * training roles), applies the schedule step by step, and ends with the checks over RPC. Every
 * process it starts it kills, whatever happens.
 */
export class HarnessRun {
  readonly #m: Manifest
  readonly #o: RunOptions
  readonly #out: (line: string) => void
  readonly #random: SeededRandom
  readonly #members = new Map<string, Member>()
  readonly #steps: StepRecord[] = []
  readonly #checks: CheckResult[] = []
  readonly #rss: RssSample[] = []
  readonly #unexpected: string[] = []
  readonly #restartChecks: string[] = []
  #layout!: DevnetLayout
  #mesh: ProxyMesh | null = null
  #load: LoadGenerator | null = null
  #training: DevnetTraining | null = null
  #trainingDone: Promise<unknown> | null = null
  #twin: Member | null = null
  /** Nodes a step is taking down now: the load goes elsewhere. */
  readonly #busy = new Set<string>()
  #restarts = 0
  #rssTimer: NodeJS.Timeout | null = null

  constructor(manifest: Manifest, options: RunOptions) {
    this.#m = manifest
    this.#o = options
    this.#out = options.out ?? (() => {})
    this.#random = new SeededRandom(manifest.seed)
  }

  async run(): Promise<RunResult> {
    const started = Date.now()
    try {
      await this.#setup()
      await this.#schedule()
      await this.#finish()
    } catch (error) {
      this.#checks.push({ name: 'run', ok: false, detail: `${(error as Error).message}${this.#logTails()}` })
    } finally {
      await this.#teardown()
    }
    const height = Math.max(0, ...this.#heights)
    const accepted = this.#load?.accepted.length ?? 0
    const durationMs = Date.now() - started
    return {
      manifest: this.#m.name,
      ok: this.#checks.every((c) => c.ok) && this.#steps.every((s) => s.ok),
      checks: this.#checks,
      steps: this.#steps,
      figures: {
        durationMs,
        height,
        acceptedTxs: accepted,
        refusedTxs: this.#load?.refused ?? 0,
        rebroadcastTxs: this.#load?.rebroadcast ?? 0,
        txPerSecond: accepted / (durationMs / 1000),
        roundsCompleted: this.#training?.lines.length ?? 0,
        roundMs: this.#training?.lines.map((l) => l.roundMs) ?? [],
        restarts: this.#restarts,
        proxyBytes: this.#mesh?.bytes ?? 0,
      },
      rss: this.#rss,
    }
  }

  #heights: number[] = []

  /**
   * Each node's last log lines, for a run that stopped on an error (a wait that timed out says
   * only what it waited for; a chain stuck at height 0 under load once left nothing else to go on).
   */
  #logTails(lines = 8): string {
    const parts = [...this.#members.values()].map((member) => {
      const tail = member.process
        .logTail(lines)
        .filter((line) => line !== '')
        .map((line) => `    ${line.length > 400 ? `${line.slice(0, 400)}…` : line}`)
      const state = member.process.running ? 'running' : member.started ? 'not running' : 'not started'
      return `\n  ${member.name} (${state}), last lines of node.log:\n${tail.join('\n') || '    (none)'}`
    })
    return parts.join('')
  }

  // Setup

  async #setup(): Promise<void> {
    const m = this.#m
    const t = m.training
    const trainingAccounts = t === null ? 0 : 1 + t.trainers + t.aggregators
    const loadAccounts = m.load?.accounts ?? 0
    this.#layout = await createDevnet({
      dir: this.#o.dir,
      validators: m.network.validators.length,
      fullNodes: m.network.fullNodes,
      chainId: `fedra-harness-${m.name}`.slice(0, 40),
      commitDelayMs: m.blockTimeMs,
      accounts: trainingAccounts + loadAccounts,
      // The roles sign with keyring keys account<i> (scrypt: ~0.1 s an account, so only with training).
      keyring: t !== null,
      appState: {
        // Downtime jailing off: the schedule takes validators down on purpose.
        slashing: { params: { min_signed_per_window: '0' } },
        ...(t === null ? {} : trainingAppState({ scoring: 'none' })),
      },
    })
    this.#setPowers()
    const twinStep = m.steps.find((s) => s.kind === 'twin')
    const ports = new Map(this.#layout.nodes.map((n) => [n.name, n.p2pPort]))
    let twinNode: DevnetNode | null = null
    if (twinStep !== undefined) {
      twinNode = await this.#twinHome(this.#layout.nodes.find((n) => n.name === twinStep.node)!)
      ports.set(twinNode.name, twinNode.p2pPort)
    }
    this.#mesh = await ProxyMesh.open(ports)
    const all = twinNode === null ? this.#layout.nodes : [...this.#layout.nodes, twinNode]
    for (const node of all) this.#wire(node, all)
    for (const node of this.#layout.nodes) this.#members.set(node.name, this.#member(node))
    if (twinNode !== null) {
      this.#twin = this.#member(twinNode)
      // The twin proposes-times-out at once, so it prevotes nil where its original prevotes the block: a double sign at its first height.
      this.#twin.env.FEDRA_CONSENSUS_TIMEOUT_PROPOSE_MS = '1'
    }
    this.#rssTimer = setInterval(() => this.#sampleRss(), 5000)
    for (const member of this.#members.values()) if (!m.network.late.includes(member.name)) this.#start(member)
    const running = this.#running()
    await waitFor(
      'every started node at height 2',
      async () => (await this.#statuses(running)).every((s) => s !== null && s.height >= 2),
      m.checks.progressTimeoutMs,
      200,
    )
    this.#out(`[harness] ${m.name}: ${running.length} nodes up at height 2 in ${this.#o.dir}\n`)
    if (m.load !== null) {
      const keys = Array.from({ length: m.load.accounts }, (_, i) => devnetAccount(trainingAccounts + i))
      this.#load = new LoadGenerator(keys, this.#layout.chainId, () => this.#loadUrl(), m.load.txPerSecond, m.seed)
      this.#load.start()
    }
    if (t !== null) {
      this.#training = new DevnetTraining(this.#layout, {
        trainers: t.trainers,
        aggregators: t.aggregators,
        liars: t.liars,
        rule: 'fedavg',
        partition: 'iid',
        rows: t.rows,
        rounds: t.rounds,
        submitWindow: t.submitWindow,
        aggregateWindow: t.aggregateWindow,
        gap: 1,
        epochs: 1,
        lr: 0.1,
        scoring: 'none',
        model: 'mlp',
        seed: m.seed,
        out: (text) => this.#out(`[training] ${text}`),
      })
      this.#training.start()
      await this.#training.ready(m.checks.progressTimeoutMs)
      await this.#training.setup()
      this.#trainingDone = this.#training
        .follow()
        .catch((error: Error) => this.#checks.push({ name: 'training', ok: false, detail: error.message }))
    }
  }

  /** Writes each validator's power into every home's genesis (the devnet bonds them all equally). */
  #setPowers(): void {
    const powers = this.#m.network.validators
    if (powers.every((p) => p === powers[0]) && powers[0] === 10) return
    for (const node of this.#layout.nodes) {
      const path = join(node.home, 'config', 'genesis.json')
      const genesis = JSON.parse(readFileSync(path, 'utf8')) as { app_state: { staking: { gen_validators: { self_bond: string }[] } } }
      genesis.app_state.staking.gen_validators.forEach((v, i) => (v.self_bond = String(BigInt(powers[i]!) * POWER_REDUCTION)))
      writeFileSync(path, `${JSON.stringify(genesis, null, 2)}\n`)
    }
  }

  /** A second home holding `of`'s validator key, with its own node key, ports and empty data. */
  async #twinHome(of: DevnetNode): Promise<DevnetNode> {
    const name = `${of.name}-twin`
    const home = join(this.#o.dir, name)
    initHome(home, { chainId: this.#layout.chainId, moniker: name, force: true, genesisTime: new Date() })
    copyFileSync(validatorKeyPath(of.home), validatorKeyPath(home))
    copyFileSync(join(of.home, 'config', 'genesis.json'), join(home, 'config', 'genesis.json'))
    const p2pPort = await freePort()
    const peerId = await peerIdFromSeed(loadNodeKey(home).exportSeed())
    const node: DevnetNode = {
      name,
      home,
      validator: true,
      p2pPort,
      rpcPort: await freePort(),
      metricsPort: await freePort(),
      peerId,
      multiaddr: `/ip4/127.0.0.1/tcp/${p2pPort}/p2p/${peerId}`,
    }
    const config = JSON.parse(readFileSync(configPath(of.home), 'utf8')) as Record<string, Record<string, unknown>>
    config.moniker = name as never
    config.p2p!.listen = `/ip4/127.0.0.1/tcp/${p2pPort}`
    config.rpc!.listen = `127.0.0.1:${node.rpcPort}`
    config.metrics!.listen = `127.0.0.1:${node.metricsPort}`
    writeFileSync(configPath(home), `${JSON.stringify(config, null, 2)}\n`)
    return node
  }

  /** Points `node`'s bootstrap list at the proxies of its links, one per other node. */
  #wire(node: DevnetNode, all: readonly DevnetNode[]): void {
    const path = configPath(node.home)
    const config = JSON.parse(readFileSync(path, 'utf8')) as { p2p: { bootstrap: string[] } }
    config.p2p.bootstrap = all
      .filter((n) => n !== node)
      .map((n) => `/ip4/127.0.0.1/tcp/${this.#mesh!.port(node.name, n.name)}/p2p/${n.peerId}`)
    writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`)
  }

  #member(node: DevnetNode): Member {
    const m = this.#m.network
    const base = node.name.replace(/-twin$/, '')
    const plants = ['p2p-no-announce', 'assert-invariants', ...(m.plants[base] ?? [])]
    const env: Record<string, string> = { FEDRA_TEST: '1', FEDRA_TEST_PLANT: plants.join(','), ...(m.env[base] ?? {}) }
    const skew = m.clockSkewMs[base]
    if (skew !== undefined) {
      env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${CLOCK_SKEW}`.trim()
      env.FEDRA_HARNESS_CLOCK_SKEW_MS = String(skew)
    }
    const key = node.validator ? loadValidatorKey(node.home) : null
    const member: Member = {
      name: node.name,
      node,
      process: new NodeProcess(node),
      validator: node.validator,
      address: key?.publicKey.address ?? null,
      started: false,
      expectExit: false,
      env,
    }
    member.process.onUnexpectedExit((code, signal) => {
      if (member.expectExit) return
      const why =
        member.process.logTail(40).find((l) => /fatal|INVARIANT_BROKEN|STORE_MISMATCH/.test(l)) ?? member.process.logTail(1)[0] ?? ''
      this.#unexpected.push(`${member.name} exited (${signal ?? `code ${code}`}): ${why.slice(0, 300)}`)
      this.#out(`[harness] ${member.name} exited unexpectedly (${signal ?? `code ${code}`})\n`)
    })
    return member
  }

  #start(member: Member, extra: Record<string, string> = {}): void {
    member.process.start({ ...member.env, ...extra })
    member.started = true
  }

  #running(): Member[] {
    return [...this.#members.values()].filter((m) => m.process.running)
  }

  #url(member: Member): string {
    return `http://127.0.0.1:${member.node.rpcPort}/`
  }

  #loadUrl(): string {
    const free = this.#running().filter((m) => !this.#busy.has(m.name))
    return this.#url(free[0] ?? [...this.#members.values()][0]!)
  }

  async #statuses(members: readonly Member[]) {
    return statusesOf(members)
  }

  /** What the steps and checks in their own files may use of this run. */
  #context(): RunContext {
    return {
      manifest: this.#m,
      random: this.#random,
      busy: this.#busy,
      restartChecks: this.#restartChecks,
      unexpected: this.#unexpected,
      out: this.#out,
      member: (name) => this.#member$(name),
      members: () => [...this.#members.values()],
      running: () => this.#running(),
      statuses: (members) => this.#statuses(members),
      height: (member) => this.#height(member),
      restart: (member, heightBefore, rootBefore, extra) => this.#restart(member, heightBefore, rootBefore, extra),
      rssByNode: () => samplesByNode(this.#rss),
    }
  }

  async #height(member: Member): Promise<number> {
    return (await member.process.status(2000))?.height ?? -1
  }

  /** Waits until every one of `members` is at least `blocks` past where the highest of them is now. */
  async #progress(members: readonly Member[], blocks: number, what: string): Promise<number> {
    const began = Date.now()
    const from = Math.max(...(await this.#statuses(members)).map((s) => s?.height ?? 0))
    const heights = await waitFor(
      what,
      async () => {
        const now = (await this.#statuses(members)).map((s) => s?.height ?? -1)
        return now.every((h) => h >= from + blocks) ? now : undefined
      },
      this.#m.checks.progressTimeoutMs,
      200,
    )
    this.#heights = heights
    return Date.now() - began
  }

  #member$(name: string): Member {
    const member = this.#members.get(name)
    if (member === undefined) throw new HarnessError('NODE_UNKNOWN', `no node ${name}`, { node: name })
    return member
  }

  #sampleRss(): void {
    const at = Date.now()
    for (const member of [...this.#members.values(), ...(this.#twin === null ? [] : [this.#twin])]) {
      const pid = member.process.pid
      if (pid === undefined || !member.process.running) continue
      try {
        const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
        if (rss !== null) this.#rss.push({ at, node: member.name, rssKiB: Number(rss[1]) })
      } catch {
        // Exited between the check and the read.
      }
    }
  }

  // The schedule

  async #schedule(): Promise<void> {
    const steps = this.#m.steps
    const deadline = this.#o.soakMinutes === undefined ? 0 : Date.now() + this.#o.soakMinutes * 60_000
    let pass = 0
    do {
      for (const [index, step] of steps.entries()) {
        if (pass > 0 && (step.kind === 'start' || step.kind === 'twin')) continue
        if (deadline > 0 && pass > 0 && Date.now() > deadline) break
        const began = Date.now()
        try {
          const { detail, recoveryMs } = await this.#step(step)
          this.#steps.push({ index, kind: step.kind, detail, ok: true, recoveryMs, ms: Date.now() - began })
          this.#out(`[harness] step ${index} ${step.kind}: ${detail}\n`)
        } catch (error) {
          const detail = (error as Error).message
          this.#steps.push({ index, kind: step.kind, detail, ok: false, ms: Date.now() - began })
          this.#out(`[harness] step ${index} ${step.kind} FAILED: ${detail}\n`)
          return
        }
      }
      pass++
    } while (deadline > 0 && Date.now() < deadline)
  }

  async #step(step: Step): Promise<{ detail: string; recoveryMs?: number }> {
    switch (step.kind) {
      case 'wait': {
        await this.#progress(this.#running(), step.blocks, `${step.blocks} more blocks`)
        return { detail: `${step.blocks} blocks` }
      }
      case 'kill':
        return this.#kill(step)
      case 'pause': {
        const member = this.#member$(step.node)
        this.#busy.add(member.name)
        process.kill(member.process.pid!, 'SIGSTOP')
        // The perturbation itself: the node stays stopped this long.
        await new Promise((r) => setTimeout(r, step.ms))
        process.kill(member.process.pid!, 'SIGCONT')
        this.#busy.delete(member.name)
        const recoveryMs = await this.#progress(this.#running(), 2, `the chain with ${member.name} resumed`)
        return {
          detail: `${member.name} SIGSTOPped for ${step.ms} ms, then SIGCONT; all nodes 2 blocks further ${recoveryMs} ms later`,
          recoveryMs,
        }
      }
      case 'partition':
        return this.#partition(step)
      case 'start': {
        const member = this.#member$(step.node)
        this.#start(member)
        const target = Math.max(...(await this.#statuses(this.#running().filter((m) => m !== member))).map((s) => s?.height ?? 0))
        const began = Date.now()
        await waitFor(
          `${member.name} synced to height ${target}`,
          async () => (await this.#height(member)) >= target,
          this.#m.checks.progressTimeoutMs,
          200,
        )
        await this.#sameRoot(member, target)
        return {
          detail: `${member.name} started empty and synced from genesis to height ${target} in ${Date.now() - began} ms, same state root`,
          recoveryMs: Date.now() - began,
        }
      }
      case 'twin':
        return this.#runTwin(step.node)
      case 'byzantine':
        return this.#byzantine(step)
      case 'kill_role': {
        const role = this.#training?.processes.find((p) => p.node.name === step.role)
        if (role === undefined) throw new HarnessError('STEP_FAILED', `no training role ${step.role} running`, { node: step.role })
        const before = this.#training!.lines.length
        await role.kill()
        await new Promise((r) => setTimeout(r, step.downMs))
        role.start({ FEDRA_PASSPHRASE: 'devnet' })
        this.#restarts++
        await waitFor(
          'a training round after the role restart',
          async () => this.#training!.lines.length > before || this.#training!.lines.length >= this.#m.training!.rounds,
          this.#m.checks.progressTimeoutMs * 3,
          500,
        )
        return {
          detail: `${step.role} SIGKILLed mid-run (${before} rounds done), restarted after ${step.downMs} ms; a round completed after it`,
        }
      }
      case 'crash':
        return crashStep(this.#context(), step, this.#o.iterations ?? step.iterations)
    }
  }

  async #kill(step: Extract<Step, { kind: 'kill' }>): Promise<{ detail: string; recoveryMs: number }> {
    const member = this.#member$(step.node)
    this.#busy.add(member.name)
    const before = await member.process.status(2000)
    await member.process.kill()
    const others = this.#running()
    if (step.downBlocks > 0) await this.#progress(others, step.downBlocks, `${step.downBlocks} blocks without ${member.name}`)
    // The perturbation itself: the node stays down this long.
    if (step.downMs > 0) await new Promise((r) => setTimeout(r, step.downMs))
    const restart = await this.#restart(member, before?.height ?? 0, before?.stateRoot ?? null)
    this.#busy.delete(member.name)
    const began = Date.now()
    const target = Math.max(...(await this.#statuses(others)).map((s) => s?.height ?? 0))
    await waitFor(
      `${member.name} caught up to ${target}`,
      async () => (await this.#height(member)) >= target,
      this.#m.checks.progressTimeoutMs,
      200,
    )
    return {
      detail: `${member.name} SIGKILLed at height ${before?.height ?? '?'}; ${restart}; caught up to ${target}`,
      recoveryMs: Date.now() - began,
    }
  }

  /**
   * Starts a killed node and checks what it comes back with: a height no lower than it had
   * (nothing lost), and at that height the state root of the other nodes' block.
   */
  async #restart(member: Member, heightBefore: number, rootBefore: string | null, extra: Record<string, string> = {}): Promise<string> {
    this.#start(member, extra)
    this.#restarts++
    const status = await waitFor(
      `${member.name} answers after its restart`,
      () => member.process.status(1000).then((s) => s ?? undefined),
      this.#m.checks.progressTimeoutMs,
      50,
    )
    const problems: string[] = []
    if (status.height < heightBefore) problems.push(`restarted at height ${status.height}, below the ${heightBefore} it had committed`)
    if (status.height === heightBefore && rootBefore !== null && status.stateRoot !== rootBefore)
      problems.push(`state root at ${heightBefore} changed across the restart`)
    const reference = await this.#referenceRoot(member, status.height)
    if (reference !== null && status.stateRoot !== reference) problems.push(`state root at ${status.height} differs from the other nodes'`)
    const line = `restarted at height ${status.height} (had ${heightBefore})${reference === null ? '' : ", state root equal to the others'"}`
    if (problems.length > 0) this.#restartChecks.push(`${member.name}: ${problems.join('; ')}`)
    return problems.length === 0 ? line : `${line}; ${problems.join('; ')}`
  }

  /** The state root other nodes have at `height` (waiting for one to get there), or null if none answers. */
  async #referenceRoot(member: Member, height: number): Promise<string | null> {
    if (height < 1) return null
    for (const other of this.#running()) {
      if (other === member) continue
      const client = new FedraClient({ url: this.#url(other), timeoutMs: 5000 })
      try {
        const block = await waitFor(`${other.name}'s block ${height}`, () => client.block(height).catch(() => undefined), 30_000, 200)
        return block.header.stateRoot
      } catch {
        // The next node may have it.
      } finally {
        client.close()
      }
    }
    return null
  }

  async #sameRoot(member: Member, height: number): Promise<void> {
    const client = new FedraClient({ url: this.#url(member), timeoutMs: 5000 })
    try {
      const mine = (await client.block(height)).header.stateRoot
      const theirs = await this.#referenceRoot(member, height)
      if (theirs !== null && mine !== theirs)
        throw new HarnessError('STEP_FAILED', `${member.name}'s state root at ${height} differs from the other nodes'`, {
          node: member.name,
        })
    } finally {
      client.close()
    }
  }

  async #partition(step: Extract<Step, { kind: 'partition' }>): Promise<{ detail: string; recoveryMs: number }> {
    const mesh = this.#mesh!
    mesh.partition(step.groups)
    const powers = this.#m.network.validators
    const total = powers.reduce((a, b) => a + b, 0)
    const powerOf = (group: readonly string[]) =>
      group.reduce((sum, n) => sum + (n.startsWith('validator') && !n.endsWith('-twin') ? powers[Number(n.slice(9))]! : 0), 0)
    const majority = step.groups.find((g) => 3 * powerOf(g) > 2 * total)
    for (const group of step.groups) if (group !== majority) for (const n of group) if (!majority?.includes(n)) this.#busy.add(n)
    let during = ''
    const minority = [...this.#members.values()].filter((m) => m.process.running && !majority?.includes(m.name))
    const minorityBefore = await this.#statuses(minority)
    if (step.blocks > 0) {
      if (majority === undefined)
        throw new HarnessError(
          'STEP_FAILED',
          `partition ${JSON.stringify(step.groups)} for ${step.blocks} blocks: no group holds +2/3 of the power`,
          {},
        )
      const members = majority.map((n) => this.#members.get(n)!).filter((m) => m.process.running)
      await this.#progress(members, step.blocks, `the majority ${majority.join(',')} ${step.blocks} blocks on`)
      during = `majority ${majority.join(',')} made ${step.blocks} blocks`
    } else {
      // The perturbation itself: no side holds +2/3, so nothing commits for this long.
      const before = Math.max(...(await this.#statuses(this.#running())).map((s) => s?.height ?? 0))
      await new Promise((r) => setTimeout(r, step.ms))
      const after = Math.max(...(await this.#statuses(this.#running())).map((s) => s?.height ?? 0))
      during = `${step.ms} ms, ${after - before} blocks meanwhile${majority === undefined ? ' (no side holds +2/3)' : ''}`
      // A bridge (a node in two groups) may relay enough for the chain to go on; without one, nothing may commit.
      const bridged = [...new Set(step.groups.flat())].some((n) => step.groups.filter((g) => g.includes(n)).length > 1)
      if (majority === undefined && !bridged && after - before > 1)
        throw new HarnessError(
          'STEP_FAILED',
          `the chain committed ${after - before} blocks while no side of the partition held +2/3 of the power`,
          {},
        )
    }
    // Outside the majority nothing can commit: a node that got more than the block in flight at the cut was reached around the proxies.
    if (majority !== undefined) {
      const after = await this.#statuses(minority)
      const highest = Math.max(0, ...minorityBefore.map((st) => st?.height ?? 0))
      const leaked = minority.filter((_, i) => (after[i]?.height ?? 0) > highest + 1).map((m) => m.name)
      if (leaked.length > 0) {
        mesh.heal()
        throw new HarnessError(
          'STEP_FAILED',
          `${leaked.join(', ')} kept committing while cut off from the majority: a link bypasses the fault proxies`,
          {},
        )
      }
    }
    const cut = mesh.cutLinks.length
    mesh.heal()
    this.#busy.clear()
    const recoveryMs = await this.#progress(this.#running(), 2, `every node 2 blocks on after the heal`)
    return {
      detail: `partition ${step.groups.map((g) => g.join('+')).join(' | ')} (${cut} links cut): ${during}; healed, every node 2 blocks further ${recoveryMs} ms later`,
      recoveryMs,
    }
  }

  /**
   * Starts a second process with `name`'s validator key. A twin that lags signs only at heights
   * the others have left (and nobody compares), so other validators are paused until the chain
   * cannot commit without `name`'s key: then both copies sign at the tip, the twin prevoting nil
   * at once (propose timeout 1 ms) where the original prevotes the block.
   */
  async #runTwin(name: string): Promise<{ detail: string }> {
    const twin = this.#twin!
    const original = this.#member$(name)
    const powers = this.#m.network.validators
    const total = powers.reduce((a, b) => a + b, 0)
    const validators = [...this.#members.values()].filter((m) => m.validator && m.process.running)
    const powerOf = (m: Member) => powers[Number(m.name.slice(9))]!
    const paused: Member[] = []
    let others = validators.filter((m) => m !== original).reduce((sum, m) => sum + powerOf(m), 0)
    for (const m of [...validators].reverse()) {
      if (3 * others <= 2 * total) break
      if (m === original || this.#busy.has(m.name)) continue
      process.kill(m.process.pid!, 'SIGSTOP')
      paused.push(m)
      others -= powerOf(m)
    }
    if (3 * (others + powerOf(original)) <= 2 * total)
      throw new HarnessError(
        'STEP_FAILED',
        `pausing ${paused.map((m) => m.name).join(', ')} leaves too little power for ${name} to matter`,
        { node: name },
      )
    for (const m of paused) this.#busy.add(m.name)
    const held = paused.length === 0 ? '' : ` (${paused.map((m) => m.name).join(', ')} paused meanwhile)`
    this.#start(twin)
    const addressHex = toHex(decodeAddress(original.address!))
    const reader = validators.find((m) => m !== original && !paused.includes(m))!
    const client = new FedraClient({ url: this.#url(reader), timeoutMs: 5000 })
    const began = Date.now()
    const resume = () => {
      for (const m of paused.splice(0)) {
        process.kill(m.process.pid!, 'SIGCONT')
        this.#busy.delete(m.name)
      }
    }
    try {
      const info = await waitFor(
        `${name} tombstoned for its twin's double sign`,
        async () => {
          const info = await client.signingInfo(addressHex).catch(() => undefined)
          return info?.tombstoned === true ? info : undefined
        },
        this.#m.checks.progressTimeoutMs * 2,
        500,
      )
      // Without the tombstoned key the paused validators are needed again.
      resume()
      const validator = await client.stakingValidators()
      const v = validator.validators.find((x) => x.moniker === name)
      if (v === undefined || !v.jailed) throw new HarnessError('STEP_FAILED', `${name} is tombstoned but not jailed`, { node: name })
      const slashed = BigInt(this.#m.network.validators[Number(name.slice(9))]!) * POWER_REDUCTION - BigInt(v.tokens)
      if (slashed <= 0n)
        throw new HarnessError('STEP_FAILED', `${name} is tombstoned but its bond was not slashed (tokens ${v.tokens})`, { node: name })
      return {
        detail: `${twin.name} started with ${name}'s key${held}: ${name} double-signed, slashed ${slashed} ufdr, jailed and tombstoned (signing info at height ${info.height}) ${Date.now() - began} ms later`,
      }
    } finally {
      resume()
      client.close()
      twin.expectExit = true
      await twin.process.kill()
    }
  }

  async #byzantine(step: Extract<Step, { kind: 'byzantine' }>): Promise<{ detail: string; recoveryMs: number }> {
    const target = this.#member$(step.node)
    const peer = await ByzantinePeer.connect(this.#layout.chainId, target.node.multiaddr, target.node.peerId)
    let report
    try {
      report = await peer.attack(step.ms)
    } finally {
      await peer.stop()
    }
    if (!target.process.running)
      throw new HarnessError('STEP_FAILED', `${target.name} did not survive the byzantine peer`, { node: target.name })
    const recoveryMs = await this.#progress(this.#running(), 2, 'every node 2 blocks on after the byzantine peer')
    const sent = Object.entries(report.sent)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')
    return {
      detail: `byzantine peer at ${target.name} for ${step.ms} ms: ${sent} (${report.captured} messages captured); ${target.name} ${report.stillConnected ? 'still connected to it' : 'dropped it'}; every node 2 blocks on`,
      recoveryMs,
    }
  }

  /**
   * Crash consistency: `iterations` times, the node is restarted with a crash point armed
   * (it SIGKILLs itself the N-th time it passes it: right after a durable signature, inside a
   * WAL write, around a block's state batch), or killed from outside at a random instant. Every
   * restart is checked (#restart); every `truncateWalEvery`-th crash also truncates its WAL at a random byte.
   */
  // The checks

  async #finish(): Promise<void> {
    await this.#load?.stop()
    const running = this.#running()
    if (this.#trainingDone !== null) {
      await Promise.race([this.#trainingDone, new Promise((r) => setTimeout(r, this.#m.checks.progressTimeoutMs * 3))])
      const done = this.#training!.lines.length
      const rejected = this.#training!.lines.reduce((n, l) => n + l.rejections, 0)
      this.#checks.push({
        name: 'training-rounds',
        ok: done >= this.#m.training!.rounds,
        detail: `${done} of ${this.#m.training!.rounds} rounds completed, ${rejected} aggregates rejected`,
      })
    }
    // Every accepted transfer out of the mempools, and two blocks on so the last ones are in blocks.
    await waitFor(
      'the mempools to drain',
      async () => (await this.#statuses(running)).every((s) => s !== null && s.mempool.size === 0),
      this.#m.checks.progressTimeoutMs,
      250,
    ).catch(() => undefined)
    await this.#progress(running, 2, 'two blocks on before the checks').catch((error: Error) =>
      this.#checks.push({ name: 'final-progress', ok: false, detail: error.message }),
    )
    const view = await ChainView.read(running.map((m) => ({ name: m.name, url: this.#url(m) })))
    this.#heights = [...view.tips.values()]
    this.#checks.push(checkAgreement(view))
    const names = new Map([...this.#members.values()].filter((m) => m.address !== null).map((m) => [m.address!, m.name]))
    const doubleSigns = checkDoubleSigns(view, names, this.#m.checks.expectDoubleSign)
    this.#checks.push({ name: doubleSigns.name, ok: doubleSigns.ok, detail: doubleSigns.detail })
    if (this.#load !== null) this.#checks.push(checkExactlyOnce(view, this.#load.accepted))
    this.#checks.push({
      name: 'restarts',
      ok: this.#restartChecks.length === 0,
      detail:
        this.#restartChecks.length === 0
          ? `${this.#restarts} restarts, each at a height no lower than it had and with the others' state root`
          : this.#restartChecks.slice(0, 5).join('; '),
    })
    this.#checks.push(...(await nodeChecks(this.#context(), running, view)))
  }

  /** Kills every process the run started and closes the proxies (a test's `after`, a Ctrl-C); the run then ends with what it has. */
  async abort(): Promise<void> {
    await this.#teardown()
  }

  async #teardown(): Promise<void> {
    if (this.#rssTimer !== null) clearInterval(this.#rssTimer)
    await this.#load?.stop().catch(() => undefined)
    await this.#training?.stop().catch(() => undefined)
    const all = [...this.#members.values(), ...(this.#twin === null ? [] : [this.#twin])]
    for (const member of all) {
      member.expectExit = true
      // SIGKILL needs no SIGCONT, but a paused node resumed first exits like any other.
      if (member.process.running && member.process.pid !== undefined) {
        try {
          process.kill(member.process.pid, 'SIGCONT')
        } catch {
          // Gone already.
        }
      }
    }
    await Promise.all(all.map((m) => m.process.kill()))
    await this.#mesh?.close()
  }
}
