/**
 * Staking's queries. Params are JSON values; answers plain JSON: amounts decimal strings, Decs
 * their decimal text, times ms as decimal strings, validators `fedravaloper1…`, accounts `fedra1…`.
 * A validator parameter takes `fedravaloper1…` or the operator's `fedra1…`.
 *
 *   validators { status?: bonded|unbonding|unbonded } → { validators: Validator[] }
 *   validator { validator }                            → Validator
 *     Validator = { operator, consensus_pubkey (hex), consensus_address (fedra1…), moniker, status, jailed,
 *                   tokens, delegator_shares, commission: { rate, max_rate, max_change_rate, update_time },
 *                   min_self_delegation, power, unbonding_height, unbonding_time }
 *   delegation { delegator, validator }  → { delegator, validator, shares, balance }
 *   delegations { delegator }            → { delegations: [{ delegator, validator, shares, balance }] }
 *   validatorDelegations { validator }   → { delegations: [...same] }
 *   unbondings { delegator }             → { unbondings: [{ delegator, validator, entries: [{ creation_height, completion_time, initial_balance, balance }] }] }
 *   redelegations { delegator }          → { redelegations: [{ delegator, source, destination, entries: [{ creation_height, completion_time, initial_balance, shares_dst, balance }] }] }
 *   params {}                            → { unbonding_time, max_validators, max_entries, bond_denom, power_reduction, min_self_delegation }
 *   pool {}                              → { bonded_tokens, not_bonded_tokens }
 *   bond { owner, purpose }              → { owner, purpose, amount, unbonding } (purpose in full, "<module>:…")
 * Bad params: staking INVALID_QUERY; an unknown validator UNKNOWN_VALIDATOR; no delegation UNKNOWN_DELEGATION.
 */
import { decodeAddress, encodeAddress, toHex } from '../../crypto/index.js'
import { type Context, type QueryHandler, moduleAddress } from '../../state/index.js'
import { stakingError } from './errors.js'
import { BANK } from './expected-keepers.js'
import { StakingKeeper } from './keeper.js'
import { tokensFromSharesTruncated } from './shares.js'
import { consensusAddressOf } from './validator-rules.js'
import * as K from './keys.js'
import { stakingParams } from './params.js'
import { STATUS, type Validator } from './records.js'
import type { DelegationView } from './views.js'

const keeper = (ctx: Context) => new StakingKeeper(ctx, K.MODULE)
const valoper = (b: Uint8Array) => encodeAddress(b, 'fedravaloper')

function param(params: Record<string, unknown>, name: string): string {
  const value = params?.[name]
  if (typeof value !== 'string' || value.length === 0) throw stakingError('INVALID_QUERY', `query parameter ${name} is required (a string)`)
  return value
}

/** A validator given as fedravaloper1… or as the operator's fedra1…. */
export function parseValidatorAddress(text: string, name = 'validator'): Uint8Array {
  for (const prefix of ['fedravaloper', 'fedra']) {
    try {
      return decodeAddress(text, prefix)
    } catch {
      // next form
    }
  }
  throw stakingError('INVALID_QUERY', `${name} "${text.slice(0, 90)}" is not a fedravaloper1… or fedra1… address`)
}

function parseAccount(text: string, name: string): Uint8Array {
  try {
    return decodeAddress(text)
  } catch {
    throw stakingError('INVALID_QUERY', `${name} "${text.slice(0, 90)}" is not a fedra1… address`)
  }
}

export function validatorJson(k: StakingKeeper, v: Validator) {
  return {
    operator: valoper(v.operator),
    consensus_pubkey: toHex(v.consensusPubKey),
    consensus_address: encodeAddress(consensusAddressOf(v.consensusPubKey)),
    moniker: v.moniker,
    status: STATUS[v.status],
    jailed: v.jailed,
    tokens: String(v.tokens),
    delegator_shares: v.delegatorShares.toString(),
    commission: {
      rate: v.commissionRate.toString(),
      max_rate: v.commissionMaxRate.toString(),
      max_change_rate: v.commissionMaxChangeRate.toString(),
      update_time: String(v.commissionUpdateTime),
    },
    min_self_delegation: String(v.minSelfDelegation),
    power: String(k.powerOf(v)),
    unbonding_height: String(v.unbondingHeight),
    unbonding_time: String(v.unbondingTime),
  }
}

