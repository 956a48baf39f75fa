import { logger } from '../../log/index.js'
import { FlError } from '../errors.js'
import { subset, type Dataset } from '../data/dataset.js'
import { loadMnist } from '../data/mnist.js'
import { partition, type PartitionSpec } from '../data/partition.js'
import { selectKernelBackend, type KernelBackend, type KernelMode } from '../kernels/backend.js'
import { initialParameters } from '../model/init.js'
import { Network } from '../model/network.js'
import { mlpSpec, type ModelSpec } from '../model/spec.js'
import { ensureTfBackend } from '../model/tf.js'
import { permutation, SeededRandom } from '../random.js'
import { getAggregationRule } from '../rules/registry.js'
import { evaluate, type Evaluation } from '../train/evaluate.js'
import { DEFAULT_TRAINING, trainLocal, type TrainingConfig } from '../train/local-training.js'
import { CONSTANT_LEARNING_RATE, scheduledLearningRate, type LearningRateSchedule } from '../train/lr-schedule.js'
import { privatizeUpdate, type DpConfig } from '../train/privacy.js'
import { encodeUpdateBlob, updateBlobCid } from '../update/blob.js'
import { applyAggregate, clipL2, computeDelta, DEFAULT_QUANTIZATION, quantize, type QuantizationConfig } from '../update/quantize.js'
import { validateUpdateBlob } from '../update/validate.js'
import { attackTrains, attackUpdate, type AttackSpec } from './attacks.js'

/** A federated run without a chain: the same blobs, validation and rules the chain uses. */
export interface SimulationConfig {
  readonly trainers: number
  readonly rounds: number
  readonly partition: PartitionSpec
  readonly rule: string
  readonly attackers?: { readonly fraction: number; readonly attack: AttackSpec }
  readonly seed: number
  readonly model?: ModelSpec
  readonly training?: Partial<Omit<TrainingConfig, 'seed'>>
  readonly quantization?: QuantizationConfig
  readonly dp?: DpConfig
  /** Use only the first rows of the fixed MNIST split (tests keep runs short). */
  readonly trainRows?: number
  readonly testRows?: number
  /** 'reference' (plain TypeScript) or a gpu.js mode; default 'reference'. */
  readonly backend?: KernelMode | 'reference'
  /** Sample counts are capped at this weight (the subnet's cap). */
  readonly weightCap?: number
  /**
   * Trainer momentum across rounds (Karimireddy et al. 2021, "Learning from history"): each
   * trainer submits m ← β·m + (1 − β)·δ of its clipped deltas (m starts at the first δ) instead
   * of δ. Attackers attack their own m. 0 or absent: plain δ.
   */
  readonly trainerMomentum?: number
  /**
   * An experiment outside the chain's rules: before aggregating, scale every update whose L2 norm
   * exceeds the round's median update norm down to it (server-side norm clipping, Sun et al.
   * 2019). Floats, not consensus; the integer rules then run on the clipped updates.
   */
  readonly serverNormClip?: boolean
  /** The trainers' local learning rate by round (`training.learningRate` is the base); default constant. */
  readonly lrSchedule?: LearningRateSchedule
  readonly onRound?: (report: RoundReport) => void
}

export interface RoundReport {
  readonly round: number
  readonly accuracy: number
  readonly loss: number
  readonly selected?: readonly number[]
  readonly attackers: readonly number[]
  readonly seconds: number
}

export interface SimulationResult {
  readonly rounds: RoundReport[]
  readonly final: Evaluation
  readonly attackers: readonly number[]
}

const log = logger('fl.sim')

export function mnistSplit(trainRows?: number, testRows?: number): { train: Dataset; test: Dataset } {
  const { train, test } = loadMnist()
  const head = (d: Dataset, n: number | undefined): Dataset =>
    n === undefined || n >= d.count
      ? d
      : subset(
          d,
          Array.from({ length: n }, (_, i) => i),
        )
  return { train: head(train, trainRows), test: head(test, testRows) }
}

