import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FedraClient, type Result, buildTx, messages } from '../client/index.js'
import type { Dataset } from '../fl/data/dataset.js'
import { loadMnist } from '../fl/data/mnist.js'
import { Network } from '../fl/model/network.js'
import { type ModelSpec, mlpSpec, smallCnnSpec } from '../fl/model/spec.js'
import { ensureTfBackend } from '../fl/model/tf.js'
import { evaluate } from '../fl/train/evaluate.js'
import { parseModelSpec } from '../fl/model/spec.js'
import { MAX_SIGNED_RESIDUE, SECAGG_MAX_WEIGHT } from '../fl/secagg/ring.js'
import { canonicalModelSpec } from '../modules/subnets/index.js'
import { SECAGG_RULE } from '../modules/training/secagg-handler.js'
import { modelParameters, initialModelBlob } from '../roles/model-codec.js'
import { NodeBlobs } from '../roles/node-blobs.js'
import { DATANET, DATANET_VALIDATION_SET, DATANET_VERSION } from './datanet.js'
import { DEVNET_PASSPHRASE, type DevnetLayout, devnetAccount, devnetAccountName, devnetOperatorName } from './layout.js'
import { NodeProcess, waitFor } from './process.js'
import { publishDevnetKeySet } from './private.js'

export interface DevnetTrainingOptions {
  trainers: number
  aggregators: number
  /** Aggregators (of `aggregators`) that submit a tampered aggregate first; the honest ones then wait two blocks into the window. */
  liars: number
  rule: string
  /** iid, dirichlet:A or shards:K (each trainer's part of the MNIST training split). */
  partition: string
  /** FRACTION:ATTACK[,FRACTION:ATTACK…], e.g. 0.3:signflip or 0.1:signflip,0.1:copy,0.1:freeride (the last trainers attack). */
  attackers?: string
  /** Use only the first N training digits (short runs). */
  rows?: number
  /** Stop after this many rounds with a summary (undefined: run until stopped). */
  rounds?: number
  submitWindow: number
  aggregateWindow: number
  gap: number
  epochs: number
  /** Trainers' learning rate. */
  lr: number
  /** Validators score every round (`fedra scorer` with each operator key) by this method, or nobody scores ('none'). */
  scoring: 'loo' | 'marginal' | 'shapley' | 'none'
  /** mlp (784-200-10) or cnn (smallCnnSpec: two conv + pool layers, src/fl/model/spec.ts). */
  model: 'mlp' | 'cnn'
  seed: number
  /** Trainers declare their part's record of the devnet's Datanet (src/devnet/datanet.ts) with every update. */
  datanet?: boolean
  /** Trainers train in a worker thread (`fedra trainer --worker`). */
  worker?: boolean
  /** A DP subnet: this policy (decimal text) set in the transaction that creates it, so it governs from round 0 (docs/privacy.md). */
  dp?: DevnetDpPolicy
  /**
   * A secure-aggregation subnet (docs/privacy.md): rule secagg-fedavg, the masked wire format (int32,
   * max_abs 2³¹ − 1) and sample cap 512; the trainers set up, mask and reveal, the aggregator unmasks.
   */
  secagg?: boolean
  /** TESTS ONLY (needs FEDRA_TEST_DUMP=1 in the environment): trainer i writes its plaintext updates to roles/trainer<i>-plain. */
  dumpPlain?: boolean
  /** A private subnet (`--private`): its admin publishes the envelope key set right after the joins (src/devnet/private.ts). */
  private?: boolean
  out: (text: string) => void
}

export interface DevnetDpPolicy {
  noiseMultiplier: string
  targetEpsilon: string
  clipNorm: string
  delta: string
}

/** `--dp NOISE:EPSILON[:CLIP]` (δ 1e-5; clip norm 1 by default), or null when it is not that. */
export function parseDevnetDp(text: string): DevnetDpPolicy | null {
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(text)
  if (match === null || Number(match[1]) < 0.1 || Number(match[2]) <= 0 || (match[3] !== undefined && Number(match[3]) <= 0)) return null
  return { noiseMultiplier: match[1]!, targetEpsilon: match[2]!, clipNorm: match[3] ?? '1', delta: '0.00001' }
}

