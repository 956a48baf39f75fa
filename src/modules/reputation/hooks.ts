import { type Dec, hookPoint } from '../../state/index.js'

/** A trainer's verdict of a scored round: Yuma's consensus score (a share in [0, 1]) and the capped sample count its update weighed. */
export interface ScoredTrainer {
  trainer: Uint8Array
  consensusScore: Dec
  weight: number
}

/** A validator's share of the round's validator dividends (Σ over the round = 1, or all 0 when nobody counted; 0 for no-shows). */
export interface ValidatorDividend {
  operator: Uint8Array
  dividend: Dec
}

/**
 * What reputation tells other modules (the rewards module to come), fired in the begin-block
 * of the round's close height, after the receipts and reputations are written:
 *
 *   roundScored(subnet, round, trainers, validators)   every trainer of the round's version (its
 *       order), and every validator that committed or holds bonds on them (address order). When
 *       no reveal counted, every consensus score and dividend is 0. Not fired for a round without
 *       a version. A subscriber may write each receipt's reward and slash (keeper.ts recordPayout).
 */
export interface ReputationHooks {
  roundScored(subnet: bigint, round: bigint, trainers: readonly ScoredTrainer[], validators: readonly ValidatorDividend[]): void
}

export const REPUTATION_HOOKS = hookPoint<ReputationHooks>('reputation', 'scores', { roundScored: true })
