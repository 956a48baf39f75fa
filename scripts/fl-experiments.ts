/**
 * The learning tables of docs/fl.md, recomputed: the centralised baseline, every federated run of
 * the main table (10 trainers, 20 rounds, seed 1, 2 local epochs, lr 0.1, momentum 0.9, batch 32,
 * clip 5) and the runs that try levers for the coordinate-wise rules under sign-flip, each one
 * identical to the `npm run fl:sim -- …` command printed next to it.
 *   npm run fl:experiments                   everything (~60 minutes on one shared core)
 *   npm run fl:experiments -- --only table   the main table (also e.g. --only multikrum, --only centralised)
 *   npm run fl:experiments -- --only lever   the lever runs (also e.g. --only "lever epochs")
 *   npm run fl:experiments -- --only nnm     the runs with nearest-neighbour pre-mixing (also e.g. --only "nnm seed 2")
 *   npm run fl:experiments -- --only scoring the scorers' table: each scoring method under each attack (scripts/fl-scoring.ts; not in the full run)
 */
import { parseArgs } from 'node:util'
import {
  DEFAULT_QUANTIZATION,
  parseAttackSpec,
  parseLearningRateSchedule,
  parsePartitionSpec,
  runCentralised,
  runSimulation,
} from '../src/fl/index.js'

const { values: args } = parseArgs({ options: { only: { type: 'string' } } })
if (args.only === 'scoring') {
  const { runScoringTable } = await import('./fl-scoring.js')
  await runScoringTable()
  process.exit(0)
}
const training = { learningRate: 0.1, momentum: 0.9, batchSize: 32, epochs: 2 }

/** Settings that differ from the defaults, as fl:sim flags. */
interface Lever {
  epochs?: number
  clip?: number
  trainerMomentum?: number
  serverClip?: boolean
  rounds?: number
  lrSchedule?: string
  batch?: number
  lr?: number
  proxMu?: number
  weightDecay?: number
}
interface Run {
  label: string
  partition: string
  rule: string
  attackers?: string
  lever?: Lever
  seed?: number
}

const robustRules = ['median', 'trimmed:0.3']
const levers: { name: string; lever: Lever; rules: string[] }[] = [
  { name: 'clip 20', lever: { clip: 20 }, rules: robustRules },
  { name: 'epochs 5', lever: { epochs: 5 }, rules: robustRules },
  { name: 'server clip', lever: { serverClip: true }, rules: robustRules },
  { name: 'trainer momentum 0.9', lever: { trainerMomentum: 0.9 }, rules: [...robustRules, 'fedavg'] },
  { name: 'lr cosine', lever: { lrSchedule: 'cosine' }, rules: robustRules },
  { name: 'batch 100 lr 0.3', lever: { batch: 100, lr: 0.3 }, rules: ['median'] },
  { name: 'fedprox mu 0.1', lever: { proxMu: 0.1 }, rules: ['median'] },
  { name: 'weight decay 0.0005', lever: { weightDecay: 0.0005 }, rules: ['median'] },
  { name: 'epochs 1', lever: { epochs: 1 }, rules: ['median'] },
]
const runs: Run[] = [
  { label: 'table iid clean', partition: 'iid', rule: 'fedavg' },
  { label: 'table dirichlet:0.5 clean', partition: 'dirichlet:0.5', rule: 'fedavg' },
  ...['median', 'trimmed:0.2', 'trimmed:0.3', 'krum', 'multikrum'].map((rule) => ({
    label: `table iid clean ${rule}`,
    partition: 'iid',
    rule,
  })),
  ...['signflip', 'scaled'].flatMap((attack) =>
    ['fedavg', 'median', 'trimmed:0.2', 'trimmed:0.3', 'krum', 'multikrum'].map((rule) => ({
      label: `table iid 30% ${attack} ${rule}`,
      partition: 'iid',
      rule,
      attackers: `0.3:${attack}`,
    })),
  ),
  ...levers.flatMap(({ name, lever, rules }) =>
    rules.flatMap((rule) =>
      [undefined, '0.3:signflip'].map((attackers) => ({
        label: `lever ${name} ${rule} ${attackers ?? 'clean'}`,
        partition: 'iid',
        rule,
        lever,
        ...(attackers === undefined ? {} : { attackers }),
      })),
    ),
  ),
  { label: 'lever rounds 50 krum clean', partition: 'iid', rule: 'krum', lever: { rounds: 50 } },
  ...nnmRuns(),
]

