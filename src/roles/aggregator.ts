import { type FedraClient, type PrivateKey, type Result, buildTx, messages } from '../client/index.js'
import { type KernelBackend, type KernelMode, selectKernelBackend } from '../fl/kernels/backend.js'
import { REPUTATION_UNIT } from '../fl/rules/repfedavg.js'
import { getAggregationRule } from '../fl/rules/registry.js'
import type { AggregationRule } from '../fl/rules/types.js'
import type { Logger } from '../log/index.js'
import { type RoundFormat, aggregateWork, checkUpdate, modelOf, recompute } from '../modules/training/index.js'
import { RoleError } from './errors.js'
import { Follower } from './follower.js'
import type { RoleMetrics } from './metrics.js'
import { NodeBlobs } from './node-blobs.js'
import { keySetCheckGas } from './envelope-seal.js'
import { latestKeySet } from './envelope-keys-rpc.js'
import { secAggAggregationRule } from './secagg-aggregator.js'
import { SECAGG_RULE } from '../modules/training/secagg-handler.js'

export type AggregatorBackend = 'fast' | KernelMode

export interface AggregatorOptions {
  client: FedraClient
  nodeUrl: string
  key: PrivateKey
  subnet: bigint
  /** 'fast' (the chain's own typed-array path) or a gpu.js mode; a gpu.js result is checked against 'fast' before it is sent. */
  backend?: AggregatorBackend
  /** Blocks to wait into the aggregate window before submitting (lets another aggregator go first). */
  waitBlocks?: number
  /** An experiment: submit a tampered aggregate (one coordinate off by one) in the first round, or every round. */
  tamper?: 'first' | 'always'
  log: Logger
  metrics?: RoleMetrics
  onRound?: (report: AggregatorRoundReport) => void
}

export interface AggregatorRoundReport {
  round: bigint
  accepted: boolean
  version: string | null
  updates: number
  height: number
  seconds: number
}

type Round = Result<'round_get'>

/**
 * `fedra aggregator`: in each round's aggregate window, fetches the round's updates and base
 * model from its node, runs the subnet's rule exactly as the chain will (the training module's
 * own recompute: the same integers, the same blobs, the same CIDs), stores the aggregate and the
 * new global model on its node, and submits both CIDs. A round already aggregated, or one this
 * aggregator is barred from, is left alone; like the trainer it reads everything from chain
 * state at each step, so it resumes after any restart.
 */
export class Aggregator {
  readonly #o: AggregatorOptions
  readonly #blobs: Pick<NodeBlobs, 'get' | 'put'>
  readonly #follower: Follower
  readonly #address: string
  readonly #done = new Set<string>()
  #kernels: KernelBackend | null = null
  #parameterCount = 0
  #tampered = 0

  constructor(options: AggregatorOptions) {
    this.#o = options
    this.#blobs = NodeBlobs.opening(options.nodeUrl, options.client, options.key) // opens a private subnet's updates
    this.#address = options.key.publicKey.address
    this.#follower = new Follower({ client: options.client, log: options.log, step: () => this.#step() })
  }

  get address(): string {
    return this.#address
  }

  async start(): Promise<void> {
    const backend = this.#o.backend ?? 'fast'
    if (backend !== 'fast') this.#kernels = await selectKernelBackend(backend)
    this.#o.log.info(
      { aggregator: this.#address, subnet: String(this.#o.subnet), backend, tamper: this.#o.tamper ?? null },
      `aggregator started (backend ${backend === 'fast' ? "fast: typed arrays, the chain's own path" : `gpu.js ${backend}`})`,
    )
    await this.#follower.start()
  }

  async stop(): Promise<void> {
    await this.#follower.stop()
    await this.#kernels?.destroy()
  }

