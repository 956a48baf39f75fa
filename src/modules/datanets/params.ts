import { t, type StructValue } from '../../codec/index.js'
import { type ModuleParams, ModuleError, bigintAt, genesisError, objectAt } from '../../state/index.js'
import { datanetsError } from './errors.js'

export const DatanetsParamsType = t.struct('DatanetsParams', 2830, 1, {
  /** Units of the bond denomination a Datanet's creator pays into the datanets account, held there. */
  creationDeposit: t.uint(),
  /** Most records (of any status) one Datanet takes: bounds what a version, a proof query or an invariant walks. */
  maxRecordsPerDatanet: t.u64,
})
export type DatanetsParamsValue = StructValue<typeof DatanetsParamsType.fields>

const MAX_DEPOSIT = 2n ** 128n
/** A version's leaves fit a JS array and a proof's index a safe integer many times over. */
const RECORDS_CEILING = 2n ** 32n
const FIELDS = ['creation_deposit', 'max_records_per_datanet']

/**
 * `app_state.datanets.params`:
 *   creation_deposit         decimal string of units of the bond denomination paid by MsgCreateDatanet
 *                            and held (a Datanet is never closed yet); "0" allowed; "1000000" (1 FDR)
 *   max_records_per_datanet  decimal string, 1..2^32: records one Datanet takes (DATANET_FULL
 *                            beyond); "100000"
 */
export const datanetsParams: ModuleParams<DatanetsParamsValue> = {
  schema: DatanetsParamsType,
  defaults: { creationDeposit: 1_000_000n, maxRecordsPerDatanet: 100_000n },
  fromJson(json, path) {
    const body = objectAt(json, path)
    const d = datanetsParams.defaults
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such datanets param')
    const value: DatanetsParamsValue = {
      creationDeposit:
        body.creation_deposit === undefined
          ? d.creationDeposit
          : bigintAt(body.creation_deposit, `${path}.creation_deposit`, { min: 0n, max: MAX_DEPOSIT }),
      maxRecordsPerDatanet:
        body.max_records_per_datanet === undefined
          ? d.maxRecordsPerDatanet
          : bigintAt(body.max_records_per_datanet, `${path}.max_records_per_datanet`, { min: 1n, max: RECORDS_CEILING }),
    }
    try {
      datanetsParams.validate(value)
    } catch (error) {
      if (!(error instanceof ModuleError)) throw error
      throw genesisError(`${path}.${String(error.context.param)}`, error.message)
    }
    return value
  },
  toJson: (p) => ({ creation_deposit: String(p.creationDeposit), max_records_per_datanet: String(p.maxRecordsPerDatanet) }),
  validate(p) {
    if (p.creationDeposit < 0n || p.creationDeposit > MAX_DEPOSIT)
      throw datanetsError('INVALID_PARAMS', 'creation_deposit must lie in [0, 2^128]', { param: 'creation_deposit' })
    if (p.maxRecordsPerDatanet < 1n || p.maxRecordsPerDatanet > RECORDS_CEILING) {
      throw datanetsError('INVALID_PARAMS', 'max_records_per_datanet must lie in [1, 2^32]', { param: 'max_records_per_datanet' })
    }
  },
}