/** One finished round as the devnet reports it: every figure from chain state and the model fetched over RPC. */
export interface RoundLine {
  round: bigint
  updates: number
  version: string | null
  accuracy: number | null
  rejections: number
  height: number
  /** Block time from the round's open to its version (or close), ms. */
  roundMs: number
  /** Last update in → new version committed: blocks and block-time ms. */
  overheadBlocks: number | null
  overheadMs: number | null
  /** The aggregate window's opening → the version committed (the chain's part once the window opens). */
  windowBlocks: number | null
  /** Scored rounds: each trainer's consensus score, reward and slash (receipts and payouts, from chain state). */
  contributions: { trainer: string; score: string; reward: bigint; slashed: bigint }[]
  /** Free-riders the chain refused this round (round_rejectedUpdates). */
  freeRiders: { trainer: string; reason: string; slashed: bigint }[]
}

/** The held-out digits the scorers judge on: the last 1000 of the training split, so trainers use the first 7000. */
export const SCORER_VALIDATION = 'mnist:last:1000'
export const SCORER_ROWS = 7000
/** The score window (blocks) a scoring devnet's genesis sets: commits in the first half, reveals in the second. */
export const DEVNET_SCORE_WINDOW = 12

/**
 * The genesis sections a training devnet needs: scoring's window, rounds that move on once every
 * trainer is in, and for `--private` governance's leave for account0 (the subnet's admin) to
 * publish envelope key sets (training's envelope_admins).
 */
export function trainingAppState(options: Pick<DevnetTrainingOptions, 'scoring' | 'private'>): Record<string, Record<string, unknown>> {
  const params = { score_window: options.scoring === 'none' ? 0 : DEVNET_SCORE_WINDOW, close_submit_when_full: true }
  return {
    training: { params: options.private === true ? { ...params, envelope_admins: [devnetAccount(0).publicKey.address] } : params },
  }
}

const SUBNET = 0n
const TRAINER_BOND = '1000000ufdr'
const AGGREGATOR_BOND = '10000000ufdr'
export const DEVNET_MODELS: Record<'mlp' | 'cnn', { spec: () => ModelSpec; label: string }> = {
  mlp: { spec: () => mlpSpec([784, 200, 10]), label: 'MLP 784-200-10' },
  cnn: { spec: smallCnnSpec, label: 'CNN (smallCnnSpec)' },
}

/** Trainers are account1…, aggregators the next accounts; account0 creates the subnet. */
export const trainerAccount = (i: number) => 1 + i
export const aggregatorAccount = (options: Pick<DevnetTrainingOptions, 'trainers'>, j: number) => 1 + options.trainers + j

/**
 * The training side of `npm run devnet` (issue 20): creates subnet 0 on MNIST (account0 its
 * admin), joins the trainers and aggregators with their bonds, starts each as its own
 * `fedra trainer` / `fedra aggregator` process on the devnet's nodes, and reports every round in
 * Flower's manner from chain state (rounds counted from 1 as Flower does; chain rounds from 0): the test accuracy is of the new global model, fetched from
 * the parameter store over HTTP and evaluated here on the MNIST test digits — never a number any
 * role claims.
 */
export class DevnetTraining {
  readonly #layout: DevnetLayout
  readonly #o: DevnetTrainingOptions
  readonly #client: FedraClient
  readonly #blobs: NodeBlobs
  readonly #url: string
  readonly processes: NodeProcess[] = []
  readonly lines: RoundLine[] = []
  /** Attacking trainers by address, with their attack. */
  attackerNames = new Map<string, string>()
  #network: Network | null = null
  #test: Dataset | null = null
  #stopped = false

  constructor(layout: DevnetLayout, options: DevnetTrainingOptions) {
    this.#layout = layout
    this.#o = options
    this.#url = `http://127.0.0.1:${layout.nodes[0]!.rpcPort}/`
    this.#client = new FedraClient({ url: this.#url, timeoutMs: 60_000 })
    this.#blobs = new NodeBlobs(this.#url)
  }

