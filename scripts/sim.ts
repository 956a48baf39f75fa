// Consensus simulator: runs seeded adversarial scenarios against the real consensus driver.
//   npm run sim -- --seeds 10000 --validators 4 --byzantine 1
//   npm run sim -- --seed 1234 --validators 7 --byzantine 2      (replay one seed, verbose)
//   npm run sim -- --seeds 300 --planted-bug ignore-lock          (show that the checks fail)
//   npm run sim -- --seeds 400 --planted-bug count-by-number --stop-on-violation
// Last line: `seeds: N, safety violations: N, liveness failures: N`. Exit 0 when both are 0,
// 1 otherwise, 2 on bad arguments.
import { parseArgs } from 'node:util'
import { PLANTED_BUGS, type PlantedBug, formatFailures, runSeeds } from '../test/simulation/sim/runner.js'
import { describeScenario, randomScenario } from '../test/simulation/sim/scenario.js'
import { runScenario } from '../test/simulation/sim/simulation.js'

const USAGE = `usage: npm run sim -- [--seeds N] [--first-seed N] [--validators N] [--byzantine N] [--seed N] [--equal-powers] [--planted-bug NAME] [--stop-on-violation]
  --seeds N        number of random seeds (default 300)
  --first-seed N   first seed (default 1)
  --validators N   validators, 1..100 (default 4)
  --byzantine N    Byzantine validators, with 3 × N < validators (default 1)
  --seed N         run only this seed and print its scenario and outcome
  --equal-powers   every validator has power 10 and the set never changes (default: unequal powers and
                   set changes through the application in most seeds, Byzantine power always < 1/3)
  --planted-bug NAME  honest validators run a deliberately broken core (the run should fail):
                   ignore-lock (L23/L29 prevote as if unlocked), count-by-number (quorums by head count),
                   l29-lock (a re-proposal with an older polka than the lock is accepted),
                   l50-validity (decide without valid(v))
  --stop-on-violation  stop at the first safety violation and print its seed`

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n${USAGE}\n`)
  process.exit(2)
}

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value)) fail(`--${name} must be a whole number, got "${value}"`)
  const n = Number(value)
  if (n < min || n > max) fail(`--${name} must be between ${min} and ${max}, got ${n}`)
  return n
}

let values: Record<string, string | boolean | undefined>
try {
  values = parseArgs({
    options: {
      seeds: { type: 'string' },
      'first-seed': { type: 'string' },
      validators: { type: 'string' },
      byzantine: { type: 'string' },
      seed: { type: 'string' },
      'planted-bug': { type: 'string' },
      'equal-powers': { type: 'boolean' },
      'stop-on-violation': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  }).values
} catch (error) {
  fail((error as Error).message)
}
if (values.help === true) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}
const str = (k: string): string | undefined => values[k] as string | undefined
const validators = integer('validators', str('validators'), 4, 1, 100)
const byzantine = integer('byzantine', str('byzantine'), 1, 0, 100)
if (3 * byzantine >= validators) fail(`--byzantine ${byzantine} of ${validators} validators is not below 1/3 of the voting power`)
const seeds = integer('seeds', str('seeds'), 300, 1, 10_000_000)
const firstSeed = integer('first-seed', str('first-seed'), 1, 0, 2 ** 32 - 1)
const plantedBug = str('planted-bug')
if (plantedBug !== undefined && !(plantedBug in PLANTED_BUGS))
  fail(`unknown --planted-bug "${plantedBug}" (known: ${Object.keys(PLANTED_BUGS).join(', ')})`)
const honestFaults = plantedBug === undefined ? undefined : PLANTED_BUGS[plantedBug as PlantedBug]
const equalPowers = values['equal-powers'] === true

const single = str('seed')
if (single !== undefined) {
  const seed = integer('seed', single, 0, 0, 2 ** 32 - 1)
  const scenario = randomScenario(seed, { validators, byzantine, equalPowers, ...(honestFaults === undefined ? {} : { honestFaults }) })
  const result = runScenario(scenario)
  console.log(describeScenario(scenario))
  console.log(
    `heights committed at t=${result.commitTimes.join(', ')}; end t=${result.endTime}; messages ${result.messagesSent}; max decision round ${result.maxDecisionRound}; evidence ${result.evidenceCommitted}`,
  )
  for (const v of result.safetyViolations) console.log(`safety violation: ${v}`)
  if (result.livenessFailure !== null) console.log(`liveness failure: ${result.livenessFailure}`)
  const safety = result.safetyViolations.length > 0 ? 1 : 0
  const liveness = result.livenessFailure !== null ? 1 : 0
  console.log(`seeds: 1, safety violations: ${safety}, liveness failures: ${liveness}`)
  process.exit(safety + liveness > 0 ? 1 : 0)
}

const started = performance.now()
const summary = runSeeds({
  validators,
  byzantine,
  seeds,
  firstSeed,
  equalPowers,
  stopOnViolation: values['stop-on-violation'] === true,
  ...(honestFaults === undefined ? {} : { honestFaults }),
  onProgress: (done, s) => {
    if (done % 1000 === 0) {
      const seconds = ((performance.now() - started) / 1000).toFixed(0)
      process.stderr.write(
        `  ${done}/${seeds} seeds, ${s.safetyViolations} safety violations, ${s.livenessFailures} liveness failures, ${seconds}s\n`,
      )
    }
  },
})
if (summary.failures.length > 0) console.log(formatFailures(summary))
const powersNote = equalPowers ? 'equal powers' : 'unequal powers and set changes'
console.log(
  `${validators} validators, ${byzantine} Byzantine, ${powersNote}${plantedBug === undefined ? '' : `, planted bug ${plantedBug}`}, seeds ${firstSeed}..${firstSeed + summary.seeds - 1}, ${((performance.now() - started) / 1000).toFixed(1)}s`,
)
console.log(`evidence committed: ${summary.evidenceCommitted}; L28 attacks played out: ${summary.attacksPlayed}`)
console.log(`seeds: ${summary.seeds}, safety violations: ${summary.safetyViolations}, liveness failures: ${summary.livenessFailures}`)
process.exit(summary.failures.length > 0 ? 1 : 0)
