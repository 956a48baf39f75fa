import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'

function sim(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/fl-sim.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, FEDRA_LOG_LEVEL: 'silent' },
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('fl:sim command line', function () {
  this.timeout(60_000)
  for (const [args, message] of [
    [['--rule', 'fedsgd'], /unknown aggregation rule/],
    [['--rule', 'median+mix'], /unknown pre-aggregation step/],
    [['--partition', 'dirichlet:-1'], /alpha must be a positive number/],
    [['--trainers', 'ten'], /--trainers must be an integer/],
    [['--attackers', '0.3'], /FRACTION:ATTACK/],
    [['--attackers', '0.3:bribe'], /bad attack/],
    [['--bogus'], /Unknown option/],
    [['--trainer-momentum', '1'], /--trainer-momentum must be below 1/],
    [['--partition', 'iid:3'], /too many parameters|unknown partition/],
  ] as const) {
    it(`exits 2 with a clear message for ${args.join(' ')}`, () => {
      const { status, stderr } = sim(...args)
      assert.equal(status, 2)
      assert.match(stderr, message)
    })
  }

  it('runs the README command (with one round instead of 20) and prints the final accuracy', () => {
    // README: npm run fl:sim -- --trainers 10 --rounds 20 --partition iid --rule fedavg --seed 1
    const { status, stdout } = sim('--trainers', '10', '--rounds', '1', '--partition', 'iid', '--rule', 'fedavg', '--seed', '1')
    assert.equal(status, 0)
    assert.match(stdout, /partition=iid rule=fedavg/)
    assert.match(stdout, /final accuracy: 0\.(8|9)\d{3}/)
  })
})
