/**
 * Aggregation rules on K updates × N parameters, each rule on each backend (the plain
 * TypeScript reference and every gpu.js mode available here), with FedAvg also reported as a
 * ratio to a plain memory copy of the same K·N·4 bytes measured in the same run (the
 * bandwidth floor).
 *
 *   npm run bench -- aggregation                      K ∈ {10, 50} × N ∈ {1e5, 1e6, 1e7}
 *   npm run bench -- aggregation --quick              K = 10, N ∈ {1e5, 1e6}
 *   npm run bench -- aggregation --k 10 --n 1e6 --rules fedavg,median --backends reference,webasm
 *   --max-seconds S   skip a (rule, backend) whose run, extrapolated from the previous N, would exceed S (default 30)
 */
import { parseArgs } from 'node:util'
import { availableKernelModes, getAggregationRule, KernelBackend, type AggregationInput, type KernelMode } from '../src/fl/index.js'
import { report, type Measurement } from './harness.js'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    k: { type: 'string' },
    n: { type: 'string' },
    rules: { type: 'string' },
    backends: { type: 'string' },
    'max-seconds': { type: 'string' },
  },
})
const list = (text: string | undefined, fallback: string): string[] => (text ?? fallback).split(',').filter((s) => s !== '')
const ks = list(args.k, args.quick ? '10' : '10,50').map(Number)
const ns = list(args.n, args.quick ? '1e5,1e6' : '1e5,1e6,1e7').map(Number)
const ruleNames = list(args.rules, 'fedavg,repfedavg,median,trimmed:0.2,krum,multikrum')
const maxSeconds = Number(args['max-seconds'] ?? 30)
const available = await availableKernelModes()
const requested = list(args.backends, ['reference', 'webgpu', 'webasm', 'cpu'].join(','))
const backends = new Map<KernelMode, KernelBackend>()
for (const mode of available) if (requested.includes(mode)) backends.set(mode, new KernelBackend(mode))

console.log(`aggregation bench: K ∈ {${ks.join(', ')}} × N ∈ {${ns.map((n) => n.toExponential(0)).join(', ')}}, values uniform in ±32767`)
console.log(`gpu.js backends available here: ${available.join(', ')}${available.includes('webgpu') ? '' : ' (webgpu: no adapter answered — not measured)'}`)

/** Best of a few runs; slow runs are measured once (the other core is shared, best is least disturbed). */
async function time(run: () => unknown): Promise<number> {
  let best = Infinity
  for (let i = 0; i < 4; i++) {
    const start = process.hrtime.bigint()
    await run()
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    best = Math.min(best, seconds)
    if (seconds > 1) break
  }
  return best
}

function makeInput(k: number, n: number, seed: number): AggregationInput {
  let x = seed >>> 0 || 1
  const updates = Array.from({ length: k }, () => {
    const u = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      u[i] = ((x >>> 0) % 65535) - 32767
    }
    return u
  })
  return { updates, weights: updates.map((_, i) => 100 + ((i * 37) % 900)), reputations: updates.map((_, i) => 500 + ((i * 53) % 500)) }
}

const fmt = (s: number | undefined): string => (s === undefined ? 'n/a' : s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(1)} ms`)
const lastSeconds = new Map<string, { n: number; seconds: number }>()

for (const k of ks) {
  for (const n of ns) {
    const input = makeInput(k, n, k * 7919 + n)
    const destination = new Int32Array(n)
    const copySeconds = await time(() => {
      for (const u of input.updates) destination.set(u)
    })
    const bytes = k * n * 4
    const copy: Measurement = { name: `memcpy K=${k} N=${n.toExponential(0)}`, opsPerSecond: bytes / copySeconds, secondsPerRun: copySeconds }
    console.log(`\nK=${k} N=${n.toExponential(0)} (${(bytes / 2 ** 20).toFixed(0)} MiB of int32): copy ${fmt(copySeconds)}`)
    console.log(`  ${'rule'.padEnd(14)}${['reference', 'webgpu', 'webasm', 'cpu'].map((b) => b.padStart(12)).join('')}`)
    for (const name of ruleNames) {
      const rule = getAggregationRule(name)
      const cells: string[] = []
      for (const backend of ['reference', 'webgpu', 'webasm', 'cpu'] as const) {
        if (!requested.includes(backend)) {
          cells.push('-')
          continue
        }
        const kernel = backend === 'reference' ? undefined : backends.get(backend)
        if (backend !== 'reference' && kernel === undefined) {
          cells.push('n/a')
          continue
        }
        const key = `${name}:${backend}:${k}`
        const previous = lastSeconds.get(key)
        const estimate = previous === undefined ? 0 : (previous.seconds * n) / previous.n
        if (estimate > maxSeconds) {
          cells.push(`skip~${Math.round(estimate)}s`)
          continue
        }
        const seconds = await time(() => (kernel === undefined ? rule.reference(input) : rule.kernel(input, kernel)))
        lastSeconds.set(key, { n, seconds })
        cells.push(fmt(seconds))
        if (name === 'fedavg' && backend === 'reference') report({ name: `  fedavg reference K=${k} N=${n.toExponential(0)}`, opsPerSecond: bytes / seconds, secondsPerRun: seconds }, copy, 'B/s')
      }
      console.log(`  ${name.padEnd(14)}${cells.map((c) => c.padStart(12)).join('')}`)
    }
  }
}
for (const backend of backends.values()) await backend.destroy()
