import { ClientError, type FedraClient, type PrivateKey, type Result, buildTx, messages } from '../client/index.js'
import { sha256 } from '../crypto/hash.js'
import type { Dataset } from '../fl/data/dataset.js'
import type { TrainableNetwork } from '../fl/model/network.js'
import { subnetNetwork } from './subnet-network.js'
import { type ModelSpec, parseModelSpec } from '../fl/model/spec.js'
import { ensureTfBackend } from '../fl/model/tf.js'
import { SeededRandom } from '../fl/random.js'
import { type AttackSpec, attackTrains, attackUpdate } from '../fl/sim/attacks.js'
import { DEFAULT_TRAINING, type TrainingConfig, type TrainingResult, trainLocal } from '../fl/train/local-training.js'
import { CryptoNormal, type DpConfig, type NormalSource, privatizeUpdate } from '../fl/train/privacy.js'
import { TrainingWorker } from '../fl/train/training-worker.js'
import { type UpdateDtype, decodeUpdateBlob, encodeUpdateBlob } from '../fl/update/blob.js'
import { clipL2, computeDelta, quantize } from '../fl/update/quantize.js'
import type { Logger } from '../log/index.js'
import { TRAINING_ERRORS, submitUpdateGas } from '../modules/training/index.js'
import { SECAGG_RULE } from '../modules/training/secagg-handler.js'
import { PLAIN_MAX_ABS } from '../fl/secagg/ring.js'
import { type DeclareSpec, type ResolvedDeclaration, declarationMessage, resolveDeclaration } from './data-declaration.js'
import { RoleError } from './errors.js'
import { Follower } from './follower.js'
import type { RoleMetrics } from './metrics.js'
import { modelParameters } from './model-codec.js'
import { sealedUpdate } from './envelope-seal.js'
import { NodeBlobs } from './node-blobs.js'
import { SecAggTrainer, type SecAggTrainerOptions } from './secagg-trainer.js'

export interface TrainerOptions {
  client: FedraClient
  nodeUrl: string
  key: PrivateKey
  subnet: bigint
  data: Dataset
  /** Local training (epochs, batch, learning rate…); the seed is derived per round. */
  training?: Partial<Omit<TrainingConfig, 'seed'>>
  seed: number
  /**
   * Train in a worker thread (src/fl/train/training-worker.ts), same result bit for bit: the
   * main thread keeps following the chain while a round trains, and tfjs-wasm is loaded there only.
   */
  worker?: boolean
  /** An experiment: what this trainer submits instead of its honest update. */
  attack?: AttackSpec
  /** Declare, with every update, the accepted record of this Datanet version that holds the trainer's data (datanets MsgDeclareData). */
  declare?: DeclareSpec
  /** Hashed into the update's device id (default: the trainer's address). */
  deviceId?: string
  log: Logger
  metrics?: RoleMetrics
  /** Called after each round this trainer's update was included (tests, the devnet). */
  onRound?: (report: TrainerRoundReport) => void
  /** The node's parameter store (default: its HTTP routes at `nodeUrl`); tests pass their own. */
  blobs?: Pick<NodeBlobs, 'get' | 'put'>
  /**
   * The Gaussian noise of a DP round's update. Default: a fresh `CryptoNormal` (the platform
   * CSPRNG) per round, so nobody can regenerate the noise; tests pass a seeded or fixed source.
   */
  noise?: (round: bigint) => NormalSource
  /** Secure aggregation rounds (docs/privacy.md): where round keys wait across a restart, and test-only options. */
  secagg?: Pick<SecAggTrainerOptions, 'stateDir' | 'dumpPlain' | 'randomBytes' | 'env'>
}

/** The trainer's randomness for round `round` (stochastic rounding, an attack's draws). */
const roundRandom = (seed: number, round: bigint) => SeededRandom.derive(seed, Number(round % 0xffff_ffffn), 1)

/** A round's honest update before masking or sealing, and whether a DP policy's noise is in it. */
interface PlainUpdate {
  values: Int32Array
  loss: number
  dp: boolean
}

/** Why a trainer stopped training for its subnet on its own (`Trainer.finished`). */
export interface TrainerFinish {
  reason: 'dp_budget_exhausted'
  subnet: bigint
  /** The first round the budget does not cover. */
  round: bigint
  /** How it was found: the chain refused the update (training/103), or the ledger showed no round left before training. */
  found: 'refused' | 'ledger'
  /** The ledger as the node reported it then (decimal text; null when it could not be read). */
  epsilon: string | null
  targetEpsilon: string | null
  delta: string | null
  roundsCharged: string | null
}

