import type { TimeoutParams } from './params.js'
import type { ValidatorSet } from './validator-set.js'
import { createVoteKeeper, type VoteKeeper } from './vote-keeper.js'
import { type Address, type Height, NIL_ROUND, type Proposal, type Round, type Step, type ValueId } from './types.js'

/**
 * Deliberate deviations from the algorithm. Honest nodes run with none; the simulator gives
 * them to Byzantine nodes (amnesia) and to planted-bug tests (ignoreLock), which must show
 * that the safety checks catch them.
 */
export interface CoreFaults {
  /** Prevote as if unlocked (breaks L23/L29). */
  ignoreLock?: boolean
  /** Forget lockedValue/lockedRound and validValue/validRound at every new round (the "amnesia" attack). */
  amnesia?: boolean
  /** Planted: count every validator's vote as 1 instead of its voting power (quorums by head count). */
  countByNumber?: boolean
  /** Planted: L29 accepts a re-proposal whatever the lock (an older polka than the lock unlocks); L23 stays right. */
  reproposalIgnoresLock?: boolean
  /** Planted: L49 decides on +2/3 precommits for a value it holds without waiting for valid(v) (drops L50's check). */
  decideUnvalidated?: boolean
}

/** Variables of Algorithm 1 (lines 2–9) for the current height, plus the message log. */
export interface ConsensusState {
  /** This node's validator address; null for a full node that only follows. */
  self: Address | null
  timeouts: TimeoutParams
  maxRoundsAhead: number
  faults: CoreFaults

  height: Height
  round: Round
  step: Step
  validators: ValidatorSet | null
  /** proposer(h, r) for r = 0..length-1, extended on demand. */
  proposers: Address[]
  lockedValue: ValueId | null
  lockedRound: Round
  validValue: ValueId | null
  validRound: Round
  decision: { round: Round; valueId: ValueId } | null

  /** The first proposal from proposer(h, r) for each round, and whether it arrived timely. */
  proposals: Map<Round, { proposal: Proposal; timely: boolean }>
  /** Values whose block the driver holds (from a proposal or from sync). */
  knownValues: Set<ValueId>
  /** valid(v) answers from the application; absent = not answered yet. */
  validity: Map<ValueId, boolean>
  /** A getValue effect is out for the current round (L18). */
  awaitingValue: boolean
  votes: VoteKeeper
  /** Rounds in which the "for the first time" rules already fired. */
  prevoteTimeoutScheduled: Set<Round> // L34
  polkaSeen: Set<Round> // L36
  precommitTimeoutScheduled: Set<Round> // L47
}

export interface CoreConfig {
  self: Address | null
  timeouts: TimeoutParams
  maxRoundsAhead?: number
  faults?: CoreFaults
}

/** A state that waits for its first `startHeight` input (L1–L9). */
export function createConsensusState(config: CoreConfig): ConsensusState {
  return {
    self: config.self,
    timeouts: config.timeouts,
    maxRoundsAhead: config.maxRoundsAhead ?? 1000,
    faults: config.faults ?? {},
    height: 0,
    round: NIL_ROUND,
    step: 'unstarted',
    validators: null,
    proposers: [],
    lockedValue: null,
    lockedRound: NIL_ROUND,
    validValue: null,
    validRound: NIL_ROUND,
    decision: null,
    proposals: new Map(),
    knownValues: new Set(),
    validity: new Map(),
    awaitingValue: false,
    votes: createVoteKeeper([]),
    prevoteTimeoutScheduled: new Set(),
    polkaSeen: new Set(),
    precommitTimeoutScheduled: new Set(),
  }
}
