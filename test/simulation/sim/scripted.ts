import { genesisValidatorSets, proposerSequence } from '../../../src/consensus/index.js'
import { simKey } from './keys.js'
import { SIM_PARAMS, type Scenario } from './scenario.js'

/** Scenario without random faults: delays of exactly 1, everything else scripted. */
export function calmScenario(validators: number, overrides: Partial<Scenario> = {}): Scenario {
  return {
    seed: 1,
    validators,
    byzantine: [],
    targetHeight: 3,
    minDelay: 1,
    maxDelay: 1,
    loss: 0,
    lateRate: 0,
    maxExtraDelay: 0,
    healTime: 0,
    partitions: [],
    crashes: [],
    livenessWindow: 5000,
    params: SIM_PARAMS,
    ...overrides,
  }
}

/** Node indices of the proposers of height 1, rounds 0..count-1 (4 equal validators). */
export function proposersOfHeightOne(validators: number, count: number): number[] {
  const keys = [...Array(validators).keys()].map(simKey)
  const sets = genesisValidatorSets(keys.map((k) => ({ address: k.address, publicKey: k.publicKey, votingPower: 10n })))
  return proposerSequence(sets.validators, count).map((a) => keys.findIndex((k) => k.address === a))
}

/**
 * Hidden decision (4 validators, all honest): in round 0 only the proposer A collects +2/3
 * precommits for v and decides; its precommits and commits never reach the others. D gets
 * the proposal late (prevotes nil, then locks on v), C never sees B's prevote and precommits
 * nil, so B, C, D move to round 1, whose proposer C never saw a polka and proposes a fresh
 * value. B and D are locked on v: with the lock rule they refuse it and v is decided again;
 * without it, the fresh value is decided and agreement breaks.
 */
export function hiddenDecisionScenario(ignoreLock: boolean): Scenario {
  const [a, c] = proposersOfHeightOne(4, 2) as [number, number]
  const [d, b] = [0, 1, 2, 3].filter((i) => i !== a && i !== c) as [number, number]
  return calmScenario(4, {
    ...(ignoreLock ? { honestFaults: { ignoreLock: true } } : {}),
    schedule: (m, from, to) => {
      if (m.type === 'commit' && from === a) return 'drop'
      if (m.type === 'proposal') return m.proposal.height === 1 && m.proposal.round === 0 && to === d ? 34 : undefined
      if (m.type !== 'vote' || m.vote.height !== 1 || m.vote.round !== 0) return undefined
      if (m.vote.type === 'prevote' && from === b && to === c) return 'drop'
      if (m.vote.type === 'precommit' && from === a) return 'drop'
      return undefined
    },
  })
}