function flipLabels(data: Dataset): Dataset {
  return { ...data, labels: data.labels.map((y) => data.classes - 1 - y) }
}

export async function runSimulation(config: SimulationConfig): Promise<SimulationResult> {
  if (!Number.isInteger(config.trainers) || config.trainers < 1)
    throw new FlError('FL_INVALID_TRAINING_CONFIG', 'trainers must be ≥ 1', { field: 'trainers', value: String(config.trainers) })
  if (!Number.isInteger(config.rounds) || config.rounds < 1)
    throw new FlError('FL_INVALID_TRAINING_CONFIG', 'rounds must be ≥ 1', { field: 'rounds', value: String(config.rounds) })
  await ensureTfBackend()
  const spec = config.model ?? mlpSpec([784, 200, 10])
  const quant = config.quantization ?? DEFAULT_QUANTIZATION
  const training = { ...DEFAULT_TRAINING, ...config.training }
  const rule = getAggregationRule(config.rule)
  const weightCap = config.weightCap ?? rule.ranges.maxWeight
  const { train, test } = mnistSplit(config.trainRows, config.testRows)
  const parts = partition(train.labels, train.classes, config.trainers, config.partition, config.seed)
  const fraction = config.attackers?.fraction ?? 0
  if (!(fraction >= 0 && fraction < 1))
    throw new FlError('FL_INVALID_TRAINING_CONFIG', 'attacker fraction must be in [0, 1)', { field: 'attackers', value: String(fraction) })
  const attackerCount = Math.round(fraction * config.trainers)
  const trainerMomentum = config.trainerMomentum ?? 0
  if (!(trainerMomentum >= 0 && trainerMomentum < 1))
    throw new FlError('FL_INVALID_TRAINING_CONFIG', 'trainer momentum must be in [0, 1)', {
      field: 'trainerMomentum',
      value: String(trainerMomentum),
    })
  const attackers = Array.from(permutation(config.trainers, SeededRandom.derive(config.seed, 0xa77ac)).subarray(0, attackerCount)).sort(
    (a, b) => a - b,
  )
  const attack = config.attackers?.attack
  const datasets = parts.map((rows, t) => {
    const local = subset(train, rows)
    return attackers.includes(t) && attack?.kind === 'labelflip' ? flipLabels(local) : local
  })
  const network = new Network(spec)
  const backend: KernelBackend | undefined =
    config.backend === undefined || config.backend === 'reference' ? undefined : await selectKernelBackend(config.backend)
  const shape = [network.parameterCount]
  let global = initialParameters(spec, config.seed)
  let previousAggregate: Int32Array | undefined
  const momenta: (Float32Array | undefined)[] = []
  const reports: RoundReport[] = []
  try {
    for (let round = 1; round <= config.rounds; round++) {
      const started = process.hrtime.bigint()
      const honest: (Int32Array | undefined)[] = []
      const learningRate = scheduledLearningRate(config.lrSchedule ?? CONSTANT_LEARNING_RATE, training.learningRate, round, config.rounds)
      for (let t = 0; t < config.trainers; t++) {
        const isAttacker = attackers.includes(t)
        if (isAttacker && attack !== undefined && !attackTrains(attack)) continue
        const result = trainLocal(network, datasets[t]!, global, {
          ...training,
          learningRate,
          seed: SeededRandom.derive(config.seed, round, t).nextUint32(),
        })
        const delta = computeDelta(result.parameters, global)
        const random = SeededRandom.derive(config.seed, round, t, 1)
        if (config.dp !== undefined) privatizeUpdate(delta, config.dp, random)
        else clipL2(delta, quant.clipNorm)
        if (trainerMomentum > 0) momenta[t] = accumulateMomentum(momenta[t], delta, trainerMomentum)
        honest[t] = quantize(momenta[t] ?? delta, quant, random)
      }
      const victim = honest.find((u, t) => u !== undefined && !attackers.includes(t))
      const blobs: Uint8Array[] = []
      const cids: string[] = []
      for (let t = 0; t < config.trainers; t++) {
        const values =
          attackers.includes(t) && attack !== undefined
            ? attackUpdate(attack, {
                honest: honest[t],
                previousAggregate,
                victim,
                length: shape[0]!,
                maxAbs: quant.maxAbs,
                scale: quant.scale,
                random: SeededRandom.derive(config.seed, round, t, 2),
              })
            : honest[t]!
        const blob = encodeUpdateBlob({ dtype: quant.maxAbs <= 32767 ? 'int16' : 'int32', shape, scale: quant.scale, values })
        blobs.push(blob)
        cids.push((await updateBlobCid(blob)).toString())
      }
      // what the chain does: check every blob against its CID and the round, then aggregate
      const updates = await Promise.all(
        blobs.map((blob, t) =>
          validateUpdateBlob(blob, {
            dtype: quant.maxAbs <= 32767 ? 'int16' : 'int32',
            shape,
            scale: quant.scale,
            maxAbs: quant.maxAbs,
            cid: cids[t]!,
          }),
        ),
      )
      if (config.serverNormClip === true) clipToMedianNorm(updates.map((u) => u.values))
      const input = {
        updates: updates.map((u) => u.values),
        weights: parts.map((p) => Math.min(p.length, weightCap)),
        reputations: parts.map(() => 1000),
      }
      const aggregate = backend === undefined ? rule.reference(input) : await rule.kernel(input, backend)
      previousAggregate = aggregate.values
      global = applyAggregate(global, aggregate.values, quant.scale)
      const evaluation = evaluate(network, global, test)
      const report: RoundReport = {
        round,
        accuracy: evaluation.accuracy,
        loss: evaluation.loss,
        attackers,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        ...(aggregate.selected === undefined ? {} : { selected: aggregate.selected }),
      }
      log.debug(report, 'round done')
      reports.push(report)
      config.onRound?.(report)
    }
    return { rounds: reports, final: evaluate(network, global, test), attackers }
  } finally {
    network.dispose()
    await backend?.destroy()
  }
}

