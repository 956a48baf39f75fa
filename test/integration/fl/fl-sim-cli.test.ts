import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'

function sim(...args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/fl-sim.ts', ...args], { encoding: 'utf8', env: { ...process.env, FEDRA_LOG_LEVEL: 'silent' } })
  return { status: result.status, stderr: result.stderr }
}

describe('fl:sim command line', function () {
  this.timeout(60_000)
  for (const [args, message] of [
    [['--rule', 'fedsgd'], /unknown aggregation rule/],
    [['--partition', 'dirichlet:-1'], /alpha must be a positive number/],
    [['--trainers', 'ten'], /--trainers must be an integer/],
    [['--attackers', '0.3'], /FRACTION:ATTACK/],
    [['--attackers', '0.3:bribe'], /bad attack/],
    [['--bogus'], /Unknown option/],
  ] as const) {
    it(`exits 2 with a clear message for ${args.join(' ')}`, () => {
      const { status, stderr } = sim(...args)
      assert.equal(status, 2)
      assert.match(stderr, message)
    })
  }
})
