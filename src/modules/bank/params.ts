import { t, type StructValue } from '../../codec/index.js'
import { type ModuleParams, genesisError, objectAt, stringAt } from '../../state/index.js'
import { bankError } from './errors.js'
import { DENOM } from './messages.js'

export const BankParamsType = t.struct('BankParams', 202, 1, { feeDenom: t.string({ max: 64 }) })
export type BankParamsValue = StructValue<typeof BankParamsType.fields>

/** `app_state.bank.params`: `fee_denom`, the denomination fees are paid in. */
export const bankParams: ModuleParams<BankParamsValue> = {
  schema: BankParamsType,
  defaults: { feeDenom: 'ufdr' },
  fromJson(json, path) {
    const body = objectAt(json, path)
    for (const key of Object.keys(body)) if (key !== 'fee_denom') throw genesisError(`${path}.${key}`, 'no such bank param')
    return { feeDenom: body.fee_denom === undefined ? bankParams.defaults.feeDenom : stringAt(body.fee_denom, `${path}.fee_denom`) }
  },
  toJson: (params) => ({ fee_denom: params.feeDenom }),
  validate(params) {
    if (!DENOM.test(params.feeDenom)) throw bankError('INVALID_PARAMS', `fee denomination "${params.feeDenom}" does not match ${DENOM}`)
  },
}