  async #step(): Promise<void> {
    const { client, subnet } = this.#o
    const round = await client.call('round_get', { subnet: String(subnet) })
    if (round.phase !== 'aggregate' || round.version !== null || round.updates === 0 || this.#done.has(round.round)) return
    if (this.#parameterCount === 0) this.#parameterCount = Number((await client.call('subnet_get', { id: String(subnet) })).parameter_count)
    if (round.rejections.some((r) => r.aggregator === this.#address)) {
      this.#done.add(round.round) // barred from this round
      return
    }
    const wait = this.#o.waitBlocks ?? 0
    if (wait > 0 && round.height < Number(round.submit_end_height) + wait - 1) return
    await this.#aggregate(round)
  }

  async #aggregate(round: Round): Promise<void> {
    const { client, key, subnet, log } = this.#o
    const started = performance.now()
    const n = this.#parameterCount
    // A secagg round: the rule carries the correction rebuilt from revealed shares, once they are all on chain.
    const secagg = round.rule === SECAGG_RULE ? await secAggAggregationRule(client, subnet, round, n) : null
    if (secagg !== null && !secagg.ready) {
      log.debug({ round: round.round, why: secagg.why }, 'secure aggregation: waiting to aggregate')
      return
    }
    const format: RoundFormat = {
      dtype: round.quantization.dtype,
      scale: round.quantization.scale,
      maxAbs: round.quantization.max_abs,
      parameterCount: n,
    }
    const { updates } = await client.call('round_updates', { subnet: String(subnet), round: round.round })
    const [baseBytes, ...updateBytes] = await Promise.all([
      this.#blobs.get(round.base_global_cid),
      ...updates.map((u) => this.#blobs.get(u.update_cid)),
    ])
    const values = updateBytes.map((bytes) => checkUpdate(bytes!, format).values)
    const weights = updates.map((u) => u.weight)
    const base = modelOf(baseBytes!, n, round.base_global_cid)
    const rule = secagg?.ready === true ? secagg.rule : getAggregationRule(round.rule)
    const aggregateValues = await this.#run(rule, values, weights)
    const lie = this.#o.tamper === 'always' || (this.#o.tamper === 'first' && this.#tampered === 0)
    if (lie) {
      this.#tampered++
      aggregateValues[0] = aggregateValues[0]! < format.maxAbs ? aggregateValues[0]! + 1 : aggregateValues[0]! - 1
    }
    // The chain's recompute, fed the values already computed: blobs and CIDs built exactly as it builds them.
    const given: AggregationRule = { ...rule, fast: () => ({ values: aggregateValues }) }
    const result = recompute(given, values, weights, base, format)
    await Promise.all([this.#blobs.put(result.aggregateBytes), this.#blobs.put(result.modelBytes)])
    const msg = messages.trainingSubmitAggregate({
      subnet,
      round: round.round,
      baseGlobalCid: round.base_global_cid,
      included: updates.map((u) => ({ trainer: u.trainer, updateCid: u.update_cid })),
      resultCid: result.aggregateCid,
      newGlobalCid: result.modelCid,
    })
    // in a private subnet the chain also checks the key set is not stale, reading each recipient
    const keySet = await latestKeySet(client, subnet)
    const keySetGas = keySet === undefined ? 0n : keySetCheckGas(keySet.keySet)
    const gas = aggregateWork(rule.name, updates.length, n) * 2n + 1_000_000n + 2n * (secagg?.ready === true ? secagg.gas : 0n) + keySetGas
    const tx = await buildTx(client, key, [msg], { fee: 200n, gasLimit: gas })
    const answer = await client.broadcastTx(tx, 'commit', 30_000)
    const seconds = (performance.now() - started) / 1000
    this.#o.metrics?.round.set(Number(round.round))
    if (answer.result === undefined || answer.result.code !== 0) {
      const code = answer.result === undefined ? 'not committed' : `${answer.result.codespace}/${answer.result.code}`
      this.#o.metrics?.refused.inc({ code })
      log.warn({ round: round.round, code, log: answer.result?.log }, 'aggregate refused')
      if (answer.result !== undefined && answer.result.codespace === 'training') this.#done.add(round.round)
      return
    }
    this.#done.add(round.round)
    const rejected = answer.result.events.some((e) => e.type === 'aggregate_rejected')
    const accepted = answer.result.events.find((e) => e.type === 'aggregate_accepted')
    const version = accepted?.attributes.find((a) => a.key === 'version')?.value ?? null
    if (rejected) this.#o.metrics?.rejected.inc()
    else this.#o.metrics?.submitted.inc()
    this.#o.metrics?.seconds.observe(seconds)
    log.info(
      `round ${round.round} · aggregated ${updates.length} updates (${rule.name}, ${this.#kernels === null ? 'fast' : this.#o.backend}) · ${rejected ? `REJECTED by the chain${lie ? ' (tampered on purpose)' : ''}` : `accepted as version ${version}`} at height ${answer.height} · ${seconds.toFixed(1)} s`,
    )
    this.#o.onRound?.({
      round: BigInt(round.round),
      accepted: !rejected,
      version,
      updates: updates.length,
      height: answer.height ?? 0,
      seconds,
    })
  }

  /** The rule's output on the chosen backend; a gpu.js result must equal the fast path's bits or nothing is sent. */
  async #run(rule: AggregationRule, updates: Int32Array[], weights: number[]): Promise<Int32Array> {
    const input = { updates, weights, reputations: weights.map(() => REPUTATION_UNIT) }
    const fast = rule.fast(input).values
    if (this.#kernels === null) return fast
    const kernel = (await rule.kernel(input, this.#kernels)).values
    if (kernel.length !== fast.length || kernel.some((v, i) => v !== fast[i])) {
      throw new RoleError('BAD_OPTION', `the ${this.#o.backend} backend's ${rule.name} differs from the chain's bits; not submitting it`, {
        option: 'backend',
        value: String(this.#o.backend),
      })
    }
    return kernel
  }
}
