import assert from 'node:assert/strict'
import { formatFailures, runSeeds } from './sim/runner.js'

// 600 seeds in all; each runs the real driver on every validator through random delays,
// loss, late messages, partitions, crashes with WAL replay, Byzantine behaviours (the
// coordinated L28 attack among them), unequal and changing voting powers and block execution
// in virtual time, then checks agreement, validity, quorum by power, no honest double-sign,
// and progress after the heal.
describe('simulator: random adversarial seeds', function () {
  this.timeout(120_000)

  for (const [validators, byzantine, seeds] of [
    [4, 1, 400],
    [7, 2, 200],
  ] as const) {
    it(`stays safe and live on ${seeds} seeds with ${validators} validators, ${byzantine} Byzantine`, () => {
      const summary = runSeeds({ validators, byzantine, seeds })
      assert.equal(summary.seeds, seeds)
      assert.equal(summary.failures.length, 0, formatFailures(summary))
      assert.ok(summary.attacksPlayed > 0, 'the coordinated L28 attack was played out in some seeds')
    })
  }
})
