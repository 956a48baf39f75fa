/**
 * Samples per second of Fedra's local training loop (`trainLocal`, src/fl/train/local-training.ts)
 * against raw tfjs-wasm `model.fit` on the same model, batch, learning rate, momentum and rows,
 * measured in the same run, for the MLP (784-200-10) and the CNN (smallCnnSpec):
 *
 *   (a) raw fit            a tf.sequential of the same layers, `fit(x, y, { batchSize: 32, epochs: 1, shuffle: false })`
 *                          on rows permuted once by a seeded shuffle (fit's own shuffle draws Math.random
 *                          and gathers each batch: the baseline is spared that work, trainLocal is not)
 *   (b) trainLocal         on the main thread, ratio to (a)                          target ≥ 1.0×
 *   (c) 1 worker           trainLocal in one TrainingWorker, ratio to (b) (the thread's overhead)
 *   (d) 2 workers          two TrainingWorkers at once, each on its own trainer's rows (as many as (b)),
 *                          total samples/s, ratio to (b)                             target ≥ 1.7×
 *   (e) 2 raw fit workers  two raw fits at once in two worker threads, ratio to (a): what the machine's
 *                          two cores give plain tfjs, the parallel baseline for (d)
 *   (f) 1 spin thread      a CPU-bound integer loop (xorshift) in one worker thread, and
 *   (g) 2 spin threads     the same in two threads at once, ratio to (f): the parallelism the shared
 *                          machine offers right now to any two threads, the ceiling for (d) and (e)
 *
 * After one untimed warm-up round, each round times every path once, in turn (so each ratio
 * compares paths under the same load); a path's figure is its best round, the least disturbed
 * (the two cores are shared with other work: the load average is printed). (c) is checked to
 * return bit-identical parameters to (b).
 *
 *   npm run bench -- training                       both models, 5 timed rounds
 *   npm run bench -- training --models mlp --rounds 5 --mlp-rows 3200 --cnn-rows 1024
 */
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import { subset, type Dataset } from '../src/fl/data/dataset.js'
import { loadMnist } from '../src/fl/data/mnist.js'
import { initialParameters } from '../src/fl/model/init.js'
import { Network } from '../src/fl/model/network.js'
import { mlpSpec, parameterLayout, smallCnnSpec, type ModelSpec } from '../src/fl/model/spec.js'
import { ensureTfBackend, tf } from '../src/fl/model/tf.js'
import { DEFAULT_TRAINING, trainLocal, type TrainingConfig } from '../src/fl/train/local-training.js'
import { startModuleWorker } from '../src/fl/train/module-worker.js'
import { TrainingWorker } from '../src/fl/train/training-worker.js'
import { RawFit, type RawFitRequest, type RawFitSetup } from './harness-training-fit.js'

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'mlp,cnn' },
    rounds: { type: 'string', default: '5' },
    'mlp-rows': { type: 'string', default: '3200' },
    'cnn-rows': { type: 'string', default: '1024' },
  },
})
const rounds = Number(args.rounds)
const BATCH = 32
const config: TrainingConfig = { ...DEFAULT_TRAINING, epochs: 1, batchSize: BATCH, seed: 11 }
const models: Record<string, { spec: ModelSpec; rows: number; label: string }> = {
  mlp: { spec: mlpSpec([784, 200, 10]), rows: Number(args['mlp-rows']), label: 'MLP 784-200-10' },
  cnn: { spec: smallCnnSpec(), rows: Number(args['cnn-rows']), label: 'CNN smallCnnSpec' },
}
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')

/** A raw fit in its own worker thread (bench/harness-training-fit.ts). */
class RawFitWorker {
  readonly #worker: Worker
  readonly #ready: Promise<void>
  #waiting: ((loss: number) => void) | null = null

