import { MAX_SHARED_SUBNETS, type SubnetParamsValue } from '../modules/subnets/messages.js'
import { Dec } from '../state/dec.js'
import { ClientError } from './errors.js'

/**
 * A subnet's params in the JSON form `subnet_get` answers (`params`), every field optional:
 * what `messages.subnetsCreate` and `subnetsUpdateParams` take. Browser-safe (the subnets
 * module's own reader, subnetParamsFromJson, sits beside the rules registry, which is not).
 * Only the shape is checked here; the chain judges the values against the rule and the model
 * (src/modules/subnets/subnet-params.ts checkSubnetParams).
 */
export interface SubnetParamsJsonInput {
  validation_set?: string
  aggregation_rule?: string
  timing?: { submit_window?: number; aggregate_window?: number; gap?: number }
  quantization?: { dtype?: string; scale?: number; max_abs?: number; clip_norm?: string }
  sample_cap?: number
  max_trainers?: number
  min_trainer_bond?: string | number
  min_aggregator_bond?: string | number
  membership?: string
  sharing?: { mode?: string; subnets?: (string | number)[] }
  reward_split?: { trainers?: string; aggregator?: string; scorers?: string; data?: string }
  aggregator_slash_fraction?: string
}

/**
 * What an omitted field becomes. `validation_set` has no default (a subnet names the data it is
 * judged on); `membership` defaults to `allow-list` when the creation lists addresses, else `open`.
 * The quantization is the FL library's DEFAULT_QUANTIZATION; the sample cap fits every rule's
 * declared weight range.
 */
export const SUBNET_PARAMS_DEFAULTS = {
  aggregation_rule: 'fedavg',
  timing: { submit_window: 10, aggregate_window: 5, gap: 1 },
  quantization: { dtype: 'int16', scale: 16384, max_abs: 32767, clip_norm: '5' },
  sample_cap: 1000,
  max_trainers: 16,
  min_trainer_bond: '1000000',
  min_aggregator_bond: '10000000',
  sharing: { mode: 'private', subnets: [] as string[] },
  reward_split: { trainers: '0.7', aggregator: '0.1', scorers: '0.15', data: '0.05' },
  aggregator_slash_fraction: '0.1',
} as const

const invalid = (reason: string, message: string): never => {
  throw new ClientError('INVALID_INPUT', message, { reason })
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** An object with only `known` keys (a misspelt field would otherwise fall back to its default unnoticed). */
function objectOf(value: unknown, path: string, known: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {}
  if (!isObject(value)) return invalid(path, `${path}: expected an object`)
  for (const key of Object.keys(value))
    if (!known.includes(key)) invalid(`${path}.${key}`, `${path}.${key}: unknown field (known: ${known.join(', ')})`)
  return value
}

function u32(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff_ffff)
    return invalid(path, `${path}: expected a whole number 0..4294967295, got ${JSON.stringify(value)?.slice(0, 40)}`)
  return value
}

function text(value: unknown, path: string, max: number): string {
  if (typeof value !== 'string') return invalid(path, `${path}: expected a string`)
  if (value.length > max) return invalid(path, `${path}: at most ${max} characters`)
  return value
}

function oneOf(value: unknown, path: string, allowed: readonly string[]): string {
  if (typeof value !== 'string' || !allowed.includes(value))
    return invalid(path, `${path}: one of ${allowed.join(', ')}, got ${JSON.stringify(value)?.slice(0, 40)}`)
  return value
}

/** An amount in the bond denomination: decimal text (or a safe integer), positive. */
function amount(value: unknown, path: string): bigint {
  const digits = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value
  if (typeof digits !== 'string' || !/^(0|[1-9][0-9]{0,77})$/.test(digits))
    return invalid(path, `${path}: expected a whole amount as decimal text, like "1000000"`)
  const n = BigInt(digits)
  if (n <= 0n) invalid(path, `${path}: must be positive`)
  return n
}

function dec(value: unknown, path: string): Dec {
  if (typeof value !== 'string') return invalid(path, `${path}: expected a decimal as text, like "0.1"`)
  try {
    return Dec.parse(value)
  } catch {
    return invalid(path, `${path}: "${value.slice(0, 40)}" is not a decimal like 0.1 (at most 18 digits after the point)`)
  }
}

function subnetId(value: unknown, path: string): bigint {
  const digits = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value
  if (typeof digits !== 'string' || !/^(0|[1-9][0-9]{0,19})$/.test(digits) || BigInt(digits) >= 2n ** 64n)
    return invalid(path, `${path}: expected a subnet id`)
  return BigInt(digits)
}

