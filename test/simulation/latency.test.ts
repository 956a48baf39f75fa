import assert from 'node:assert/strict'
import { calmScenario } from './sim/scripted.js'
import { runScenario } from './sim/simulation.js'

/** Commit latency in the good case: every delay exactly 1 unit, no faults, no commit pause. */
export function delaysPerHeight(validators: number, heights: number): number {
  const result = runScenario(calmScenario(validators, { targetHeight: heights }))
  assert.equal(result.livenessFailure, null)
  return result.commitTimes[heights - 1]! / heights
}

describe('simulator: commit latency', () => {
  for (const n of [4, 7]) {
    it(`takes 3 message delays per height with ${n} validators in the good case (propose, prevote, precommit)`, () => {
      assert.equal(delaysPerHeight(n, 20), 3)
    })
  }
})
