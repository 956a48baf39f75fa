import { hookPoint } from '../../state/index.js'
import type { ModelVersionValue, RoundValue } from './messages.js'

/**
 * What training tells other modules about rounds, fired in the block and store of the change:
 * the extension point of the proof-of-contribution issue (rewards, reputation, lineage). A
 * round runs open → submit → aggregate → score → closed; the score window (the module's
 * `score_window`, 0 blocks by default) lies between the aggregate window and the close, so a
 * scoring module can run its commit–reveal there and settle in `roundClosed`.
 *
 *   roundOpened(round)               begin-block of the round's open height
 *   roundAggregated(round, version)  in the tx whose aggregate was accepted (its writes kept with it)
 *   roundClosed(round, version)      begin-block of the close height; `version` is null when no
 *                                    aggregate was accepted (the next round trains the same model)
 */
export interface TrainingHooks {
  roundOpened(round: RoundValue): void
  roundAggregated(round: RoundValue, version: ModelVersionValue): void
  roundClosed(round: RoundValue, version: ModelVersionValue | null): void
}

export const TRAINING_HOOKS = hookPoint<TrainingHooks>('training', 'rounds', {
  roundOpened: true,
  roundAggregated: true,
  roundClosed: true,
})
