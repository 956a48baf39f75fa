/**
 * Federated learning on MNIST without a chain:
 *   npm run fl:sim -- --trainers 10 --rounds 20 --partition iid --rule fedavg --seed 1
 *   npm run fl:sim -- --partition dirichlet:0.5 --rule median --attackers 0.3:signflip
 *   npm run fl:sim -- --centralised --epochs 20          (the baseline)
 *   npm run fl:sim -- --model cnn                        (smallCnnSpec instead of the MLP)
 *   npm run fl:sim -- --dp 1.0 --clip 1                  (DP at every trainer: clip to 1, noise 1.0·1)
 * Prints the test accuracy per round and ends with `final accuracy: 0.XXXX` (with --dp, then
 * `dp: ε X at δ D after R rounds`, the accountant the chain's ledger mirrors). Bad arguments
 * print the reason and exit with code 2.
 */
import { parseArgs } from 'node:util'
import {
  DEFAULT_QUANTIZATION,
  dpEpsilon,
  FlError,
  mlpSpec,
  smallCnnSpec,
  formatLearningRateSchedule,
  getAggregationRule,
  parseAttackSpec,
  parseLearningRateSchedule,
  parsePartitionSpec,
  runCentralised,
  runSimulation,
  type KernelMode,
} from '../src/fl/index.js'

const usage = `usage: npm run fl:sim -- [--model mlp|cnn] [--trainers N] [--rounds R] [--partition iid|dirichlet:A|shards:K]
       [--rule fedavg|fedprox|median|trimmed:B|krum[:F]|multikrum[:F[:M]]|repfedavg, optionally +nnm[:F] (e.g. median+nnm)]
       [--attackers FRACTION:ATTACK] [--seed S] [--epochs E (local; with --centralised: total)] [--lr LR] [--lr-schedule constant|cosine[:FLOOR]|step:EVERY:FACTOR]
       [--momentum M] [--batch B] [--weight-decay WD]
       [--prox-mu MU] [--clip C] [--trainer-momentum B] [--server-clip] [--backend reference|cpu|webasm|webgpu] [--centralised]
       [--dp Z (every trainer clips to --clip and adds N(0, (Z·clip)²) per coordinate)] [--dp-delta D (default 1e-5)]`

function fail(message: string): never {
  console.error(`fl:sim: ${message}\n${usage}`)
  process.exit(2)
}

function int(text: string | undefined, name: string, fallback: number, min = 1): number {
  if (text === undefined) return fallback
  if (!/^\d+$/.test(text) || Number(text) < min) fail(`--${name} must be an integer ≥ ${min}, got "${text}"`)
  return Number(text)
}

function positive(text: string | undefined, name: string, fallback: number, allowZero = false): number {
  if (text === undefined) return fallback
  const v = Number(text)
  if (text === '' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0))
    fail(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${text}"`)
  return v
}

