/**
 * Distribution's queries: plain JSON in, plain JSON out. Amounts of DecCoins are decimal strings
 * (`{ denom, amount: "12.5" }`), addresses bech32, validators `fedravaloper1…` (a validator
 * parameter also accepts the operator's `fedra1…` account address). A missing or malformed
 * parameter is INVALID_QUERY; an unknown validator UNKNOWN_VALIDATOR; a delegator asking about a
 * validator it has no delegation with NO_DELEGATION.
 *
 *   rewards         { delegator, validator? } → { rewards: [{ validator, reward: DecCoins }], total: DecCoins }
 *   commission      { validator }             → { validator, commission: DecCoins }
 *   outstanding     { validator }             → { validator, rewards: DecCoins }
 *   communityPool   {}                        → { pool: DecCoins }
 *   params          {}                        → { community_tax, base_proposer_reward, bonus_proposer_reward, emission_per_block, withdraw_addr_enabled }
 *   withdrawAddress { delegator }             → { delegator, withdraw_address }
 */
import { decodeAddress, encodeAddress } from '../../crypto/index.js'
import type { Context, QueryHandler } from '../../state/index.js'
import type { ValidatorView } from '../staking/views.js'
import { type DecCoins, NO_COINS, addDecCoins, decCoinsJson } from './dec-coins.js'
import { distributionError } from './errors.js'
import { DistributionKeeper } from './keeper.js'
import { distributionParams } from './params.js'

export const VALOPER_PREFIX = 'fedravaloper'
const valoper = (operator: Uint8Array): string => encodeAddress(operator, VALOPER_PREFIX)

function text(params: Record<string, unknown>, name: string): string {
  const value = params[name]
  if (typeof value !== 'string' || value === '')
    throw distributionError('INVALID_QUERY', `parameter ${name} must be a bech32 address string`, { param: name })
  return value
}

function accountParam(params: Record<string, unknown>, name: string): Uint8Array {
  const value = text(params, name)
  try {
    return decodeAddress(value)
  } catch {
    throw distributionError('INVALID_QUERY', `parameter ${name}: "${value.slice(0, 100)}" is not a fedra1… address`, { param: name })
  }
}

/** A validator parameter: `fedravaloper1…`, or the operator's `fedra1…`. */
function operatorParam(params: Record<string, unknown>, name: string): Uint8Array {
  const value = text(params, name)
  for (const prefix of [VALOPER_PREFIX, undefined]) {
    try {
      return prefix === undefined ? decodeAddress(value) : decodeAddress(value, prefix)
    } catch {
      // try the next form
    }
  }
  throw distributionError(
    'INVALID_QUERY',
    `parameter ${name}: "${value.slice(0, 100)}" is neither a fedravaloper1… nor a fedra1… address`,
    { param: name },
  )
}

function knownValidator(keeper: DistributionKeeper, operator: Uint8Array): ValidatorView {
  const validator = keeper.staking.validator(operator)
  if (validator === undefined || !keeper.hasValidator(operator))
    throw distributionError('UNKNOWN_VALIDATOR', `no validator ${valoper(operator)}`, { validator: valoper(operator) })
  return validator
}

const keeperOf = (ctx: Context) => new DistributionKeeper(ctx)

export const distributionQueries: Record<string, QueryHandler> = {
  rewards: (ctx, params) => {
    const keeper = keeperOf(ctx)
    const delegator = accountParam(params, 'delegator')
    let delegations = keeper.staking.delegationsOf(delegator)
    if (params.validator !== undefined) {
      const operator = operatorParam(params, 'validator')
      knownValidator(keeper, operator)
      delegations = delegations.filter((d) => Buffer.compare(d.validator, operator) === 0)
      if (delegations.length === 0)
        throw distributionError('NO_DELEGATION', `${encodeAddress(delegator)} has no delegation to ${valoper(operator)}`, {
          delegator: encodeAddress(delegator),
        })
    }
    let total: DecCoins = NO_COINS
    const rewards = delegations.map((delegation) => {
      const validator = knownValidator(keeper, delegation.validator)
      const reward = keeper.pendingRewards(validator, delegation)
      total = addDecCoins(total, reward)
      return { validator: valoper(delegation.validator), reward: decCoinsJson(reward) }
    })
    return { rewards, total: decCoinsJson(total) }
  },
  commission: (ctx, params) => {
    const keeper = keeperOf(ctx)
    const operator = operatorParam(params, 'validator')
    knownValidator(keeper, operator)
    return { validator: valoper(operator), commission: decCoinsJson(keeper.commission(operator)) }
  },
  outstanding: (ctx, params) => {
    const keeper = keeperOf(ctx)
    const operator = operatorParam(params, 'validator')
    knownValidator(keeper, operator)
    return { validator: valoper(operator), rewards: decCoinsJson(keeper.outstanding(operator)) }
  },
  communityPool: (ctx) => ({ pool: decCoinsJson(keeperOf(ctx).communityPool()) }),
  params: (ctx) => distributionParams.toJson(keeperOf(ctx).params()),
  withdrawAddress: (ctx, params) => {
    const delegator = accountParam(params, 'delegator')
    return { delegator: encodeAddress(delegator), withdraw_address: encodeAddress(keeperOf(ctx).withdrawAddress(delegator)) }
  },
}