const PARAM_FIELDS = [
  'validation_set',
  'aggregation_rule',
  'timing',
  'quantization',
  'sample_cap',
  'max_trainers',
  'min_trainer_bond',
  'min_aggregator_bond',
  'membership',
  'sharing',
  'reward_split',
  'aggregator_slash_fraction',
] as const

/**
 * `input` (subnet_get's `params` form, fields optional) with SUBNET_PARAMS_DEFAULTS filled in, as
 * the message carries it. `allowListed`: whether the creation lists addresses (membership's default).
 * @throws ClientError INVALID_INPUT, `reason` the field's path (`params.timing.gap`).
 */
export function subnetParamsFromInput(input: SubnetParamsJsonInput | undefined, allowListed = false): SubnetParamsValue {
  const d = SUBNET_PARAMS_DEFAULTS
  const p = objectOf(input, 'params', PARAM_FIELDS)
  const timing = objectOf(p.timing, 'params.timing', ['submit_window', 'aggregate_window', 'gap'])
  const q = objectOf(p.quantization, 'params.quantization', ['dtype', 'scale', 'max_abs', 'clip_norm'])
  const sharing = objectOf(p.sharing, 'params.sharing', ['mode', 'subnets'])
  const split = objectOf(p.reward_split, 'params.reward_split', ['trainers', 'aggregator', 'scorers', 'data'])
  if (p.validation_set === undefined)
    invalid('params.validation_set', 'params.validation_set: required: the CID of the validation data, or a reference like datanet:3@2')
  const shared = sharing.subnets ?? d.sharing.subnets
  if (!Array.isArray(shared) || shared.length > MAX_SHARED_SUBNETS)
    invalid('params.sharing.subnets', `params.sharing.subnets: expected a list of at most ${MAX_SHARED_SUBNETS} subnet ids`)
  const rewardSplit = {
    trainers: dec(split.trainers ?? d.reward_split.trainers, 'params.reward_split.trainers'),
    aggregator: dec(split.aggregator ?? d.reward_split.aggregator, 'params.reward_split.aggregator'),
    scorers: dec(split.scorers ?? d.reward_split.scorers, 'params.reward_split.scorers'),
    data: dec(split.data ?? d.reward_split.data, 'params.reward_split.data'),
  }
  const sum = rewardSplit.trainers.add(rewardSplit.aggregator).add(rewardSplit.scorers).add(rewardSplit.data)
  if (!sum.eq(Dec.ONE)) invalid('params.reward_split', `params.reward_split: the shares must sum to exactly 1, not ${sum}`)
  return {
    validationSet: text(p.validation_set, 'params.validation_set', 128),
    aggregationRule: text(p.aggregation_rule ?? d.aggregation_rule, 'params.aggregation_rule', 64),
    timing: {
      submitWindow: u32(timing.submit_window ?? d.timing.submit_window, 'params.timing.submit_window'),
      aggregateWindow: u32(timing.aggregate_window ?? d.timing.aggregate_window, 'params.timing.aggregate_window'),
      gap: u32(timing.gap ?? d.timing.gap, 'params.timing.gap'),
    },
    quantization: {
      dtype: oneOf(q.dtype ?? d.quantization.dtype, 'params.quantization.dtype', ['int8', 'int16', 'int32']),
      scale: u32(q.scale ?? d.quantization.scale, 'params.quantization.scale'),
      maxAbs: u32(q.max_abs ?? d.quantization.max_abs, 'params.quantization.max_abs'),
      clipNorm: dec(q.clip_norm ?? d.quantization.clip_norm, 'params.quantization.clip_norm'),
    },
    sampleCap: u32(p.sample_cap ?? d.sample_cap, 'params.sample_cap'),
    maxTrainers: u32(p.max_trainers ?? d.max_trainers, 'params.max_trainers'),
    minTrainerBond: amount(p.min_trainer_bond ?? d.min_trainer_bond, 'params.min_trainer_bond'),
    minAggregatorBond: amount(p.min_aggregator_bond ?? d.min_aggregator_bond, 'params.min_aggregator_bond'),
    membership: oneOf(p.membership ?? (allowListed ? 'allow-list' : 'open'), 'params.membership', ['open', 'allow-list']),
    sharing: {
      mode: oneOf(sharing.mode ?? d.sharing.mode, 'params.sharing.mode', ['private', 'subnets', 'public']),
      subnets: (shared as unknown[]).map((id, i) => subnetId(id, `params.sharing.subnets[${i}]`)),
    },
    rewardSplit,
    aggregatorSlashFraction: dec(p.aggregator_slash_fraction ?? d.aggregator_slash_fraction, 'params.aggregator_slash_fraction'),
  }
}
