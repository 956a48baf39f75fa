import { t, type StructValue } from '../../codec/index.js'
import { type ModuleParams, ModuleError, bigintAt, genesisError, intAt, objectAt } from '../../state/index.js'
import { disputesError } from './errors.js'

export const DisputesParamsType = t.struct('DisputesParams', 3000, 1, {
  windowBlocks: t.u32,
  minBond: t.uint(),
})
export type DisputesParamsValue = StructValue<typeof DisputesParamsType.fields>

const MAX_BOND = 2n ** 128n
const MAX_WINDOW = 2 ** 31 - 1
const FIELDS = ['window_blocks', 'min_bond']

/**
 * `app_state.disputes.params` (changeable by a gov MsgUpdateParams like any module's):
 *   window_blocks       a slash may be disputed until its height + window_blocks, 1..2^31−1; 100
 *   min_bond            the smallest bond a MsgOpenDispute escrows, units of the bond denomination; "1000"
 * A recomputation's gas is training's (gas_per_coordinate × the rule's work, as MsgSubmitAggregate).
 */
export const disputesParams: ModuleParams<DisputesParamsValue> = {
  schema: DisputesParamsType,
  defaults: { windowBlocks: 100, minBond: 1000n },
  fromJson(json, path) {
    const body = objectAt(json, path)
    const d = disputesParams.defaults
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such disputes param')
    const value: DisputesParamsValue = {
      windowBlocks: body.window_blocks === undefined ? d.windowBlocks : intAt(body.window_blocks, `${path}.window_blocks`, 1, MAX_WINDOW),
      minBond: body.min_bond === undefined ? d.minBond : bigintAt(body.min_bond, `${path}.min_bond`, { min: 1n, max: MAX_BOND }),
    }
    try {
      disputesParams.validate(value)
    } catch (error) {
      if (!(error instanceof ModuleError)) throw error
      throw genesisError(`${path}.${String(error.context.param)}`, error.message)
    }
    return value
  },
  toJson: (p) => ({ window_blocks: p.windowBlocks, min_bond: String(p.minBond) }),
  validate(p) {
    if (!Number.isInteger(p.windowBlocks) || p.windowBlocks < 1 || p.windowBlocks > MAX_WINDOW)
      throw disputesError('INVALID_PARAMS', `window_blocks must lie in [1, ${MAX_WINDOW}]`, { param: 'window_blocks' })
    if (p.minBond < 1n || p.minBond > MAX_BOND)
      throw disputesError('INVALID_PARAMS', 'min_bond must lie in [1, 2^128]', { param: 'min_bond' })
  },
}
