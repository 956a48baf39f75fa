import assert from 'node:assert/strict'
import { hiddenDecisionScenario } from './sim/scripted.js'
import { runSeeds } from './sim/runner.js'
import { runScenario } from './sim/simulation.js'

// The checks must be able to fail: with the lock rule disabled (L23/L29 prevote as if
// unlocked) honest validators break agreement, and the default seeds must notice.
describe('simulator: planted bugs are caught', function () {
  this.timeout(120_000)

  it('finds an agreement violation with the lock rule disabled within the default 400 four-validator seeds', () => {
    const summary = runSeeds({ validators: 4, byzantine: 1, seeds: 400, honestFaults: { ignoreLock: true }, stopOnViolation: true })
    assert.equal(summary.safetyViolations, 1, `no violation in ${summary.seeds} seeds`)
    assert.match(summary.failures[0]!.reason, /agreement/)
  })

  it('finds an agreement violation with the lock rule disabled within the default 200 seven-validator seeds', () => {
    const summary = runSeeds({ validators: 7, byzantine: 2, seeds: 200, honestFaults: { ignoreLock: true }, stopOnViolation: true })
    assert.equal(summary.safetyViolations, 1, `no violation in ${summary.seeds} seeds`)
  })

  it('the scripted hidden-decision schedule is safe with locks and breaks agreement without them', () => {
    assert.deepEqual(runScenario(hiddenDecisionScenario(false)).safetyViolations, [])
    const broken = runScenario(hiddenDecisionScenario(true))
    assert.match(broken.safetyViolations.join(), /agreement/)
  })
})
