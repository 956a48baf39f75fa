import { implementHooks } from '../../state/index.js'
import { REPUTATION_HOOKS } from '../reputation/hooks.js'
import { TRAINING_HOOKS } from '../training/hooks.js'
import { attributeRound, recordTrainingVersion } from './records.js'

/** Lineage records each accepted aggregate's version, pending, in the tx that accepted it. */
export const trainingHooks = implementHooks(TRAINING_HOOKS, (ctx) => ({
  roundOpened: () => {},
  roundAggregated: (round, version) => {
    recordTrainingVersion(ctx, round, version)
  },
  roundClosed: () => {},
}))

/** Lineage attributes a round's version when reputation has scored it (begin-block of the close height). */
export const reputationHooks = implementHooks(REPUTATION_HOOKS, (ctx) => ({
  roundScored: (subnet, round, trainers) => {
    attributeRound(ctx, subnet, round, trainers)
  },
}))
