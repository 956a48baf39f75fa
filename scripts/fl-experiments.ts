/**
 * The learning table of docs/fl.md, recomputed: the centralised baseline and every federated
 * run (10 trainers, 20 rounds, seed 1, 2 local epochs, lr 0.1, momentum 0.9, batch 32, clip 5),
 * each one identical to the `npm run fl:sim -- …` command printed next to it.
 *   npm run fl:experiments                 everything (~27 minutes on one core)
 *   npm run fl:experiments -- --only iid   runs whose label contains "iid" (also: --only multikrum, --only centralised)
 */
import { parseArgs } from 'node:util'
import { parseAttackSpec, parsePartitionSpec, runCentralised, runSimulation } from '../src/fl/index.js'

const { values: args } = parseArgs({ options: { only: { type: 'string' } } })
const training = { learningRate: 0.1, momentum: 0.9, batchSize: 32, epochs: 2 }

interface Run { label: string; partition: string; rule: string; attackers?: string }
const runs: Run[] = [
  { label: 'iid clean', partition: 'iid', rule: 'fedavg' },
  { label: 'dirichlet:0.5 clean', partition: 'dirichlet:0.5', rule: 'fedavg' },
  ...['median', 'trimmed:0.2', 'trimmed:0.3', 'krum', 'multikrum'].map((rule) => ({ label: `iid clean ${rule}`, partition: 'iid', rule })),
  ...['signflip', 'scaled'].flatMap((attack) =>
    ['fedavg', 'median', 'trimmed:0.2', 'trimmed:0.3', 'krum', 'multikrum'].map((rule) => ({ label: `iid 30% ${attack} ${rule}`, partition: 'iid', rule, attackers: `0.3:${attack}` })),
  ),
]

const selected = runs.filter((r) => args.only === undefined || r.label.includes(args.only))
const rows: string[] = []
if (args.only === undefined || 'centralised'.includes(args.only)) {
  for (const lr of [0.05, 0.1]) {
    const best = { accuracy: 0, epoch: 0 }
    const final = await runCentralised({ epochs: 20, seed: 1, training: { ...training, learningRate: lr }, onEpoch: (epoch, e) => { if (e.accuracy > best.accuracy) Object.assign(best, { accuracy: e.accuracy, epoch }) } })
    rows.push(`| centralised, lr ${lr}, 20 epochs | — | — | ${final.accuracy.toFixed(4)} | best ${best.accuracy.toFixed(4)} (epoch ${best.epoch}) | \`npm run fl:sim -- --centralised --epochs 20 --lr ${lr}\` |`)
    console.log(rows.at(-1))
  }
}
for (const run of selected) {
  let best = { accuracy: 0, round: 0 }
  const result = await runSimulation({
    trainers: 10, rounds: 20, seed: 1, partition: parsePartitionSpec(run.partition), rule: run.rule, training,
    ...(run.attackers === undefined ? {} : { attackers: { fraction: Number(run.attackers.split(':')[0]), attack: parseAttackSpec(run.attackers.split(':')[1]!) } }),
    onRound: (r) => { if (r.accuracy > best.accuracy) best = { accuracy: r.accuracy, round: r.round } },
  })
  const command = `npm run fl:sim -- --trainers 10 --rounds 20 --partition ${run.partition} --rule ${run.rule}${run.attackers ? ` --attackers ${run.attackers}` : ''} --seed 1`
  rows.push(`| ${run.partition} | ${run.rule} | ${run.attackers ?? 'none'} | ${result.final.accuracy.toFixed(4)} | best ${best.accuracy.toFixed(4)} (round ${best.round}) | \`${command}\` |`)
  console.log(rows.at(-1))
}
console.log('\n| data | rule | attackers | final accuracy | best | command |\n|---|---|---|---|---|---|')
for (const row of rows) console.log(row)