/** Nearest-neighbour mixing before the robust rules: seed 1 under both attacks, seed 2 under sign-flip. */
function nnmRuns(): Run[] {
  const at = (seed: number, rules: string[], attacks: (string | undefined)[]): Run[] =>
    rules.flatMap((rule) =>
      attacks.map((attackers) => ({
        label: `nnm seed ${seed} ${rule} ${attackers ?? 'clean'}`,
        partition: 'iid',
        rule,
        seed,
        ...(attackers === undefined ? {} : { attackers }),
      })),
    )
  return [
    ...at(1, ['median+nnm', 'trimmed:0.3+nnm', 'krum+nnm'], [undefined, '0.3:signflip', '0.3:scaled']),
    ...at(2, ['median+nnm', 'trimmed:0.3+nnm'], [undefined, '0.3:signflip']),
    ...at(1, ['median+nnm:3'], [undefined, '0.3:signflip']),
  ]
}

function flags(lever: Lever | undefined): string {
  if (lever === undefined) return ''
  return [
    lever.epochs === undefined ? '' : ` --epochs ${lever.epochs}`,
    lever.clip === undefined ? '' : ` --clip ${lever.clip}`,
    lever.trainerMomentum === undefined ? '' : ` --trainer-momentum ${lever.trainerMomentum}`,
    lever.serverClip === true ? ' --server-clip' : '',
    lever.lr === undefined ? '' : ` --lr ${lever.lr}`,
    lever.lrSchedule === undefined ? '' : ` --lr-schedule ${lever.lrSchedule}`,
    lever.batch === undefined ? '' : ` --batch ${lever.batch}`,
    lever.proxMu === undefined ? '' : ` --prox-mu ${lever.proxMu}`,
    lever.weightDecay === undefined ? '' : ` --weight-decay ${lever.weightDecay}`,
  ].join('')
}

const selected = runs.filter((r) => args.only === undefined || r.label.includes(args.only))
const rows: string[] = []
if (args.only === undefined || 'centralised'.includes(args.only)) {
  for (const lr of [0.05, 0.1]) {
    const best = { accuracy: 0, epoch: 0 }
    const final = await runCentralised({
      epochs: 20,
      seed: 1,
      training: { ...training, learningRate: lr },
      onEpoch: (epoch, e) => {
        if (e.accuracy > best.accuracy) Object.assign(best, { accuracy: e.accuracy, epoch })
      },
    })
    rows.push(
      `| centralised, lr ${lr}, 20 epochs | — | — | ${final.accuracy.toFixed(4)} | best ${best.accuracy.toFixed(4)} (epoch ${best.epoch}) | \`npm run fl:sim -- --centralised --epochs 20 --lr ${lr}\` |`,
    )
    console.log(rows.at(-1))
  }
}
for (const run of selected) {
  let best = { accuracy: 0, round: 0 }
  const rounds = run.lever?.rounds ?? 20
  const seed = run.seed ?? 1
  const result = await runSimulation({
    trainers: 10,
    rounds,
    seed,
    partition: parsePartitionSpec(run.partition),
    rule: run.rule,
    training: {
      ...training,
      epochs: run.lever?.epochs ?? training.epochs,
      learningRate: run.lever?.lr ?? training.learningRate,
      batchSize: run.lever?.batch ?? training.batchSize,
      proxMu: run.lever?.proxMu ?? 0,
      weightDecay: run.lever?.weightDecay ?? 0,
    },
    lrSchedule: parseLearningRateSchedule(run.lever?.lrSchedule ?? 'constant'),
    quantization: { ...DEFAULT_QUANTIZATION, clipNorm: run.lever?.clip ?? DEFAULT_QUANTIZATION.clipNorm },
    trainerMomentum: run.lever?.trainerMomentum ?? 0,
    serverNormClip: run.lever?.serverClip ?? false,
    ...(run.attackers === undefined
      ? {}
      : { attackers: { fraction: Number(run.attackers.split(':')[0]), attack: parseAttackSpec(run.attackers.split(':')[1]!) } }),
    onRound: (r) => {
      if (r.accuracy > best.accuracy) best = { accuracy: r.accuracy, round: r.round }
    },
  })
  const command = `npm run fl:sim -- --trainers 10 --rounds ${rounds} --partition ${run.partition} --rule ${run.rule}${run.attackers ? ` --attackers ${run.attackers}` : ''}${flags(run.lever)} --seed ${seed}`
  const setting = run.label.startsWith('lever')
    ? run.label.split(' ').slice(1, -2).join(' ')
    : run.label.startsWith('nnm')
      ? `${run.partition}, seed ${seed}`
      : run.partition
  rows.push(
    `| ${setting} | ${run.rule} | ${run.attackers ?? 'none'} | ${result.final.accuracy.toFixed(4)} | best ${best.accuracy.toFixed(4)} (round ${best.round}) | \`${command}\` |`,
  )
  console.log(rows.at(-1))
}
console.log('\n| data / setting | rule | attackers | final accuracy | best | command |\n|---|---|---|---|---|---|')
for (const row of rows) console.log(row)
