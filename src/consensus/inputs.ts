import type { ValidatorSet } from './validator-set.js'
import type { Height, Proposal, Round, Timeout, ValueId, Vote } from './types.js'

/** Everything that can happen to the core. Signatures are checked by the driver beforehand. */
export type ConsensusInput =
  /** Start (or move to) `height` with its validator set (L10, L52–L54). */
  | { kind: 'startHeight'; height: Height; validators: ValidatorSet }
  /** A signed proposal whose block the driver holds; `timely` = its time is acceptable to the local clock. */
  | { kind: 'proposal'; proposal: Proposal; timely: boolean }
  | { kind: 'vote'; vote: Vote }
  | { kind: 'timeout'; timeout: Timeout }
  /** The answer to a validateBlock effect: valid(v). */
  | { kind: 'blockValidity'; height: Height; valueId: ValueId; valid: boolean }
  /** The answer to a getValue effect (L18). */
  | { kind: 'proposeValue'; height: Height; round: Round; valueId: ValueId }
  /**
   * A verified commit certificate for the current height from a peer that already decided:
   * +2/3 signed precommits for `valueId` in `round`, whose block the driver now holds.
   */
  | { kind: 'commitCertificate'; height: Height; round: Round; valueId: ValueId; precommits: Vote[] }