function accumulateMomentum(momentum: Float32Array | undefined, delta: Float32Array, beta: number): Float32Array {
  if (momentum === undefined) return delta.slice()
  for (let i = 0; i < momentum.length; i++) momentum[i] = beta * momentum[i]! + (1 - beta) * delta[i]!
  return momentum
}

/** Scales, in place, every update longer (L2) than the median length down to it. */
function clipToMedianNorm(updates: Int32Array[]): void {
  const norms = updates.map((u) => {
    let s = 0
    for (let i = 0; i < u.length; i++) s += u[i]! * u[i]!
    return Math.sqrt(s)
  })
  const sorted = [...norms].sort((a, b) => a - b)
  const median = (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.floor(sorted.length / 2)]!) / 2
  updates.forEach((u, t) => {
    if (norms[t]! <= median) return
    const factor = median / norms[t]!
    for (let i = 0; i < u.length; i++) u[i] = Math.round(u[i]! * factor)
  })
}

/** The centralised baseline: the same model trained on the whole training split. */
export async function runCentralised(options: {
  readonly epochs: number
  readonly seed: number
  readonly model?: ModelSpec
  readonly training?: Partial<Omit<TrainingConfig, 'seed' | 'epochs'>>
  readonly trainRows?: number
  readonly testRows?: number
  readonly onEpoch?: (epoch: number, evaluation: Evaluation) => void
}): Promise<Evaluation> {
  await ensureTfBackend()
  const spec = options.model ?? mlpSpec([784, 200, 10])
  const { train, test } = mnistSplit(options.trainRows, options.testRows)
  const network = new Network(spec)
  try {
    let params = initialParameters(spec, options.seed)
    let evaluation = evaluate(network, params, test)
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      params = trainLocal(network, train, params, {
        ...DEFAULT_TRAINING,
        ...options.training,
        epochs: 1,
        seed: SeededRandom.derive(options.seed, epoch).nextUint32(),
      }).parameters
      evaluation = evaluate(network, params, test)
      options.onEpoch?.(epoch, evaluation)
    }
    return evaluation
  } finally {
    network.dispose()
  }
}
