import { t, type StructValue } from '../../codec/index.js'
import { type ModuleParams, bigintAt, genesisError, intAt, objectAt } from '../../state/index.js'
import { subnetsError } from './errors.js'

export const SubnetsParamsType = t.struct('SubnetsParams', 2430, 1, {
  creationDeposit: t.uint(),
  maxSubnets: t.u64,
  maxNameLength: t.u32,
  maxDescriptionLength: t.u32,
})
export type SubnetsParamsValue = StructValue<typeof SubnetsParamsType.fields>

const FIELDS = ['creation_deposit', 'max_subnets', 'max_name_length', 'max_description_length'] as const
/** The codec bounds of MsgCreateSubnet's name and description, which the params may only lower. */
export const NAME_LIMIT = 256
export const DESCRIPTION_LIMIT = 8192

/**
 * `app_state.subnets.params`: creation_deposit (paid in staking's bond denomination into the
 * `subnets` module account, decimal string; "100000000"), max_subnets (subnets ever created,
 * decimal string; "10000"), max_name_length (64, ≤ 256), max_description_length (1024, ≤ 8192).
 */
export const subnetsParams: ModuleParams<SubnetsParamsValue> = {
  schema: SubnetsParamsType,
  defaults: { creationDeposit: 100_000_000n, maxSubnets: 10_000n, maxNameLength: 64, maxDescriptionLength: 1024 },
  fromJson(json, path) {
    const body = objectAt(json, path)
    for (const key of Object.keys(body))
      if (!(FIELDS as readonly string[]).includes(key)) throw genesisError(`${path}.${key}`, 'no such subnets param')
    const d = subnetsParams.defaults
    return {
      creationDeposit:
        body.creation_deposit === undefined ? d.creationDeposit : bigintAt(body.creation_deposit, `${path}.creation_deposit`),
      maxSubnets:
        body.max_subnets === undefined ? d.maxSubnets : bigintAt(body.max_subnets, `${path}.max_subnets`, { min: 1n, max: 2n ** 64n - 1n }),
      maxNameLength:
        body.max_name_length === undefined ? d.maxNameLength : intAt(body.max_name_length, `${path}.max_name_length`, 1, NAME_LIMIT),
      maxDescriptionLength:
        body.max_description_length === undefined
          ? d.maxDescriptionLength
          : intAt(body.max_description_length, `${path}.max_description_length`, 0, DESCRIPTION_LIMIT),
    }
  },
  toJson: (p) => ({
    creation_deposit: String(p.creationDeposit),
    max_subnets: String(p.maxSubnets),
    max_name_length: p.maxNameLength,
    max_description_length: p.maxDescriptionLength,
  }),
  validate(p) {
    if (p.maxSubnets < 1n) throw subnetsError('INVALID_PARAMS', 'max_subnets must be positive', { param: 'max_subnets' })
    if (p.maxNameLength < 1 || p.maxNameLength > NAME_LIMIT) {
      throw subnetsError('INVALID_PARAMS', `max_name_length must lie in [1, ${NAME_LIMIT}]`, { param: 'max_name_length' })
    }
    if (p.maxDescriptionLength > DESCRIPTION_LIMIT) {
      throw subnetsError('INVALID_PARAMS', `max_description_length must be at most ${DESCRIPTION_LIMIT}`, {
        param: 'max_description_length',
      })
    }
  },
}
