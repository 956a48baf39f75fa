import type { CoreFaults } from '../../../src/consensus/index.js'
import { describeScenario, randomScenario } from './scenario.js'
import { runScenario } from './simulation.js'

/** Deliberately broken cores for honest validators: the simulator must catch each of them. */
export const PLANTED_BUGS = {
  'ignore-lock': { ignoreLock: true },
  'count-by-number': { countByNumber: true },
  'l29-lock': { reproposalIgnoresLock: true },
  'l50-validity': { decideUnvalidated: true },
} as const satisfies Record<string, CoreFaults>
export type PlantedBug = keyof typeof PLANTED_BUGS

export interface SeedFailure {
  seed: number
  kind: 'safety' | 'liveness'
  scenario: string
  reason: string
  replay: string
}

export interface SeedsSummary {
  seeds: number
  safetyViolations: number
  livenessFailures: number
  failures: SeedFailure[]
  /** Evidence items committed, summed over seeds (shows the equivocation path is exercised). */
  evidenceCommitted: number
  /** Seeds in which the coordinated L28 attack was played out (it reached its re-proposal round). */
  attacksPlayed: number
}

export interface SeedsOptions {
  validators: number
  byzantine: number
  seeds: number
  firstSeed?: number
  honestFaults?: CoreFaults
  /** Every validator at power 10, no set changes. */
  equalPowers?: boolean
  /** Stop at the first safety violation (planted-bug tests). */
  stopOnViolation?: boolean
  onProgress?: (done: number, summary: SeedsSummary) => void
}

/** Runs seeds firstSeed..firstSeed+seeds-1 of the random scenario family. */
export function runSeeds(options: SeedsOptions): SeedsSummary {
  const first = options.firstSeed ?? 1
  const summary: SeedsSummary = { seeds: 0, safetyViolations: 0, livenessFailures: 0, failures: [], evidenceCommitted: 0, attacksPlayed: 0 }
  for (let seed = first; seed < first + options.seeds; seed++) {
    const scenario = randomScenario(seed, {
      validators: options.validators,
      byzantine: options.byzantine,
      ...(options.equalPowers === true ? { equalPowers: true } : {}),
      ...(options.honestFaults === undefined ? {} : { honestFaults: options.honestFaults }),
    })
    const result = runScenario(scenario)
    summary.seeds++
    summary.evidenceCommitted += result.evidenceCommitted
    if (result.attackPlayed) summary.attacksPlayed++
    const replay = `npm run sim -- --seed ${seed} --validators ${options.validators} --byzantine ${options.byzantine}${options.equalPowers === true ? ' --equal-powers' : ''}`
    if (result.safetyViolations.length > 0) {
      summary.safetyViolations++
      summary.failures.push({
        seed,
        kind: 'safety',
        scenario: describeScenario(scenario),
        reason: result.safetyViolations.join('; '),
        replay,
      })
      if (options.stopOnViolation === true) break
    } else if (result.livenessFailure !== null) {
      summary.livenessFailures++
      summary.failures.push({ seed, kind: 'liveness', scenario: describeScenario(scenario), reason: result.livenessFailure, replay })
    }
    options.onProgress?.(summary.seeds, summary)
  }
  return summary
}

export function formatFailures(summary: SeedsSummary): string {
  return summary.failures.map((f) => `${f.kind} failure, ${f.scenario}\n  ${f.reason}\n  replay: ${f.replay}`).join('\n')
}
