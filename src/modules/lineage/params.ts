import { t, type StructValue } from '../../codec/index.js'
import { Dec, type ModuleParams, ModuleError, bigintAt, decAt, decType, genesisError, intAt, objectAt } from '../../state/index.js'
import { lineageError } from './errors.js'

export const LineageParamsType = t.struct('LineageParams', 2930, 1, {
  trainerShare: decType,
  dataShare: decType,
  aggregatorShare: decType,
  validatorShare: decType,
  treasuryShare: decType,
  parentShare: decType,
  maxAncestryDepth: t.u32,
  minUseFee: t.uint(),
})
export type LineageParamsValue = StructValue<typeof LineageParamsType.fields>

/** The deepest ancestry a fee may travel (and a query may ask for). */
export const MAX_ANCESTRY_DEPTH = 64
const MAX_FEE = 2n ** 128n
const FIELDS = [
  'trainer_share',
  'data_share',
  'aggregator_share',
  'validator_share',
  'treasury_share',
  'parent_share',
  'max_ancestry_depth',
  'min_use_fee',
]
const SHARES = ['trainer_share', 'data_share', 'aggregator_share', 'validator_share', 'treasury_share'] as const

/**
 * `app_state.lineage.params`:
 *   trainer_share, data_share, aggregator_share, validator_share, treasury_share
 *                       how a version's own part of a fee divides (Dec in [0, 1], summing to
 *                       exactly 1; validator_share < 1): "0.5", "0.2", "0.05", "0.1", "0.15"
 *   parent_share        the decay: the part of a fee a version with parents passes to them,
 *                       [0, 1); "0.2"
 *   max_ancestry_depth  how many generations a fee travels up, 0..64; 8
 *   min_use_fee         the smallest fee a MsgUseModel pays, units of the bond denomination; "1000"
 */
export const lineageParams: ModuleParams<LineageParamsValue> = {
  schema: LineageParamsType,
  defaults: {
    trainerShare: Dec.parse('0.5'),
    dataShare: Dec.parse('0.2'),
    aggregatorShare: Dec.parse('0.05'),
    validatorShare: Dec.parse('0.1'),
    treasuryShare: Dec.parse('0.15'),
    parentShare: Dec.parse('0.2'),
    maxAncestryDepth: 8,
    minUseFee: 1000n,
  },
  fromJson(json, path) {
    const body = objectAt(json, path)
    const d = lineageParams.defaults
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such lineage param')
    const dec = (field: string, fallback: Dec) => (body[field] === undefined ? fallback : decAt(body[field], `${path}.${field}`))
    const value: LineageParamsValue = {
      trainerShare: dec('trainer_share', d.trainerShare),
      dataShare: dec('data_share', d.dataShare),
      aggregatorShare: dec('aggregator_share', d.aggregatorShare),
      validatorShare: dec('validator_share', d.validatorShare),
      treasuryShare: dec('treasury_share', d.treasuryShare),
      parentShare: dec('parent_share', d.parentShare),
      maxAncestryDepth:
        body.max_ancestry_depth === undefined
          ? d.maxAncestryDepth
          : intAt(body.max_ancestry_depth, `${path}.max_ancestry_depth`, 0, MAX_ANCESTRY_DEPTH),
      minUseFee:
        body.min_use_fee === undefined ? d.minUseFee : bigintAt(body.min_use_fee, `${path}.min_use_fee`, { min: 1n, max: MAX_FEE }),
    }
    try {
      lineageParams.validate(value)
    } catch (error) {
      if (!(error instanceof ModuleError)) throw error
      throw genesisError(`${path}.${String(error.context.param)}`, error.message)
    }
    return value
  },
  toJson: (p) => ({
    trainer_share: p.trainerShare.toString(),
    data_share: p.dataShare.toString(),
    aggregator_share: p.aggregatorShare.toString(),
    validator_share: p.validatorShare.toString(),
    treasury_share: p.treasuryShare.toString(),
    parent_share: p.parentShare.toString(),
    max_ancestry_depth: p.maxAncestryDepth,
    min_use_fee: String(p.minUseFee),
  }),
  validate(p) {
    const inUnit = (d: Dec) => !d.isNegative() && d.lte(Dec.ONE)
    const shares = [p.trainerShare, p.dataShare, p.aggregatorShare, p.validatorShare, p.treasuryShare]
    shares.forEach((share, i) => {
      if (!inUnit(share)) throw lineageError('INVALID_PARAMS', `${SHARES[i]} must lie in [0, 1]`, { param: SHARES[i] })
    })
    if (!shares.reduce((a, b) => a.add(b), Dec.ZERO).eq(Dec.ONE))
      throw lineageError('INVALID_PARAMS', 'the five shares must sum to exactly 1', { param: 'trainer_share' })
    if (p.validatorShare.eq(Dec.ONE))
      throw lineageError('INVALID_PARAMS', 'validator_share must be below 1 (something must reach the contributors)', {
        param: 'validator_share',
      })
    if (p.parentShare.isNegative() || p.parentShare.gte(Dec.ONE))
      throw lineageError('INVALID_PARAMS', 'parent_share must lie in [0, 1)', { param: 'parent_share' })
    if (!Number.isInteger(p.maxAncestryDepth) || p.maxAncestryDepth < 0 || p.maxAncestryDepth > MAX_ANCESTRY_DEPTH) {
      throw lineageError('INVALID_PARAMS', `max_ancestry_depth must lie in [0, ${MAX_ANCESTRY_DEPTH}]`, { param: 'max_ancestry_depth' })
    }
    if (p.minUseFee < 1n || p.minUseFee > MAX_FEE)
      throw lineageError('INVALID_PARAMS', 'min_use_fee must lie in [1, 2^128]', { param: 'min_use_fee' })
  },
}