  /** Creates and joins the subnet unless a resumed devnet has it already. */
  async setup(): Promise<void> {
    const { subnets } = await this.#client.call('subnet_list', {})
    if (subnets.length > 0) {
      this.#o.out(`training: subnet ${subnets[0]!.id} "${subnets[0]!.name}" exists (resumed)\n`)
      return
    }
    const o = this.#o
    const initialCid = await this.#blobs.put(initialModelBlob(DEVNET_MODELS[o.model].spec(), o.seed))
    const create = messages.subnetsCreate({
      name: 'mnist-digits',
      domain: 'vision/digits',
      description: 'MNIST digits, a devnet subnet',
      modelSpec: canonicalModelSpec(DEVNET_MODELS[o.model].spec()),
      initialModelCid: initialCid,
      params: {
        validation_set: o.datanet === true ? DATANET_VALIDATION_SET : 'mnist:validation',
        aggregation_rule: o.secagg === true ? SECAGG_RULE : o.rule,
        timing: { submit_window: o.submitWindow, aggregate_window: o.aggregateWindow, gap: o.gap },
        max_trainers: Math.max(16, o.trainers),
        // The masked wire format a secagg subnet must use (its plain updates stay int16-range, src/fl/secagg/ring.ts).
        ...(o.secagg === true ? { quantization: { dtype: 'int32', max_abs: MAX_SIGNED_RESIDUE }, sample_cap: SECAGG_MAX_WEIGHT } : {}),
        // A devnet's model is everyone's to build on: another subnet may fork it (lineage).
        sharing: { mode: 'public' },
      },
    })
    // The policy rides in the creating transaction: both land, or neither, before round 0 opens.
    const dp = o.dp === undefined ? [] : [messages.trainingSetDpPolicy({ subnet: SUBNET, samplingRate: '1', ...o.dp })]
    await this.#send(0, [create, ...dp], 2_000_000n + (dp.length > 0 ? 200_000n : 0n), 'create the subnet')
    const joins = [
      ...Array.from({ length: o.trainers }, (_, i) =>
        this.#send(trainerAccount(i), [messages.subnetsJoin(SUBNET, 'trainer', TRAINER_BOND)], 400_000n, `join trainer ${i}`),
      ),
      ...Array.from({ length: o.aggregators }, (_, j) =>
        this.#send(
          aggregatorAccount(o, j),
          [messages.subnetsJoin(SUBNET, 'aggregator', AGGREGATOR_BOND)],
          400_000n,
          `join aggregator ${j}`,
        ),
      ),
    ]
    await Promise.all(joins)
    o.out(
      `training: subnet 0 "mnist-digits" created (${o.secagg === true ? `${SECAGG_RULE}: secure aggregation` : o.rule}, ${DEVNET_MODELS[o.model].label}, initial model ${initialCid.slice(0, 16)}…); ${o.trainers} trainers and ${o.aggregators} aggregators joined\n`,
    )
    if (o.private === true) await publishDevnetKeySet(this.#layout, this.#client, o, (msgs, what) => this.#send(0, msgs, 2_000_000n, what))
    if (o.dp !== undefined)
      o.out(
        `training: DP policy: clip norm ${o.dp.clipNorm}, noise multiplier ${o.dp.noiseMultiplier}, budget ε ${o.dp.targetEpsilon} at δ ${o.dp.delta}; trainers stop when it is spent (fedra query dp-ledger 0)\n`,
      )
  }

  async #send(account: number, msgs: Uint8Array[], gasLimit: bigint, what: string): Promise<void> {
    const tx = await buildTx(this.#client, devnetAccount(account), msgs, { fee: 200n, gasLimit })
    const answer = await this.#client.broadcastTx(tx, 'commit', 30_000)
    if (answer.result === undefined || answer.result.code !== 0)
      throw new Error(
        `devnet could not ${what}: ${answer.result?.codespace}/${answer.result?.code} ${answer.result?.log ?? 'not committed'}`,
      )
  }

