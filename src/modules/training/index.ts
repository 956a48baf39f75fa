import type { Module } from '../../state/index.js'
import { trainingExpectedKeepers } from './expected-keepers.js'
import { trainingGenesis } from './genesis.js'
import { trainingMessages } from './handler.js'
import { trainingInvariants } from './invariants.js'
import { TrainingKeeper } from './keeper.js'
import { MODULE } from './keys.js'
import { trainingParams } from './params.js'
import { trainingQueries } from './queries.js'
import { beginBlock } from './rounds.js'

/**
 * Training (DESIGN §6): the rounds of every subnet, driven by block height in begin-block
 * (rounds.ts), trainers' updates checked from their blobs, aggregates recomputed bit for bit
 * with the subnet's rule and accepted only on an exact match (handler.ts), free-riders'
 * updates (duplicate, zero, near-copy) rejected with a slash from the blobs (free-riders.ts), and the subnets'
 * model versions (messages.ts ModelVersion). Reads subnets through its keeper; fires
 * TRAINING_HOOKS for the proof-of-contribution modules. No module account, no end-block.
 */
export const trainingModule: Module<TrainingKeeper> = {
  name: MODULE,
  expects: trainingExpectedKeepers,
  messages: trainingMessages,
  queries: trainingQueries,
  genesis: trainingGenesis,
  params: trainingParams,
  keeper: (ctx) => new TrainingKeeper(ctx),
  beginBlock,
  invariants: trainingInvariants,
}

export { TrainingKeeper }
export { MODULE as TRAINING_MODULE } from './keys.js'
export { TRAINING_HOOKS, type TrainingHooks } from './hooks.js'
export { TRAINING_ERRORS, type TrainingErrorCode } from './errors.js'
export { TRAINING_EVENTS, type SubmitClosedReason } from './events.js'
export { trainingParams, type TrainingParamsValue } from './params.js'
export { trainingInvariants } from './invariants.js'
export { blobCid } from './blob-cid.js'
// The chain's own integer work on blobs, for aggregators that must compute the same bits (src/roles/aggregator.ts).
export { MODEL_DTYPE, checkUpdate, modelOf, nextModelValues, recompute, type RoundFormat, type Recomputed } from './model.js'
export { aggregateWork, submitUpdateGas } from './handler.js'
export { SECAGG_RULE, isSecAggRound } from './secagg-handler.js'
export { MsgSetEnvelopeKeys, type MsgSetEnvelopeKeysValue } from './envelope-messages.js'
export { exactDot, exactNormSq, cosineAtLeast, cosineDec, nearestCopy } from './free-riders.js'
export type { UpdateRejectionView } from './books.js'
export {
  MsgSubmitUpdate,
  MsgSubmitAggregate,
  ModelVersion,
  RoundRecord,
  MAX_INCLUDED,
  METRIC_UNIT,
  phaseAt,
  type MsgSubmitUpdateValue,
  type MsgSubmitAggregateValue,
  type ModelVersionValue,
  type RoundValue,
  type RoundPhase,
  type UpdateRejectionValue,
} from './messages.js'
