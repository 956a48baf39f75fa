import type { Height, Round, Timeout, UnsignedProposal, UnsignedVote, ValueId, Vote } from './types.js'

/**
 * What the core asks of the driver. `broadcastProposal` / `broadcastVote` mean: append to the
 * WAL (fsync), pass the signer guard, sign, send to every peer and feed back as an input.
 */
export type ConsensusEffect =
  /** L18: build a new block for (height, round) and answer with proposeValue. */
  | { kind: 'getValue'; height: Height; round: Round }
  | { kind: 'broadcastProposal'; proposal: UnsignedProposal }
  | { kind: 'broadcastVote'; vote: UnsignedVote }
  | { kind: 'scheduleTimeout'; timeout: Timeout; durationMs: number }
  /** Execute the block (state layer) and answer with blockValidity. */
  | { kind: 'validateBlock'; height: Height; valueId: ValueId }
  /** L51: the value is decided; `precommits` is the commit certificate (+2/3 of the power). */
  | { kind: 'decide'; height: Height; round: Round; valueId: ValueId; precommits: Vote[] }
  /** Two different votes by one validator for one (height, round, type): duplicate-vote evidence. */
  | { kind: 'equivocation'; first: Vote; second: Vote }

export interface Transition<S> {
  state: S
  effects: ConsensusEffect[]
}