  /** Starts the role processes: trainer i and aggregator j on node (i mod validators). */
  start(): void {
    const o = this.#o
    const dir = this.#layout.dir
    const rolesDir = join(dir, 'roles')
    mkdirSync(rolesDir, { recursive: true })
    const validators = this.#layout.nodes.filter((n) => n.validator)
    const nodeOf = (i: number) => `http://127.0.0.1:${validators[i % validators.length]!.rpcPort}/`
    const plan = attackPlan(o.attackers, o.trainers)
    const spawn = (name: string, args: string[]) => {
      const p = new NodeProcess(
        { ...validators[0]!, name, home: dir },
        { entry: NodeProcess.fedra(...args), logFile: join(rolesDir, `${name}.log`) },
      )
      p.onUnexpectedExit((code, signal) =>
        o.out(
          `\n${name} exited (${signal ?? `code ${code}`}); the end of ${join(rolesDir, `${name}.log`)}:\n${p
            .logTail(3)
            .map((l) => `    ${l.slice(0, 300)}`)
            .join('\n')}\n`,
        ),
      )
      p.start({ FEDRA_PASSPHRASE: DEVNET_PASSPHRASE })
      // Its pid beside its log: a test can kill one role as a crash would (kill -9), without touching the others.
      writeFileSync(join(rolesDir, `${name}.pid`), String(p.pid))
      this.processes.push(p)
    }
    for (let i = 0; i < o.trainers; i++) {
      const args = [
        'trainer',
        '--key',
        devnetAccountName(trainerAccount(i)),
        '--subnet',
        String(SUBNET),
        '--node',
        nodeOf(i),
        '--data',
        `mnist:${o.partition}:${i}/${o.trainers}`,
        '--seed',
        String(o.seed),
        '--epochs',
        String(o.epochs),
        '--lr',
        String(o.lr),
      ]
      const rows = o.rows ?? (o.scoring === 'none' ? undefined : SCORER_ROWS)
      if (rows !== undefined) args.push('--rows', String(rows))
      const attack = plan.get(i)
      if (attack !== undefined) args.push('--attack', attack)
      if (o.datanet === true) args.push('--declare', `${DATANET}@${DATANET_VERSION}`)
      if (o.worker === true) args.push('--worker')
      if (o.dumpPlain === true) args.push('--dump-plain', join(rolesDir, `trainer${i}-plain`))
      spawn(`trainer${i}`, args)
    }
    for (let j = 0; j < o.aggregators; j++) {
      const args = ['aggregator', '--key', devnetAccountName(aggregatorAccount(o, j)), '--subnet', String(SUBNET), '--node', nodeOf(j)]
      if (j < o.liars) args.push('--tamper', 'first')
      else if (o.liars > 0) args.push('--wait-blocks', '2')
      spawn(`aggregator${j}`, args)
    }
    if (o.scoring !== 'none') {
      validators.forEach((_, i) => {
        spawn(`scorer${i}`, [
          'scorer',
          '--key',
          devnetOperatorName(i),
          '--subnet',
          String(SUBNET),
          '--node',
          nodeOf(i),
          '--method',
          o.scoring,
          '--validation',
          SCORER_VALIDATION,
          '--state-dir',
          join(rolesDir, `scorer${i}-state`),
        ])
      })
    }
    this.attackerNames = new Map([...plan].map(([i, attack]) => [devnetAccount(trainerAccount(i)).publicKey.address, attack]))
    o.out(
      `training: ${o.trainers} trainers${plan.size > 0 ? ` (${plan.size} attacking: ${[...plan].map(([i, a]) => `trainer${i} ${a}`).join(', ')})` : ''} and ${o.aggregators} aggregators${o.liars > 0 ? ` (${o.liars} lying)` : ''}${o.scoring === 'none' ? '' : `, ${validators.length} scorers (${o.scoring})`} started; their logs are in ${rolesDir}\n\n`,
    )
  }

  /** Resolves once every role process has logged that it started (loaded its data, reached its node). */
  async ready(timeoutMs = 120_000): Promise<void> {
    await waitFor(
      'the trainers and aggregators to start',
      async () => this.processes.every((p) => p.logTail(50).some((line) => line.includes(' started'))),
      timeoutMs,
      250,
    )
  }