  constructor() {
    this.#worker = startModuleWorker(new URL('./harness-training-fit.ts', import.meta.url), { workerData: { role: 'raw-fit' } })
    this.#ready = new Promise((resolve, reject) => {
      this.#worker.once('error', reject)
      this.#worker.on('message', (reply: { kind: 'ready' } | { kind: 'done'; loss: number }) => {
        if (reply.kind === 'ready') resolve()
        else this.#waiting?.(reply.loss)
      })
    })
  }

  async setup(setup: RawFitSetup): Promise<void> {
    await this.#ready
    this.#worker.postMessage({ kind: 'setup', setup } satisfies RawFitRequest)
  }

  epoch(): Promise<number> {
    return new Promise((resolve) => {
      this.#waiting = resolve
      this.#worker.postMessage({ kind: 'epoch' } satisfies RawFitRequest)
    })
  }

  async close(): Promise<void> {
    await this.#worker.terminate()
  }
}

/** A worker thread spinning a CPU-bound xorshift loop: no memory traffic, no tfjs. */
class SpinWorker {
  static readonly CODE = `const { parentPort } = require('node:worker_threads')
parentPort.on('message', (n) => { let x = 1; for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5 } parentPort.postMessage(x) })`
  readonly #worker = new Worker(SpinWorker.CODE, { eval: true })

  run(iterations: number): Promise<void> {
    return new Promise((resolve) => {
      this.#worker.once('message', () => resolve())
      this.#worker.postMessage(iterations)
    })
  }

  async close(): Promise<void> {
    await this.#worker.terminate()
  }
}
const SPIN = 100_000_000

async function seconds(run: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint()
  await run()
  return Number(process.hrtime.bigint() - start) / 1e9
}

const rows = (data: Dataset, from: number, count: number): Dataset =>
  subset(
    data,
    Array.from({ length: count }, (_, i) => from + i),
  )
const rawSetup = (spec: ModelSpec, start: Float32Array, data: Dataset): RawFitSetup => ({
  spec,
  start,
  features: data.features,
  labels: data.labels,
  count: data.count,
  classes: data.classes,
  batchSize: BATCH,
  learningRate: config.learningRate,
  momentum: config.momentum,
  seed: config.seed,
})

await ensureTfBackend()
const { train } = loadMnist()
console.log(
  `training bench: batch ${BATCH}, SGD lr ${config.learningRate} momentum ${config.momentum}, 1 epoch per run, MNIST rows; ${rounds} timed rounds after 1 warm-up, best round per path`,
)
console.log(
  `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()} (single-threaded in Node: tfjs-backend-wasm has no threads there), load average ${load()} on 2 cores shared with other work`,
)
const verdicts: string[] = []