export interface TrainerRoundReport {
  round: bigint
  updateCid: string
  height: number
  samples: number
  loss: number
  seconds: number
}

type Round = Result<'round_get'>
type DpLedger = Result<'subnet_dpLedger'>

/** The DP config the ledger's policy sets for `round`, or null when no policy governs it (none, or it starts later). */
export function dpConfigFor(ledger: DpLedger, round: bigint): DpConfig | null {
  const policy = ledger.policy
  if (policy === null || round < BigInt(policy.from_round)) return null
  return { clipNorm: Number(policy.clip_norm), noiseMultiplier: Number(policy.noise_multiplier) }
}

const DP_BUDGET_EXHAUSTED = TRAINING_ERRORS.DP_BUDGET_EXHAUSTED

/** Gas beside the update's for one MsgDeclareData of one record (its reads, the root, one write). */
const DECLARE_GAS = 200_000n

/**
 * `fedra trainer`: follows one subnet's rounds on any node's RPC and, in each round's submit
 * window, trains the round's base model on its private data (which never leaves it), clips and
 * quantizes the delta in the round's format, stores the blob on its node and submits the update.
 * Everything it decides is read from chain state at each step, so a restart (its own or its
 * node's) resumes the current round: an update already on chain is not sent again.
 *
 * Under a DP policy (training's `dpLedger`, docs/privacy.md) it clips the delta to the policy's
 * norm and adds the policy's Gaussian noise before quantizing. Once the subnet's budget is spent —
 * the ledger holds no round for a round without updates, or the chain refuses an update with
 * DP_BUDGET_EXHAUSTED — it trains no more for the subnet and resolves `finished`: it never
 * uploads an update the ledger will not charge (the blob would be public all the same).
 */
export class Trainer {
  readonly #o: TrainerOptions
  readonly #blobs: Pick<NodeBlobs, 'get' | 'put'>
  readonly #follower: Follower
  readonly #address: string
  readonly #secAgg: SecAggTrainer
  #network: (TrainableNetwork & { dispose(): void }) | null = null
  #spec: ModelSpec | null = null
  #worker: TrainingWorker | null = null
  #parameterCount = 0
  #clipNorm = 0
  #gasPerCoordinate = 1n
  #base: { cid: string; parameters: Float32Array } | null = null
  #declaration: ResolvedDeclaration | null = null
  /** Rounds handled: included, or given up (window passed). Chain state decides; this only saves calls. */
  readonly #done = new Set<string>()
  /** A secagg round's plain update, trained while its setup phase runs (`#pretrain`), by round. */
  readonly #pretrained = new Map<string, Promise<PlainUpdate>>()
  #finish: TrainerFinish | null = null
  #resolveFinished!: (finish: TrainerFinish) => void
  /** Resolves when the trainer stopped training for its subnet on its own (its DP budget spent); never otherwise. */
  readonly finished = new Promise<TrainerFinish>((resolve) => (this.#resolveFinished = resolve))

  constructor(options: TrainerOptions) {
    this.#o = options
    this.#blobs = options.blobs ?? new NodeBlobs(options.nodeUrl)
    this.#address = options.key.publicKey.address
    this.#secAgg = new SecAggTrainer({
      ...options.secagg,
      client: options.client,
      key: options.key,
      subnet: options.subnet,
      log: options.log,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    })
    this.#follower = new Follower({ client: options.client, log: options.log, step: () => this.step() })
  }

  get address(): string {
    return this.#address
  }

