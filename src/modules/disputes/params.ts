import { t, type StructValue } from '../../codec/index.js'
import { type ModuleParams, ModuleError, bigintAt, genesisError, intAt, objectAt } from '../../state/index.js'
import { disputesError } from './errors.js'

export const DisputesParamsType = t.struct('DisputesParams', 3000, 1, {
  windowBlocks: t.u32,
  minBond: t.uint(),
  gasPerCoordinate: t.u32,
})
export type DisputesParamsValue = StructValue<typeof DisputesParamsType.fields>

const MAX_BOND = 2n ** 128n
const MAX_WINDOW = 2 ** 31 - 1
const MAX_GAS = 1_000_000
const FIELDS = ['window_blocks', 'min_bond', 'gas_per_coordinate']

/**
 * `app_state.disputes.params` (changeable by a gov MsgUpdateParams like any module's):
 *   window_blocks       a slash may be disputed until its height + window_blocks, 1..2^31−1; 100
 *   min_bond            the smallest bond a MsgOpenDispute escrows, units of the bond denomination; "1000"
 *   gas_per_coordinate  gas per coordinate per input of a recomputation (as training's), 0..10^6; 1
 */
export const disputesParams: ModuleParams<DisputesParamsValue> = {
  schema: DisputesParamsType,
  defaults: { windowBlocks: 100, minBond: 1000n, gasPerCoordinate: 1 },
  fromJson(json, path) {
    const body = objectAt(json, path)
    const d = disputesParams.defaults
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such disputes param')
    const value: DisputesParamsValue = {
      windowBlocks: body.window_blocks === undefined ? d.windowBlocks : intAt(body.window_blocks, `${path}.window_blocks`, 1, MAX_WINDOW),
      minBond: body.min_bond === undefined ? d.minBond : bigintAt(body.min_bond, `${path}.min_bond`, { min: 1n, max: MAX_BOND }),
      gasPerCoordinate:
        body.gas_per_coordinate === undefined
          ? d.gasPerCoordinate
          : intAt(body.gas_per_coordinate, `${path}.gas_per_coordinate`, 0, MAX_GAS),
    }
    try {
      disputesParams.validate(value)
    } catch (error) {
      if (!(error instanceof ModuleError)) throw error
      throw genesisError(`${path}.${String(error.context.param)}`, error.message)
    }
    return value
  },
  toJson: (p) => ({ window_blocks: p.windowBlocks, min_bond: String(p.minBond), gas_per_coordinate: p.gasPerCoordinate }),
  validate(p) {
    if (!Number.isInteger(p.windowBlocks) || p.windowBlocks < 1 || p.windowBlocks > MAX_WINDOW)
      throw disputesError('INVALID_PARAMS', `window_blocks must lie in [1, ${MAX_WINDOW}]`, { param: 'window_blocks' })
    if (p.minBond < 1n || p.minBond > MAX_BOND)
      throw disputesError('INVALID_PARAMS', 'min_bond must lie in [1, 2^128]', { param: 'min_bond' })
    if (!Number.isInteger(p.gasPerCoordinate) || p.gasPerCoordinate < 0 || p.gasPerCoordinate > MAX_GAS)
      throw disputesError('INVALID_PARAMS', `gas_per_coordinate must lie in [0, ${MAX_GAS}]`, { param: 'gas_per_coordinate' })
  },
}