for (const name of args.models.split(',')) {
  const model = models[name]
  if (model === undefined) throw new Error(`unknown model ${name} (mlp, cnn)`)
  const { spec, rows: n, label } = model
  if (2 * n > train.count) throw new Error(`--${name}-rows ${n}: two trainers' rows must fit in ${train.count}`)
  const start = initialParameters(spec, 5)
  const parts = [rows(train, 0, n), rows(train, n, n)]
  const own = parts[0]!

  const raw = new RawFit(rawSetup(spec, start, own))
  const network = new Network(spec)
  // The raw model computes Fedra's function: same logits from the same parameters.
  const probe = tf.tensor2d(own.features.subarray(0, BATCH * own.featureSize), [BATCH, own.featureSize])
  network.setParameters(start)
  const logitGap = tf.tidy(
    () =>
      tf
        .max(tf.abs(tf.sub(raw.model.predict(probe.reshape([BATCH, ...spec.inputShape])) as tf.Tensor, network.logits(probe))))
        .dataSync()[0]!,
  )
  probe.dispose()
  const workers = await Promise.all([TrainingWorker.start(), TrainingWorker.start()])
  const rawWorkers = [new RawFitWorker(), new RawFitWorker()]
  await Promise.all(rawWorkers.map((w, i) => w.setup(rawSetup(spec, start, parts[i]!))))
  const spinners = [new SpinWorker(), new SpinWorker()]

  const paths: { name: string; samples: number; run: () => Promise<unknown> | unknown }[] = [
    { name: '(a) raw tfjs-wasm fit', samples: n, run: () => raw.epoch() },
    { name: '(b) trainLocal, main thread', samples: n, run: () => trainLocal(network, own, start, config) },
    { name: '(c) trainLocal, 1 worker', samples: n, run: () => workers[0]!.train({ spec, data: own, start, config }) },
    {
      name: '(d) trainLocal, 2 workers at once',
      samples: 2 * n,
      run: () => Promise.all(workers.map((w, i) => w.train({ spec, data: parts[i]!, start, config }))),
    },
    { name: '(e) raw fit, 2 workers at once', samples: 2 * n, run: () => Promise.all(rawWorkers.map((w) => w.epoch())) },
    { name: '(f) CPU-bound loop, 1 thread', samples: SPIN, run: () => spinners[0]!.run(SPIN) },
    { name: '(g) CPU-bound loop, 2 threads at once', samples: 2 * SPIN, run: () => Promise.all(spinners.map((w) => w.run(SPIN))) },
  ]
  const times = paths.map(() => [] as number[])
  for (let round = 0; round <= rounds; round++) {
    for (const [p, path] of paths.entries()) {
      const s = await seconds(path.run)
      if (round > 0) times[p]!.push(s)
    }
  }
  const main = trainLocal(network, own, start, config)
  const inWorker = await workers[0]!.train({ spec, data: own, start, config })
  const identical =
    main.parameters.length === inWorker.parameters.length && main.parameters.every((v, i) => Object.is(v, inWorker.parameters[i]))

  const rate = paths.map((path, p) => path.samples / Math.min(...times[p]!))
  const median = paths.map((path, p) => path.samples / [...times[p]!].sort((x, y) => x - y)[times[p]!.length >> 1]!)
  const ratio = (p: number, q: number): string => `${(rate[p]! / rate[q]!).toFixed(2)}× ${paths[q]!.name.slice(0, 3)}`
  const against = [undefined, 0, 1, 1, 0, undefined, 5]
  console.log(
    `\n${label}: ${parameterLayout(spec).size.toLocaleString('en-US')} parameters, ${n} rows per trainer (${n / BATCH} batches), raw model logits within ${logitGap.toExponential(1)} of Fedra's network`,
  )
  paths.forEach((path, p) => {
    const q = against[p]
    const unit = p >= 5 ? (['M iterations/s', 1e6] as const) : (['samples/s', 1] as const)
    const figure = `${(rate[p]! / unit[1]).toFixed(0).padStart(6)} ${unit[0]} (median ${(median[p]! / unit[1]).toFixed(0).padStart(5)})`
    console.log(`  ${path.name.padEnd(38)} ${figure}${q === undefined ? '' : `  ratio ${ratio(p, q)}`}`)
  })
  console.log(`  worker result bit-identical to the main thread's: ${identical ? 'yes' : 'NO'}; load average now ${load()}`)
  const met = (value: number, target: number): string =>
    `${value.toFixed(2)}× (target ≥ ${target.toFixed(1)}×: ${value >= target ? 'met' : 'not met'})`
  verdicts.push(
    `${label}: trainLocal vs raw fit ${met(rate[1]! / rate[0]!, 1)}; 2 workers vs 1 thread ${met(rate[3]! / rate[1]!, 1.7)}, raw fit's own 2-worker speed-up ${(rate[4]! / rate[0]!).toFixed(2)}×, the machine's for a CPU-bound loop ${(rate[6]! / rate[5]!).toFixed(2)}×`,
  )

  network.dispose()
  raw.model.dispose()
  await Promise.all([...workers.map((w) => w.close()), ...rawWorkers.map((w) => w.close()), ...spinners.map((w) => w.close())])
}
console.log('')
for (const line of verdicts) console.log(line)
