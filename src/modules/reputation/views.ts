import type { Dec } from '../../state/index.js'
import type { ReceiptValue } from './messages.js'

/**
 * What other modules may see of reputation: the keeper contract they declare
 * `expectKeeper<Reputations>('reputation', { … })` against (the repfedavg rule's reputations,
 * a subnet's minimum reputation for joining a round, the rewards module's payouts). Import
 * this file and messages.ts only, never the keeper or keys.
 */
export interface Reputations {
  /** A trainer's reputation in a subnet, a Dec in [0, 1]: the params' initial_reputation before its first scored round. */
  reputationOf(subnet: bigint, trainer: Uint8Array): Dec
  /** The same in the FL library's unit (src/fl/rules/repfedavg.ts REPUTATION_UNIT, per mille), truncated: what repfedavg takes. */
  reputationUnits(subnet: bigint, trainer: Uint8Array): number
  /** The receipt of a trainer's update in a scored round, if any. */
  receipt(subnet: bigint, round: bigint, trainer: Uint8Array): ReceiptValue | undefined
  /**
   * Writes what the trainer was paid and slashed for the round into its receipt (the rewards
   * module, in its roundScored hook). Only callers listed in keeper.ts PAYOUT_WRITERS may;
   * throws for another caller or a missing receipt.
   */
  recordPayout(subnet: bigint, round: bigint, trainer: Uint8Array, payout: { reward: bigint; slashed: bigint }): void
}

export type { ReceiptValue as ReceiptView } from './messages.js'