  async start(): Promise<void> {
    if (this.#o.worker === true) this.#worker = await TrainingWorker.start()
    else await ensureTfBackend()
    if (this.#o.declare !== undefined) this.#declaration = await resolveDeclaration(this.#o.client, this.#o.declare, this.#o.data)
    const declares =
      this.#declaration === null ? null : `${this.#declaration.datanet}@${this.#declaration.version} record ${this.#declaration.record}`
    this.#o.log.info(
      {
        trainer: this.#address,
        subnet: String(this.#o.subnet),
        samples: this.#o.data.count,
        attack: this.#o.attack?.kind ?? null,
        declares,
        worker: this.#worker !== null,
      },
      'trainer started',
    )
    await this.#follower.start()
  }

  async stop(): Promise<void> {
    await this.#follower.stop()
    this.#network?.dispose()
    this.#network = null
    await this.#worker?.close()
    this.#worker = null
  }

  async #ensureModel(): Promise<void> {
    if (this.#spec !== null) return
    const subnet = await this.#o.client.call('subnet_get', { id: String(this.#o.subnet) })
    const spec = parseModelSpec(subnet.model_spec)
    // A fine-tune trains its adapter over a base the worker thread does not hold: on this thread.
    if (this.#worker === null || spec.adapter !== undefined) {
      await ensureTfBackend()
      this.#network = await subnetNetwork(spec, this.#o.client, this.#blobs)
    }
    this.#parameterCount = Number(subnet.parameter_count)
    this.#clipNorm = Number(subnet.params.quantization.clip_norm)
    this.#gasPerCoordinate = BigInt((await this.#o.client.call('training_params', {})).gas_per_coordinate)
    this.#spec = spec
  }

  /** trainLocal here, or the same call in the worker thread. */
  async #trainLocal(data: Dataset, base: Float32Array, config: TrainingConfig): Promise<TrainingResult> {
    if (this.#worker !== null && this.#network === null) return this.#worker.train({ spec: this.#spec!, data, start: base, config })
    return trainLocal(this.#network!, data, base, config)
  }

  /** One step (the Follower runs it after every block): reads the current round and what this trainer did, and acts. */
  async step(): Promise<void> {
    if (this.#finish !== null) return
    const { client, subnet } = this.#o
    const round = await client.call('round_get', { subnet: String(subnet) })
    // A secagg round: set up first, update from setupEnd with a masked blob, reveal self shares of survivors and key shares of the dropped (secagg-trainer.ts).
    const gate = round.rule === SECAGG_RULE ? await this.#secAgg.step(round) : null
    if (gate?.kind === 'sit-out') this.#done.add(round.round)
    if (gate?.kind === 'wait' && round.phase === 'submit' && !this.#done.has(round.round)) await this.#pretrain(round)
    if (gate !== null && gate.kind !== 'update') return
    if (round.phase !== 'submit' || this.#done.has(round.round)) return
    // The ledger before the updates: a round is charged at its first recorded update and a budget
    // only shrinks, so "no round left" here and "no update yet" after mean the round is refused.
    const ledger = await client.call('subnet_dpLedger', { subnet: String(subnet) })
    const updates = await client.call('round_updates', { subnet: String(subnet), round: round.round })
    if (updates.updates.some((u) => u.trainer === this.#address)) {
      this.#done.add(round.round)
      return
    }
    const number = BigInt(round.round)
    if (dpConfigFor(ledger, number) !== null && updates.updates.length === 0 && ledger.rounds_left === '0')
      return this.#budgetSpent(number, 'ledger', ledger)
    if (this.#o.attack?.kind === 'copy' && updates.updates.length === 0) return // nothing to copy yet: wait for a victim
    await this.#ensureModel()
    await this.#train(round, updates.updates, ledger)
  }

  /** The subnet's DP budget is spent: says so once, trains no more for it, resolves `finished`. */
  async #budgetSpent(round: bigint, found: TrainerFinish['found'], known?: DpLedger): Promise<void> {
    const { client, subnet, log } = this.#o
    const ledger = known ?? (await client.call('subnet_dpLedger', { subnet: String(subnet) }).catch(() => null))
    const finish: TrainerFinish = {
      reason: 'dp_budget_exhausted',
      subnet,
      round,
      found,
      epsilon: ledger?.epsilon ?? null,
      targetEpsilon: ledger?.policy?.target_epsilon ?? null,
      delta: ledger?.policy?.delta ?? null,
      roundsCharged: ledger?.rounds ?? null,
    }
    this.#finish = finish
    this.#o.metrics?.stopped.set({ reason: finish.reason }, 1)
    const spent =
      ledger === null
        ? 'the ledger could not be read'
        : `ε ${finish.epsilon} of ${finish.targetEpsilon} at δ ${finish.delta} spent in ${finish.roundsCharged} rounds`
    log.warn(
      { ...finish, subnet: String(subnet), round: String(round), code: `training/${DP_BUDGET_EXHAUSTED}` },
      `DP budget of subnet ${subnet} exhausted (${spent}): round ${round} ${found === 'refused' ? 'refused the update (training/103 DP_BUDGET_EXHAUSTED)' : 'would be refused'}; this trainer stops training for subnet ${subnet}`,
    )
    this.#resolveFinished(finish)
  }

  async #baseModel(cid: string): Promise<Float32Array> {
    if (this.#base?.cid !== cid) this.#base = { cid, parameters: modelParameters(await this.#blobs.get(cid), this.#parameterCount, cid) }
    return this.#base.parameters
  }

  /**
   * A secagg round takes updates only once its setup phase is over (from setupEnd), so the
   * trainer starts training as soon as the round is open and keeps the plain update until then: the update phase then holds just masking and the transaction, not local training.
   * Started once per round and not awaited here (the chain keeps being followed); `#train` awaits
   * it, and an error in it surfaces there. Not for an attack (an experiment on plain subnets).
   */
  async #pretrain(round: Round): Promise<void> {
    if (this.#o.attack !== undefined || this.#pretrained.has(round.round)) return
    await this.#ensureModel()
    const ledger = await this.#o.client.call('subnet_dpLedger', { subnet: String(this.#o.subnet) })
    if (dpConfigFor(ledger, BigInt(round.round)) !== null && ledger.rounds_left === '0') return // step() decides at setupEnd
    for (const r of this.#pretrained.keys()) if (BigInt(r) < BigInt(round.round)) this.#pretrained.delete(r)
    const training = this.#plainUpdate(round, ledger)
    training.catch(() => {}) // awaited, and thrown, by #train
    this.#pretrained.set(round.round, training)
  }

  /** The round's honest update: local training, clip, the DP policy's noise if one governs the round, quantization. */
  async #plainUpdate(round: Round, ledger: DpLedger, random = roundRandom(this.#o.seed, BigInt(round.round))): Promise<PlainUpdate> {
    const { client, subnet, data } = this.#o
    const base = await this.#baseModel(round.base_global_cid)
    const number = BigInt(round.round)
    const quant = this.#quantization(round)
    const result = await this.#trainLocal(data, base, {
      ...DEFAULT_TRAINING,
      ...this.#o.training,
      seed: SeededRandom.derive(this.#o.seed, Number(number % 0xffff_ffffn)).nextUint32(),
    })
    const delta = computeDelta(result.parameters, base)
    clipL2(delta, quant.clipNorm)
    // A policy set while this round trained governs it if the round had no update yet: look again.
    const dp = dpConfigFor(ledger.policy === null ? await client.call('subnet_dpLedger', { subnet: String(subnet) }) : ledger, number)
    // The policy's clip (the sensitivity) after the subnet's, then noise of σ = z·C; quantizing after is post-processing.
    if (dp !== null) privatizeUpdate(delta, dp, this.#o.noise?.(number) ?? new CryptoNormal())
    return { values: quantize(delta, quant, random), loss: result.lastEpochLoss, dp: dp !== null }
  }

  /** Under secure aggregation the wire is int32 residues, but the plain update must stay within PLAIN_MAX_ABS (src/fl/secagg/ring.ts). */
  #quantization(round: Round) {
    const maxAbs = round.rule === SECAGG_RULE ? PLAIN_MAX_ABS : round.quantization.max_abs
    return { scale: round.quantization.scale, maxAbs, clipNorm: this.#clipNorm }
  }

  async #train(round: Round, others: Result<'round_updates'>['updates'], ledger: DpLedger): Promise<void> {
    const { client, key, subnet, data, log, attack } = this.#o
    const started = performance.now()
    const n = this.#parameterCount
    const number = BigInt(round.round)
    // one stream for the quantization's rounding and then an attack's draws, as before the split
    const random = roundRandom(this.#o.seed, number)
    const secagg = round.rule === SECAGG_RULE
    const quant = this.#quantization(round)
    let honest: Int32Array | undefined
    let loss = Number.NaN
    if (attack === undefined || attackTrains(attack)) {
      const early = this.#pretrained.get(round.round)
      this.#pretrained.delete(round.round)
      let plain = early === undefined ? undefined : await early
      // trained before a DP policy came to govern the round (or before it stopped governing it): train again
      if (plain !== undefined && plain.dp !== (dpConfigFor(ledger, number) !== null)) plain = undefined
      plain ??= await this.#plainUpdate(round, ledger, random)
      honest = plain.values
      loss = plain.loss
    }
    const values =
      attack === undefined
        ? honest!
        : attackUpdate(attack, {
            honest,
            previousAggregate: await this.#previousAggregate(round),
            victim: await this.#victim(others),
            length: n,
            maxAbs: quant.maxAbs,
            scale: quant.scale,
            random,
          })
    const wire = secagg ? this.#secAgg.mask(round, values, Math.min(data.count, round.sample_cap), quant.scale) : values
    // a private subnet's update is sealed to its epoch key before it is stored (envelope-seal.ts)
    const { bytes: blob, extraGas: keySetGas } = await sealedUpdate(
      client,
      subnet,
      encodeUpdateBlob({ dtype: round.quantization.dtype as UpdateDtype, shape: [n], scale: quant.scale, values: wire }),
    )
    const cid = await this.#blobs.put(blob)
    const metrics = Number.isFinite(loss) ? [{ name: 'loss', value: BigInt(Math.round(loss * 1e6)) }] : []
    const msg = messages.trainingSubmitUpdate({
      subnet,
      round: number,
      updateCid: cid,
      sampleCount: data.count,
      byteSize: blob.length,
      deviceIdHash: sha256(new TextEncoder().encode(this.#o.deviceId ?? this.#address)),
      epochId: number,
      claimedMetrics: metrics,
    })
    // Gas as the chain charges it: the checks, the free-rider comparisons with the round's earlier
    // updates (as many as the round may hold before this one: others may land first), the writes,
    // and in a private subnet the key set's staleness check, per recipient.
    const gas =
      submitUpdateGas(n, round.quantization.dtype, Math.max(others.length, round.max_updates - 1), this.#gasPerCoordinate) +
      400_000n +
      keySetGas
    // The declaration rides in the update's transaction: both land, or neither (a retry resends both).
    const declared = this.#declaration === null ? [] : [declarationMessage(this.#declaration, subnet, number)]
    const tx = await buildTx(client, key, [...declared, msg], { fee: 200n, gasLimit: gas + (declared.length > 0 ? DECLARE_GAS : 0n) })
    let answer: Awaited<ReturnType<typeof client.broadcastTx>>
    try {
      answer = await client.broadcastTx(tx, 'commit', 30_000)
    } catch (error) {
      // Training's admission rule refused it (window closed, not a member, …): final for this round.
      if (
        !(
          error instanceof ClientError &&
          error.is('TX_REJECTED') &&
          (error.context.data as { codespace?: unknown } | undefined)?.codespace === 'training'
        )
      )
        throw error
      const data = error.context.data as { code: number; log: string }
      this.#o.metrics?.refused.inc({ code: `training/${data.code}` })
      log.warn({ round: round.round, code: `training/${data.code}`, log: data.log }, 'update refused at admission')
      this.#done.add(round.round)
      if (data.code === DP_BUDGET_EXHAUSTED) await this.#budgetSpent(number, 'refused')
      return
    }
    const seconds = (performance.now() - started) / 1000
    this.#o.metrics?.round.set(Number(number))
    if (answer.result === undefined || answer.result.code !== 0) {
      const code = answer.result === undefined ? 'not committed' : `${answer.result.codespace}/${answer.result.code}`
      this.#o.metrics?.refused.inc({ code })
      log.warn({ round: round.round, code, log: answer.result?.log }, 'update refused')
      // A window that passed cannot be retried; anything else is tried again on the next block.
      if (answer.result !== undefined && answer.result.codespace === 'training') this.#done.add(round.round)
      if (answer.result?.codespace === 'training' && answer.result.code === DP_BUDGET_EXHAUSTED) await this.#budgetSpent(number, 'refused')
      return
    }
    this.#done.add(round.round)
    this.#o.metrics?.submitted.inc()
    this.#o.metrics?.seconds.observe(seconds)
    log.info(
      `round ${round.round} · trained ${data.count} samples${Number.isFinite(loss) ? ` · loss ${loss.toFixed(3)}` : ''}${attack === undefined ? '' : ` · attack ${attack.kind}`} · update ${cid.slice(0, 16)}… included at height ${answer.height} · ${seconds.toFixed(1)} s`,
    )
    this.#o.onRound?.({ round: number, updateCid: cid, height: answer.height ?? 0, samples: data.count, loss, seconds })
  }

  /** The aggregate of the version this round trains (for a replaying free-rider). */
  async #previousAggregate(round: Round): Promise<Int32Array | undefined> {
    if (this.#o.attack?.kind !== 'replay') return undefined
    const version = await this.#o.client.call('model_version', { subnet: String(this.#o.subnet), version: round.base_version })
    return version.aggregate_cid === null ? undefined : decodeUpdateBlob(await this.#blobs.get(version.aggregate_cid)).values
  }

  /** Another trainer's update of this round (for a copying free-rider). */
  async #victim(others: Result<'round_updates'>['updates']): Promise<Int32Array | undefined> {
    if (this.#o.attack?.kind !== 'copy' || others.length === 0) return undefined
    return decodeUpdateBlob(await this.#blobs.get(others[0]!.update_cid)).values
  }
}

/** `--attack`: the FL library's attacks, with `freeride` for a zero update. */
export function trainerAttack(text: string | undefined, parse: (text: string) => AttackSpec): AttackSpec | undefined {
  if (text === undefined) return undefined
  if (text === 'freeride') return { kind: 'zero' }
  try {
    return parse(text)
  } catch (error) {
    throw new RoleError('BAD_OPTION', `--attack: ${(error as Error).message.replace(/^[A-Z_]+: /, '')} (or freeride)`, {
      option: 'attack',
      value: text.slice(0, 40),
    })
  }
}
