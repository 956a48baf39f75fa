import { t, type StructValue } from '../../codec/index.js'
import { Dec, type ModuleParams, ModuleError, bigintAt, decType, genesisError, objectAt, decAt } from '../../state/index.js'
import { rewardsError } from './errors.js'

export const RewardsParamsType = t.struct('RewardsParams', 2730, 1, {
  /** Units of the bond denomination minted into a subnet's pool each time one of its rounds settles. */
  emissionPerRound: t.uint(),
  harmfulScoreThreshold: decType,
  /** A harmful trainer is slashed only once its reputation (after this round) is below this: persistent harm, not one noisy round. */
  slashReputationThreshold: decType,
  trainerSlashFraction: decType,
})
export type RewardsParamsValue = StructValue<typeof RewardsParamsType.fields>

const MAX_EMISSION = 2n ** 128n
const FIELDS = ['emission_per_round', 'harmful_score_threshold', 'slash_reputation_threshold', 'trainer_slash_fraction']

/**
 * `app_state.rewards.params`:
 *   emission_per_round       decimal string of units of the bond denomination minted into a
 *                            subnet's pool when one of its rounds settles; "0" allowed; "10000000" (10 FDR)
 *   harmful_score_threshold  a trainer of a scored round whose quality C·K (consensus score C
 *                            against an equal share 1/K of the round's K trainers) lies below it
 *                            is harmful: no reward, and its bond is slashed; [0, 1]; "0.02"
 *                            (below 2% of an equal share); "0" disables the slash
 *   slash_reputation_threshold  a harmful trainer is slashed only if its reputation after the
 *                            round (the reputation module's EMA) is below this; [0, 1]; "0.25".
 *                            One round's scores are noisy (a leave-one-out score of an honest
 *                            update is often 0), so the bond goes only for harm that persists:
 *                            from the initial 0.5, three zero rounds at α 0.3 reach 0.17.
 *                            "1" slashes every harmful round
 *   trainer_slash_fraction   the part of a harmful trainer's subnet bond burned; [0, 1]; "0.05"
 */
export const rewardsParams: ModuleParams<RewardsParamsValue> = {
  schema: RewardsParamsType,
  defaults: {
    emissionPerRound: 10_000_000n,
    harmfulScoreThreshold: Dec.parse('0.02'),
    slashReputationThreshold: Dec.parse('0.25'),
    trainerSlashFraction: Dec.parse('0.05'),
  },
  fromJson(json, path) {
    const body = objectAt(json, path)
    const d = rewardsParams.defaults
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such rewards param')
    const at = (field: string) => `${path}.${field}`
    const value: RewardsParamsValue = {
      emissionPerRound:
        body.emission_per_round === undefined
          ? d.emissionPerRound
          : bigintAt(body.emission_per_round, at('emission_per_round'), { min: 0n, max: MAX_EMISSION }),
      harmfulScoreThreshold:
        body.harmful_score_threshold === undefined
          ? d.harmfulScoreThreshold
          : decAt(body.harmful_score_threshold, at('harmful_score_threshold')),
      slashReputationThreshold:
        body.slash_reputation_threshold === undefined
          ? d.slashReputationThreshold
          : decAt(body.slash_reputation_threshold, at('slash_reputation_threshold')),
      trainerSlashFraction:
        body.trainer_slash_fraction === undefined
          ? d.trainerSlashFraction
          : decAt(body.trainer_slash_fraction, at('trainer_slash_fraction')),
    }
    try {
      rewardsParams.validate(value)
    } catch (error) {
      if (!(error instanceof ModuleError)) throw error
      throw genesisError(`${path}.${String(error.context.param)}`, error.message)
    }
    return value
  },
  toJson: (p) => ({
    emission_per_round: String(p.emissionPerRound),
    harmful_score_threshold: p.harmfulScoreThreshold.toString(),
    slash_reputation_threshold: p.slashReputationThreshold.toString(),
    trainer_slash_fraction: p.trainerSlashFraction.toString(),
  }),
  validate(p) {
    const inUnit = (d: Dec) => !d.isNegative() && d.lte(Dec.ONE)
    if (p.emissionPerRound < 0n || p.emissionPerRound > MAX_EMISSION) {
      throw rewardsError('INVALID_PARAMS', 'emission_per_round must lie in [0, 2^128]', { param: 'emission_per_round' })
    }
    if (!inUnit(p.harmfulScoreThreshold))
      throw rewardsError('INVALID_PARAMS', 'harmful_score_threshold must lie in [0, 1]', { param: 'harmful_score_threshold' })
    if (!inUnit(p.slashReputationThreshold))
      throw rewardsError('INVALID_PARAMS', 'slash_reputation_threshold must lie in [0, 1]', { param: 'slash_reputation_threshold' })
    if (!inUnit(p.trainerSlashFraction))
      throw rewardsError('INVALID_PARAMS', 'trainer_slash_fraction must lie in [0, 1]', { param: 'trainer_slash_fraction' })
  },
}