function delegationJson(k: StakingKeeper, d: DelegationView) {
  const v = k.getValidator(d.validator)
  return {
    delegator: encodeAddress(d.delegator),
    validator: valoper(d.validator),
    shares: d.shares.toString(),
    balance: String(v === undefined ? 0n : tokensFromSharesTruncated(v, d.shares)),
  }
}

function mustValidator(k: StakingKeeper, operator: Uint8Array): Validator {
  const v = k.getValidator(operator)
  if (v === undefined) throw stakingError('UNKNOWN_VALIDATOR', `no validator ${valoper(operator)}`)
  return v
}

export const stakingQueries: Record<string, QueryHandler> = {
  validators(ctx, params) {
    const status = params?.status
    if (status !== undefined && !STATUS.includes(status as never))
      throw stakingError('INVALID_QUERY', `status must be one of ${STATUS.join(', ')}`)
    const k = keeper(ctx)
    return {
      validators: [...k.allValidators()].filter((v) => status === undefined || STATUS[v.status] === status).map((v) => validatorJson(k, v)),
    }
  },
  validator(ctx, params) {
    const k = keeper(ctx)
    return validatorJson(k, mustValidator(k, parseValidatorAddress(param(params, 'validator'))))
  },
  delegation(ctx, params) {
    const k = keeper(ctx)
    const delegator = parseAccount(param(params, 'delegator'), 'delegator')
    const operator = parseValidatorAddress(param(params, 'validator'))
    const d = k.delegation(delegator, operator)
    if (d === undefined) throw stakingError('UNKNOWN_DELEGATION', `${encodeAddress(delegator)} has no delegation to ${valoper(operator)}`)
    return delegationJson(k, d)
  },
  delegations(ctx, params) {
    const k = keeper(ctx)
    return { delegations: k.delegationsOf(parseAccount(param(params, 'delegator'), 'delegator')).map((d) => delegationJson(k, d)) }
  },
  validatorDelegations(ctx, params) {
    const k = keeper(ctx)
    const operator = parseValidatorAddress(param(params, 'validator'))
    mustValidator(k, operator)
    return { delegations: k.delegationsTo(operator).map((d) => delegationJson(k, d)) }
  },
  unbondings(ctx, params) {
    const k = keeper(ctx)
    const delegator = parseAccount(param(params, 'delegator'), 'delegator')
    return {
      unbondings: [...k.unbondingsOf(delegator)].map((u) => ({
        delegator: encodeAddress(u.delegator),
        validator: valoper(u.validator),
        entries: u.entries.map((e) => ({
          creation_height: String(e.creationHeight),
          completion_time: String(e.completionTime),
          initial_balance: String(e.initialBalance),
          balance: String(e.balance),
        })),
      })),
    }
  },
  redelegations(ctx, params) {
    const k = keeper(ctx)
    const delegator = parseAccount(param(params, 'delegator'), 'delegator')
    return {
      redelegations: [...k.redelegationsOf(delegator)].map((r) => {
        const dst = k.getValidator(r.destination)
        return {
          delegator: encodeAddress(r.delegator),
          source: valoper(r.source),
          destination: valoper(r.destination),
          entries: r.entries.map((e) => ({
            creation_height: String(e.creationHeight),
            completion_time: String(e.completionTime),
            initial_balance: String(e.initialBalance),
            shares_dst: e.sharesDst.toString(),
            balance: String(dst === undefined ? 0n : tokensFromSharesTruncated(dst, e.sharesDst)),
          })),
        }
      }),
    }
  },
  params: (ctx) => stakingParams.toJson(keeper(ctx).params()),
  pool(ctx) {
    const bank = ctx.keeper(BANK)
    const denom = keeper(ctx).bondDenom()
    return {
      bonded_tokens: String(bank.balance(moduleAddress(K.BONDED_POOL), denom)),
      not_bonded_tokens: String(bank.balance(moduleAddress(K.NOT_BONDED_POOL), denom)),
    }
  },
  bond(ctx, params) {
    const k = keeper(ctx)
    const owner = parseAccount(param(params, 'owner'), 'owner')
    const purpose = param(params, 'purpose')
    const b = k.getBond(owner, purpose)
    return {
      owner: encodeAddress(owner),
      purpose,
      amount: String(b?.amount ?? 0n),
      unbonding: String((b?.entries ?? []).reduce((s, e) => s + e.balance, 0n)),
    }
  },
}
