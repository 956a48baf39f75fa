/**
 * npm run e2e -- MANIFEST [--iterations N] [--minutes M] [--report FILE] [--plant NODE=SWITCH] [--keep]
 *
 * Runs a fault-harness manifest (test/e2e/manifests/*.toml|json) on real node processes and
 * prints each step and check; exits 0 when every one holds, 1 when one fails, 2 on a usage or
 * manifest error. docs/reliability.md describes manifests, perturbations and checks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { HarnessError, HarnessRun, formatResult, loadManifest, nodeNames, soakReport } from '../src/harness/index.js'

const USAGE = `usage: npm run e2e -- MANIFEST [options]

  MANIFEST          a .toml or .json manifest (see test/e2e/manifests/)
  --iterations N    every crash step crashes its node N times (e.g. 200)
  --minutes M       soak: repeat the schedule for M minutes, then write a Markdown report
  --report FILE     where the soak report goes (default soak-<name>.md)
  --plant NODE=SW   run NODE with a planted bug (skip-signer-fsync, accept-aggregate): the run should fail
  --keep            keep the run's directory (homes and logs) and print where it is
`

function fail(message: string, code: number): never {
  process.stderr.write(`error: ${message}\n\n${USAGE}`)
  process.exit(code)
}

let parsed: ReturnType<typeof parse>
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      iterations: { type: 'string' },
      minutes: { type: 'string' },
      report: { type: 'string' },
      plant: { type: 'string', multiple: true },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
}
try {
  parsed = parse()
} catch (error) {
  fail((error as Error).message, 2)
}
if (parsed.values.help) {
  process.stdout.write(USAGE)
  process.exit(0)
}
if (parsed.positionals.length !== 1) fail('give exactly one manifest', 2)
const count = (name: string, value: string | undefined, max: number): number | undefined => {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) fail(`--${name} must be an integer in 1..${max}`, 2)
  return Number(value)
}
const iterations = count('iterations', parsed.values.iterations, 100_000)
const minutes = count('minutes', parsed.values.minutes, 7 * 24 * 60)

let manifest
try {
  manifest = loadManifest(resolve(parsed.positionals[0]!))
} catch (error) {
  if (error instanceof HarnessError) fail(error.message, 2)
  throw error
}
for (const plant of parsed.values.plant ?? []) {
  const [node, name] = plant.split('=')
  if (node === undefined || !nodeNames(manifest).includes(node) || (name !== 'skip-signer-fsync' && name !== 'accept-aggregate'))
    fail(`--plant is NODE=skip-signer-fsync or NODE=accept-aggregate with NODE one of ${nodeNames(manifest).join(', ')}`, 2)
  manifest.network.plants[node] = [...(manifest.network.plants[node] ?? []), name]
}
const dir = mkdtempSync(join(tmpdir(), `fedra-harness-${manifest.name}-`))
const run = new HarnessRun(manifest, {
  dir,
  out: (line) => void process.stdout.write(line),
  ...(iterations === undefined ? {} : { iterations }),
  ...(minutes === undefined ? {} : { soakMinutes: minutes }),
})
process.once('SIGINT', () => {
  process.stdout.write('\n(interrupted: stopping every process the run started…)\n')
  void run.abort().then(() => {
    rmSync(dir, { recursive: true, force: true })
    process.exit(130)
  })
})
const result = await run.run()
process.stdout.write(formatResult(result))
if (minutes !== undefined) {
  const path = resolve(parsed.values.report ?? `soak-${manifest.name}.md`)
  writeFileSync(path, soakReport(result, minutes))
  process.stdout.write(`soak report: ${path}\n`)
}
if (parsed.values.keep) process.stdout.write(`run directory kept: ${dir}\n`)
else rmSync(dir, { recursive: true, force: true })
process.exit(result.ok ? 0 : 1)
