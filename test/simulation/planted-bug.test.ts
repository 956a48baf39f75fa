import assert from 'node:assert/strict'
import { hiddenDecisionScenario } from './sim/scripted.js'
import { PLANTED_BUGS, type PlantedBug, runSeeds } from './sim/runner.js'
import { runScenario } from './sim/simulation.js'

// The checks must be able to fail: each planted bug in the honest validators' core must be
// reported within the default seeds (400 with 4 validators, 200 with 7), and the same seeds
// without it report nothing (random-seeds.test.ts).
const EXPECTED: Record<PlantedBug, RegExp> = {
  // L23/L29 prevote as if unlocked.
  'ignore-lock': /agreement/,
  // Quorums by head count: with unequal powers a decision lacks +2/3 of the power.
  'count-by-number': /quorum|agreement/,
  // L29 takes an older polka than the lock: only the coordinated L28 attack reaches it.
  'l29-lock': /agreement/,
  // L49 without L50's valid(v): a block is committed before this node executed it.
  'l50-validity': /validity: .* without executing it/,
}

describe('simulator: planted bugs are caught', function () {
  this.timeout(120_000)

  for (const [bug, expected] of Object.entries(EXPECTED) as Array<[PlantedBug, RegExp]>) {
    for (const [validators, byzantine, seeds] of [
      [4, 1, 400],
      [7, 2, 200],
    ] as const) {
      it(`${bug}: a violation within the default ${seeds} seeds with ${validators} validators, ${byzantine} Byzantine`, () => {
        const summary = runSeeds({ validators, byzantine, seeds, honestFaults: PLANTED_BUGS[bug], stopOnViolation: true })
        assert.equal(summary.safetyViolations, 1, `no violation in ${summary.seeds} seeds`)
        assert.match(summary.failures[0]!.reason, expected)
      })
    }
  }

  it('the scripted hidden-decision schedule is safe with locks and breaks agreement without them', () => {
    assert.deepEqual(runScenario(hiddenDecisionScenario(false)).safetyViolations, [])
    const broken = runScenario(hiddenDecisionScenario(true))
    assert.match(broken.safetyViolations.join(), /agreement/)
  })
})
