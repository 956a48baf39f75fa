import { t, type StructValue } from '../../codec/index.js'
import { Dec, type ModuleParams, ModuleError, decType, genesisError, objectAt, stringAt } from '../../state/index.js'
import { reputationError } from './errors.js'

export const ReputationParamsType = t.struct('ReputationParams', 2630, 1, {
  kappa: decType,
  bondMovingAverage: decType,
  reputationAlpha: decType,
  initialReputation: decType,
  standingDecay: decType,
})
export type ReputationParamsValue = StructValue<typeof ReputationParamsType.fields>

const FIELDS = {
  kappa: 'kappa',
  bond_moving_average: 'bondMovingAverage',
  reputation_alpha: 'reputationAlpha',
  initial_reputation: 'initialReputation',
  standing_decay: 'standingDecay',
} as const
type JsonField = keyof typeof FIELDS

/**
 * `app_state.reputation.params`, every value a decimal string:
 *   kappa                Yuma's κ: a trainer's consensus score is the largest score that
 *                        validators holding at least κ of the counted stake give it; (0, 1]; "0.5"
 *   bond_moving_average  β of the bonds' EMA, B ← β·B_old + (1 − β)·ΔB; [0, 1); "0.9"
 *   reputation_alpha     α of the reputation EMA, r ← α·q + (1 − α)·r_old; (0, 1]; "0.3"
 *   initial_reputation   a trainer's reputation before its first scored round; [0, 1]; "0.5"
 *   standing_decay       d of a validator's standing, s ← d·s (+ 1 − d when it revealed); [0, 1); "0.5"
 */
export const reputationParams: ModuleParams<ReputationParamsValue> = {
  schema: ReputationParamsType,
  defaults: {
    kappa: Dec.parse('0.5'),
    bondMovingAverage: Dec.parse('0.9'),
    reputationAlpha: Dec.parse('0.3'),
    initialReputation: Dec.parse('0.5'),
    standingDecay: Dec.parse('0.5'),
  },
  fromJson(json, path) {
    const body = objectAt(json, path)
    const value: ReputationParamsValue = { ...reputationParams.defaults }
    for (const [key, raw] of Object.entries(body)) {
      if (!(key in FIELDS)) throw genesisError(`${path}.${key}`, 'no such reputation param')
      try {
        value[FIELDS[key as JsonField]] = Dec.parse(stringAt(raw, `${path}.${key}`))
      } catch {
        throw genesisError(`${path}.${key}`, 'expected a decimal string like 0.5')
      }
    }
    try {
      reputationParams.validate(value)
    } catch (error) {
      if (!(error instanceof ModuleError)) throw error
      throw genesisError(`${path}.${String(error.context.param)}`, error.message)
    }
    return value
  },
  toJson: (p) => ({
    kappa: p.kappa.toString(),
    bond_moving_average: p.bondMovingAverage.toString(),
    reputation_alpha: p.reputationAlpha.toString(),
    initial_reputation: p.initialReputation.toString(),
    standing_decay: p.standingDecay.toString(),
  }),
  validate(p) {
    const check = (ok: boolean, param: string, range: string) => {
      if (!ok) throw reputationError('INVALID_PARAMS', `${param} must lie in ${range}`, { param })
    }
    check(p.kappa.gt(Dec.ZERO) && p.kappa.lte(Dec.ONE), 'kappa', '(0, 1]')
    check(!p.bondMovingAverage.isNegative() && p.bondMovingAverage.lt(Dec.ONE), 'bond_moving_average', '[0, 1)')
    check(p.reputationAlpha.gt(Dec.ZERO) && p.reputationAlpha.lte(Dec.ONE), 'reputation_alpha', '(0, 1]')
    check(!p.initialReputation.isNegative() && p.initialReputation.lte(Dec.ONE), 'initial_reputation', '[0, 1]')
    check(!p.standingDecay.isNegative() && p.standingDecay.lt(Dec.ONE), 'standing_decay', '[0, 1)')
  },
}
