import type { Module } from '../../state/index.js'
import { reputationExpectedKeepers } from './expected-keepers.js'
import { reputationGenesis } from './genesis.js'
import { reputationMessages } from './handler.js'
import { reputationInvariants } from './invariants.js'
import { ReputationKeeper } from './keeper.js'
import { MODULE } from './keys.js'
import { reputationParams } from './params.js'
import { reputationQueries } from './queries.js'
import { trainingHooks } from './settlement.js'

/**
 * Reputation (DESIGN §6 steps 4–5, the proof of contribution): validators' commit–reveal of
 * their scores in each round's score window (handler.ts), Yuma consensus over the revealed
 * scores when the round closes (yuma.ts, settlement.ts), a receipt per scored update,
 * trainers' reputations and validators' standings. Subscribes to TRAINING_HOOKS (roundClosed);
 * fires REPUTATION_HOOKS (roundScored) for the rewards module. No module account, no blocks.
 */
export const reputationModule: Module<ReputationKeeper> = {
  name: MODULE,
  expects: reputationExpectedKeepers,
  messages: reputationMessages,
  queries: reputationQueries,
  genesis: reputationGenesis,
  params: reputationParams,
  keeper: (ctx, caller) => new ReputationKeeper(ctx, caller),
  hooks: [trainingHooks],
  invariants: reputationInvariants,
}

export { ReputationKeeper, PAYOUT_WRITERS } from './keeper.js'
export { MODULE as REPUTATION_MODULE, receiptStateKey, receiptKey } from './keys.js'
export { REPUTATION_HOOKS, type ReputationHooks, type ScoredTrainer, type ValidatorDividend } from './hooks.js'
export { REPUTATION_ERRORS, type ReputationErrorCode } from './errors.js'
export { REPUTATION_EVENTS } from './events.js'
export { reputationParams, type ReputationParamsValue } from './params.js'
export { reputationInvariants } from './invariants.js'
export { scoreCommitment, SCORE_COMMITMENT_DOMAIN } from './commitment.js'
export { yuma, weightedMedian, normalize, type YumaRow, type YumaParams, type YumaResult } from './yuma.js'
export { roundQuality, nextReputation, nextStanding, settleRound } from './settlement.js'
export type { Reputations, ReceiptView } from './views.js'
export {
  MsgCommitScores,
  MsgRevealScores,
  TrainerScore,
  Receipt,
  ScoreCommit,
  scoreWindows,
  COMMIT_STATUSES,
  type MsgCommitScoresValue,
  type MsgRevealScoresValue,
  type TrainerScoreValue,
  type ReceiptValue,
  type ScoreCommitValue,
  type CommitStatus,
  type ScoreWindows,
} from './messages.js'