  /** Reports rounds as they finish; resolves after `rounds` rounds (never, without it, until stop()). */
  async follow(): Promise<RoundLine[]> {
    await ensureTfBackend()
    // The subnet's own spec (a resumed devnet keeps the model it was created with).
    const { model_spec } = await this.#client.call('subnet_get', { id: String(SUBNET) })
    this.#network = new Network(parseModelSpec(model_spec))
    this.#test = loadMnist().test
    let next: bigint | null = null
    while (!this.#stopped) {
      try {
        const current = await this.#client.call('round_get', { subnet: String(SUBNET) })
        next ??= BigInt(current.round)
        while (next <= BigInt(current.round)) {
          const round =
            next === BigInt(current.round) ? current : await this.#client.call('round_get', { subnet: String(SUBNET), round: String(next) })
          // A scored round is reported once it closes (its receipts and payouts settle then).
          if (this.#o.scoring !== 'none' ? !round.closed : round.version === null && !round.closed) break
          const line = await this.#report(round)
          this.lines.push(line)
          this.#o.out(formatLine(line, this.lines.length, this.#o.rounds))
          next++
          if (this.#o.rounds !== undefined && this.lines.length >= this.#o.rounds) return this.lines
        }
      } catch (error) {
        if (this.#stopped) break
        this.#o.out(`training: ${(error as Error).message} (retrying)\n`)
      }
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
    return this.lines
  }

  async #report(round: Result<'round_get'>): Promise<RoundLine> {
    const s = String(SUBNET)
    const { updates } = await this.#client.call('round_updates', { subnet: s, round: round.round })
    const blockTime = async (height: number) => (await this.#client.block(height)).header.time
    const openMs = await blockTime(Number(round.open_height))
    const lastUpdate = updates.reduce((max, u) => Math.max(max, Number(u.height)), 0)
    const { rejected_updates } = await this.#client.call('round_rejectedUpdates', { subnet: s, round: round.round })
    const freeRiders = rejected_updates.map((r) => ({ trainer: r.trainer, reason: r.reason, slashed: BigInt(r.slashed) }))
    if (round.version === null) {
      const end = Number(round.close_height)
      return {
        round: BigInt(round.round),
        updates: updates.length,
        version: null,
        accuracy: null,
        rejections: round.rejections.length,
        height: end,
        roundMs: (await blockTime(end)) - openMs,
        overheadBlocks: null,
        overheadMs: null,
        windowBlocks: null,
        contributions: [],
        freeRiders,
      }
    }
    const contributions = round.closed ? await this.#contributions(round.round) : []
    const version = await this.#client.call('model_version', { subnet: s, version: round.version })
    const height = Number(version.recorded_height)
    const parameters = modelParameters(await this.#blobs.get(version.global_cid), this.#network!.parameterCount, version.global_cid)
    const accuracy = evaluate(this.#network!, parameters, this.#test!).accuracy
    const at = await blockTime(height)
    return {
      round: BigInt(round.round),
      updates: updates.length,
      version: round.version,
      accuracy,
      rejections: round.rejections.length,
      height,
      roundMs: at - openMs,
      overheadBlocks: height - lastUpdate,
      overheadMs: at - (await blockTime(lastUpdate)),
      windowBlocks: height - Number(round.submit_end_height) + 1,
      contributions,
      freeRiders,
    }
  }

  /** Each trainer's receipt of a settled round with what rewards paid or slashed ([] when it settled nothing). */
  async #contributions(round: string): Promise<RoundLine['contributions']> {
    const s = String(SUBNET)
    const { receipts } = await this.#client.call('contribution_receipts', { subnet: s, round })
    return receipts.map((r) => ({ trainer: r.trainer, score: r.consensus_score, reward: BigInt(r.reward), slashed: BigInt(r.slashed) }))
  }

  /** Every trainer's standing after the run: reputation, rewards and slashes summed over the rounds reported. */
  async standings(): Promise<
    {
      trainer: string
      name: string
      attack: string | null
      reputation: string
      byRound: number[]
      rewards: bigint
      slashed: bigint
      freeRides: number
    }[]
  > {
    const out = []
    const initial = Number((await this.#client.call('reputation_params', {})).initial_reputation)
    for (let i = 0; i < this.#o.trainers; i++) {
      const address = devnetAccount(trainerAccount(i)).publicKey.address
      const rep = await this.#client.call('reputation_get', { subnet: String(SUBNET), trainer: address })
      const { history } = await this.#client.call('reputation_history', { subnet: String(SUBNET), trainer: address })
      // Its reputation after each reported round (the last scored round at or before it; the initial one before any).
      const byRound = this.lines.map((line) => {
        const seen = history.filter((h) => BigInt(h.round) <= line.round)
        return seen.length === 0 ? initial : Number(seen[seen.length - 1]!.reputation_after)
      })
      const mine = this.lines.flatMap((l) => l.contributions.filter((c) => c.trainer === address))
      const rides = this.lines.flatMap((l) => l.freeRiders.filter((f) => f.trainer === address))
      out.push({
        trainer: address,
        name: `trainer${i}`,
        attack: this.attackerNames.get(address) ?? null,
        reputation: rep.reputation,
        byRound,
        rewards: mine.reduce((sum, c) => sum + c.reward, 0n),
        slashed: mine.reduce((sum, c) => sum + c.slashed, 0n) + rides.reduce((sum, f) => sum + f.slashed, 0n),
        freeRides: rides.length,
      })
    }
    return out
  }

  /** The chain's mean block time so far, from block headers (ms). */
  async blockTimeMs(): Promise<number> {
    const latest = (await this.#client.status()).syncInfo.latestHeight
    const [a, b] = await Promise.all([this.#client.block(1), this.#client.block(latest)])
    return latest > 1 ? (b.header.time - a.header.time) / (latest - 1) : 0
  }

  /** The rejected aggregates of the rounds reported, as the chain recorded them. */
  async rejections(): Promise<{ round: string; aggregator: string; slashed: string }[]> {
    const out = []
    for (const line of this.lines) {
      if (line.rejections === 0) continue
      const round = await this.#client.call('round_get', { subnet: String(SUBNET), round: String(line.round) })
      out.push(...round.rejections.map((r) => ({ round: round.round, aggregator: r.aggregator, slashed: r.slashed })))
    }
    return out
  }

  async stop(): Promise<void> {
    this.#stopped = true
    await Promise.all(this.processes.map((p) => p.stop()))
    this.#network?.dispose()
    this.#client.close()
  }
}

export function formatLine(line: RoundLine, index: number, rounds: number | undefined): string {
  const r = `[ROUND ${index}${rounds === undefined ? '' : `/${rounds}`}]`
  const verdict =
    line.version === null
      ? 'no valid aggregate (the next round trains the same model)'
      : `aggregate verified${line.rejections > 0 ? ` after ${line.rejections} rejected` : ''}`
  const accuracy = line.accuracy === null ? '' : ` · test accuracy ${line.accuracy.toFixed(3)}`
  const top = [...line.contributions].sort((a, b) => (b.reward > a.reward ? 1 : b.reward < a.reward ? -1 : 0))[0]
  const scored =
    top === undefined || top.reward === 0n
      ? ''
      : ` · top ${top.trainer.slice(0, 12)}… score ${Number(top.score).toFixed(3)} reward ${fdr(top.reward)}`
  const slashes = [
    ...line.contributions.filter((c) => c.slashed > 0n).map((c) => `${c.trainer.slice(0, 12)}… (harmful)`),
    ...line.freeRiders.map((f) => `${f.trainer.slice(0, 12)}… (${f.reason})`),
  ]
  const slashed = slashes.length === 0 ? '' : ` · slashed ${slashes.join(', ')}`
  return `${r} chain round ${line.round} · updates ${line.updates} · ${verdict}${accuracy} · height ${line.height} · ${(line.roundMs / 1000).toFixed(1)} s${scored}${slashed}\n`
}

/**
 * Which trainers attack, and how: `0.1:signflip,0.2:freeride` of 10 trainers makes trainer 9
 * sign-flip and trainers 8 and 7 free-ride (from the last trainer down, each group rounded).
 */
export function attackPlan(text: string | undefined, trainers: number): Map<number, string> {
  const plan = new Map<number, string>()
  if (text === undefined) return plan
  let next = trainers - 1
  for (const part of text.split(',')) {
    const colon = part.indexOf(':')
    const count = Math.round(Number(part.slice(0, colon)) * trainers)
    for (let k = 0; k < count && next >= 0; k++) plan.set(next--, part.slice(colon + 1))
  }
  return plan
}

const fdr = (ufdr: bigint): string => `${(Number(ufdr) / 1e6).toFixed(2)} FDR`

/** The per-trainer table a scored run ends with: who attacked, reputation, rewards and slashes (all from chain state). */
export function standingsTable(rows: Awaited<ReturnType<DevnetTraining['standings']>>): string {
  const total = rows.reduce((s, r) => s + r.rewards, 0n)
  const attackers = rows.filter((r) => r.attack !== null).reduce((s, r) => s + r.rewards, 0n)
  return [
    'trainer    attack       reputation  rewards        slashed       free-rides',
    ...rows.map(
      (r) =>
        `${r.name.padEnd(9)}  ${(r.attack ?? '—').padEnd(11)}  ${Number(r.reputation).toFixed(4).padStart(10)}  ${fdr(r.rewards).padStart(13)}  ${fdr(r.slashed).padStart(12)}  ${String(r.freeRides).padStart(10)}`,
    ),
    '',
    `attackers' share of trainer rewards: ${total === 0n ? '—' : `${((Number(attackers) / Number(total)) * 100).toFixed(1)} %`}`,
    `reputation: every attacker below every honest trainer ${separatedFrom(rows)}`,
    '',
  ].join('\n')
}

/** "from round K (and after)", "never", or "— (no attackers)": the first reported round from which every attacker's reputation stays below every honest trainer's. */
function separatedFrom(rows: Awaited<ReturnType<DevnetTraining['standings']>>): string {
  const attackers = rows.filter((r) => r.attack !== null)
  const honest = rows.filter((r) => r.attack === null)
  if (attackers.length === 0 || honest.length === 0) return '— (no attackers)'
  const rounds = rows[0]!.byRound.length
  const apart = (k: number) => Math.max(...attackers.map((r) => r.byRound[k]!)) < Math.min(...honest.map((r) => r.byRound[k]!))
  let from = rounds
  while (from > 0 && apart(from - 1)) from--
  return from === rounds ? 'never' : `from round ${from + 1}`
}

/** The summary table `--rounds` ends with: per round, and the chain's mean overhead in block times. */
export function summaryTable(lines: readonly RoundLine[], blockMs: number): string {
  const rows = lines.map(
    (l, i) =>
      `${String(i + 1).padStart(5)}  ${String(l.round).padStart(5)}  ${String(l.updates).padStart(7)}  ${(l.accuracy === null ? '—' : l.accuracy.toFixed(4)).padStart(8)}  ${(l.roundMs / 1000).toFixed(1).padStart(7)}  ${String(l.overheadBlocks ?? '—').padStart(14)}  ${(l.overheadMs === null ? '—' : (l.overheadMs / 1000).toFixed(2)).padStart(11)}  ${String(l.rejections).padStart(8)}`,
  )
  const measured = lines.filter((l) => l.overheadMs !== null)
  const meanOverhead = measured.length === 0 ? null : measured.reduce((s, l) => s + l.overheadMs!, 0) / measured.length
  const meanBlocks = measured.length === 0 ? null : measured.reduce((s, l) => s + l.overheadBlocks!, 0) / measured.length
  const final = [...lines].reverse().find((l) => l.accuracy !== null)
  return [
    'round  chain  updates  accuracy  round s  overhead blocks  overhead s  rejected',
    ...rows,
    '',
    `final test accuracy ${final?.accuracy?.toFixed(4) ?? '—'} (the global model of chain round ${final === undefined ? '—' : final.round}, evaluated here on the ${'MNIST test digits'})`,
    meanOverhead === null
      ? 'overhead: no round made a version'
      : `overhead (last update in → new version committed): mean ${meanBlocks!.toFixed(1)} blocks, ${(meanOverhead / 1000).toFixed(2)} s = ${(meanOverhead / blockMs).toFixed(1)} block times of ${Math.round(blockMs)} ms (issue 20's target: ≤ 3; a round whose window stays open after its last update, e.g. one waiting for a member that never submits, counts that wait)`,
    '',
  ].join('\n')
}
