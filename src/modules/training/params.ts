import { t, type StructValue } from '../../codec/index.js'
import { type ModuleParams, bigintAt, genesisError, intAt, objectAt } from '../../state/index.js'
import { trainingError } from './errors.js'

export const TrainingParamsType = t.struct('TrainingParams', 2530, 1, {
  scoreWindow: t.u32,
  gasPerCoordinate: t.u64,
})
export type TrainingParamsValue = StructValue<typeof TrainingParamsType.fields>

const FIELDS = ['score_window', 'gas_per_coordinate'] as const
/** Longest score window, in blocks (the subnets' own phase bound). */
export const MAX_SCORE_WINDOW = 100_000

/**
 * `app_state.training.params`:
 *   score_window        blocks between a round's aggregate window and its close (0: no scoring
 *                       step yet; the proof-of-contribution issue sets it); ≤ 100000
 *   gas_per_coordinate  gas per unit of verification work (handler.ts aggregateWork: updates ×
 *                       parameters for a mean, more for sorting and pairwise rules), decimal
 *                       string, ≥ 1; "1"
 */
export const trainingParams: ModuleParams<TrainingParamsValue> = {
  schema: TrainingParamsType,
  defaults: { scoreWindow: 0, gasPerCoordinate: 1n },
  fromJson(json, path) {
    const body = objectAt(json, path)
    for (const key of Object.keys(body)) if (!(FIELDS as readonly string[]).includes(key)) throw genesisError(`${path}.${key}`, 'no such training param')
    const d = trainingParams.defaults
    return {
      scoreWindow: body.score_window === undefined ? d.scoreWindow : intAt(body.score_window, `${path}.score_window`, 0, MAX_SCORE_WINDOW),
      gasPerCoordinate: body.gas_per_coordinate === undefined ? d.gasPerCoordinate : bigintAt(body.gas_per_coordinate, `${path}.gas_per_coordinate`, { min: 1n, max: 1_000_000n }),
    }
  },
  toJson: (p) => ({ score_window: p.scoreWindow, gas_per_coordinate: String(p.gasPerCoordinate) }),
  validate(p) {
    if (p.scoreWindow > MAX_SCORE_WINDOW) throw trainingError('INVALID_PARAMS', `score_window must be at most ${MAX_SCORE_WINDOW}`, { param: 'score_window' })
    if (p.gasPerCoordinate < 1n || p.gasPerCoordinate > 1_000_000n) throw trainingError('INVALID_PARAMS', 'gas_per_coordinate must lie in [1, 1000000]', { param: 'gas_per_coordinate' })
  },
}
