import { ConsensusError } from './errors.js'
import type { Round, TimeoutStep } from './types.js'

/**
 * Timeouts in milliseconds. Each grows linearly per round (`base + round * delta`), so after
 * GST some round lasts long enough for every honest message to arrive (paper, §4 "timeouts
 * increase with rounds").
 */
export interface TimeoutParams {
  proposeMs: number
  proposeDeltaMs: number
  prevoteMs: number
  prevoteDeltaMs: number
  precommitMs: number
  precommitDeltaMs: number
}

export interface ConsensusParams {
  timeouts: TimeoutParams
  /** Pause after a decision before starting the next height (CometBFT's timeout_commit). */
  commitDelayMs: number
  /** While a height makes no progress, own messages (and the proof of the valid value) are re-sent this often. */
  rebroadcastMs: number
  /** Largest amount a proposal's time may lie in the future of the local clock (fresh proposals only). */
  maxClockDriftMs: number
  /** Votes and proposals for rounds further than this above the current round are dropped (memory bound). */
  maxRoundsAhead: number
}

/** Evidence age of an application that has none of its own (the simulator's); a node's comes from genesis. */
export const DEFAULT_MAX_EVIDENCE_AGE = 100

/** Loopback devnet: a round finishes well under a second when the proposer is up. */
export const DEFAULT_TIMEOUTS: TimeoutParams = {
  proposeMs: 300,
  proposeDeltaMs: 100,
  prevoteMs: 100,
  prevoteDeltaMs: 50,
  precommitMs: 100,
  precommitDeltaMs: 50,
}

export const DEFAULT_CONSENSUS_PARAMS: ConsensusParams = {
  timeouts: DEFAULT_TIMEOUTS,
  commitDelayMs: 200,
  rebroadcastMs: 1000,
  maxClockDriftMs: 2000,
  maxRoundsAhead: 1000,
}

export function timeoutDuration(timeouts: TimeoutParams, step: TimeoutStep, round: Round): number {
  switch (step) {
    case 'propose':
      return timeouts.proposeMs + round * timeouts.proposeDeltaMs
    case 'prevote':
      return timeouts.prevoteMs + round * timeouts.prevoteDeltaMs
    case 'precommit':
      return timeouts.precommitMs + round * timeouts.precommitDeltaMs
  }
}

export function checkParams(params: ConsensusParams): ConsensusParams {
  const t = params.timeouts
  const values = [t.proposeMs, t.proposeDeltaMs, t.prevoteMs, t.prevoteDeltaMs, t.precommitMs, t.precommitDeltaMs]
  if (values.some((v) => !Number.isInteger(v) || v < 0) || t.proposeMs + t.prevoteMs + t.precommitMs === 0) {
    throw new ConsensusError('INVALID_PARAMS', 'timeouts must be non-negative integers, not all zero', { reason: 'timeouts' })
  }
  if (t.proposeDeltaMs + t.prevoteDeltaMs + t.precommitDeltaMs === 0) {
    throw new ConsensusError('INVALID_PARAMS', 'at least one timeout must grow per round (liveness after GST)', { reason: 'timeouts' })
  }
  if (params.maxRoundsAhead < 1 || params.rebroadcastMs <= 0 || params.commitDelayMs < 0 || params.maxClockDriftMs < 0) {
    throw new ConsensusError('INVALID_PARAMS', 'bad driver parameters', { reason: 'driver' })
  }
  return params
}