let args: ReturnType<typeof parse>
function parse() {
  return parseArgs({
    options: {
      model: { type: 'string' },
      trainers: { type: 'string' },
      rounds: { type: 'string' },
      partition: { type: 'string' },
      rule: { type: 'string' },
      attackers: { type: 'string' },
      seed: { type: 'string' },
      epochs: { type: 'string' },
      lr: { type: 'string' },
      'lr-schedule': { type: 'string' },
      'weight-decay': { type: 'string' },
      momentum: { type: 'string' },
      batch: { type: 'string' },
      'prox-mu': { type: 'string' },
      clip: { type: 'string' },
      backend: { type: 'string' },
      'trainer-momentum': { type: 'string' },
      'server-clip': { type: 'boolean' },
      centralised: { type: 'boolean' },
      dp: { type: 'string' },
      'dp-delta': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  }).values
}
try {
  args = parse()
} catch (error) {
  fail((error as Error).message)
}
if (args.help === true) {
  console.log(usage)
  process.exit(0)
}

try {
  const seed = int(args.seed, 'seed', 1, 0)
  const modelName = args.model ?? 'mlp'
  if (modelName !== 'mlp' && modelName !== 'cnn') fail(`--model must be mlp or cnn, got "${modelName}"`)
  const model = modelName === 'cnn' ? smallCnnSpec() : mlpSpec([784, 200, 10])
  const modelLabel = modelName === 'cnn' ? 'CNN conv(8,5)-pool2-conv(16,5)-pool2-dense(10)' : 'MLP 784-200-10'
  const training = {
    learningRate: positive(args.lr, 'lr', 0.1),
    momentum: positive(args.momentum, 'momentum', 0.9, true),
    batchSize: int(args.batch, 'batch', 32),
    proxMu: positive(args['prox-mu'], 'prox-mu', 0, true),
    weightDecay: positive(args['weight-decay'], 'weight-decay', 0, true),
  }
  if (training.momentum >= 1) fail('--momentum must be below 1')
  if (args.centralised === true) {
    const epochs = int(args.epochs, 'epochs', 20)
    console.log(`centralised baseline: ${modelLabel}, 8000 train / 2000 test, ${epochs} epochs, lr ${training.learningRate}, seed ${seed}`)
    const final = await runCentralised({
      epochs,
      seed,
      training,
      model,
      onEpoch: (epoch, e) =>
        console.log(`epoch ${String(epoch).padStart(3)}  accuracy ${e.accuracy.toFixed(4)}  loss ${e.loss.toFixed(4)}`),
    })
    console.log(`final accuracy: ${final.accuracy.toFixed(4)}`)
    process.exit(0)
  }
  const trainers = int(args.trainers, 'trainers', 10)
  const rounds = int(args.rounds, 'rounds', 20)
  const partition = parsePartitionSpec(args.partition ?? 'iid')
  const rule = getAggregationRule(args.rule ?? 'fedavg').name
  let attackers: { fraction: number; attack: ReturnType<typeof parseAttackSpec> } | undefined
  if (args.attackers !== undefined) {
    const at = args.attackers.indexOf(':')
    if (at < 0) fail(`--attackers must be FRACTION:ATTACK, e.g. 0.3:signflip, got "${args.attackers}"`)
    const fraction = Number(args.attackers.slice(0, at))
    if (!(fraction >= 0 && fraction < 1)) fail(`attacker fraction must be in [0, 1), got "${args.attackers.slice(0, at)}"`)
    attackers = { fraction, attack: parseAttackSpec(args.attackers.slice(at + 1)) }
  }
  const backend = args.backend ?? 'reference'
  if (!['reference', 'cpu', 'webasm', 'webgpu'].includes(backend))
    fail(`--backend must be reference, cpu, webasm or webgpu, got "${backend}"`)
  const localEpochs = int(args.epochs, 'epochs', 2)
  const clipNorm = positive(args.clip, 'clip', DEFAULT_QUANTIZATION.clipNorm)
  const trainerMomentum = positive(args['trainer-momentum'], 'trainer-momentum', 0, true)
  if (trainerMomentum >= 1) fail('--trainer-momentum must be below 1')
  const serverNormClip = args['server-clip'] === true
  const lrSchedule = parseLearningRateSchedule(args['lr-schedule'] ?? 'constant')
  // The policy a DP subnet sets (docs/privacy.md): clip to C, noise z·C, ε by zCDP at δ over the rounds.
  const dp = args.dp === undefined ? undefined : { clipNorm, noiseMultiplier: positive(args.dp, 'dp', 1) }
  const dpDelta = positive(args['dp-delta'], 'dp-delta', 1e-5)
  if (!(dpDelta < 1)) fail('--dp-delta must lie in (0, 1)')
  const extras = `${trainerMomentum > 0 ? ` trainer-momentum=${trainerMomentum}` : ''}${serverNormClip ? ' server-clip=median-norm' : ''}${dp === undefined ? '' : ` dp=${dp.noiseMultiplier} dp-delta=${dpDelta}`}`
  console.log(
    `fl:sim model=${modelName} trainers=${trainers} rounds=${rounds} partition=${args.partition ?? 'iid'} rule=${rule} attackers=${args.attackers ?? 'none'} local-epochs=${localEpochs} lr=${training.learningRate} lr-schedule=${formatLearningRateSchedule(lrSchedule)}${training.weightDecay > 0 ? ` weight-decay=${training.weightDecay}` : ''}${training.proxMu > 0 ? ` prox-mu=${training.proxMu}` : ''} batch=${training.batchSize} clip=${clipNorm}${extras} seed=${seed} backend=${backend}`,
  )
  const result = await runSimulation({
    model,
    trainers,
    rounds,
    partition,
    rule,
    seed,
    backend: backend as KernelMode | 'reference',
    training: { ...training, epochs: localEpochs },
    quantization: { ...DEFAULT_QUANTIZATION, clipNorm },
    trainerMomentum,
    serverNormClip,
    lrSchedule,
    ...(attackers === undefined ? {} : { attackers }),
    ...(dp === undefined ? {} : { dp }),
    onRound: (r) =>
      console.log(
        `round ${String(r.round).padStart(3)}  accuracy ${r.accuracy.toFixed(4)}  loss ${r.loss.toFixed(4)}${dp === undefined ? '' : `  ε ${dpEpsilon(dp.noiseMultiplier, r.round, dpDelta).toFixed(2)}`}${r.selected ? `  selected ${r.selected.join(',')}` : ''}  (${r.seconds.toFixed(1)} s)`,
      ),
  })
  if (result.attackers.length > 0) console.log(`attackers: ${result.attackers.join(',')}`)
  console.log(`final accuracy: ${result.final.accuracy.toFixed(4)}`)
  if (dp !== undefined)
    console.log(
      `dp: ε ${dpEpsilon(dp.noiseMultiplier, rounds, dpDelta).toFixed(3)} at δ ${dpDelta} after ${rounds} rounds (zCDP, no amplification by subsampling; per trainer, clip ${clipNorm}, noise ${dp.noiseMultiplier})`,
    )
} catch (error) {
  if (error instanceof FlError) fail(error.message)
  throw error
}
