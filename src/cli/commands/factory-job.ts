import { CliError } from '../errors.js'

/**
 * A fine-tune job file (`fedra factory create job.json`, docs/factory.md): which base version to
 * tune, the Datanet version it is judged on, the adapter, the rule, how many rounds, the reward
 * split and who may train. Every refusal names the field.
 */
export interface FactoryJob {
  readonly name: string
  readonly domain: string
  readonly description: string
  readonly base: { readonly subnet: string; readonly version: string }
  readonly validation: { readonly datanet: string; readonly version: string }
  readonly adapter: { readonly layers: readonly number[]; readonly rank: number; readonly alpha: number; readonly seed: number }
  readonly rule: string
  readonly rounds: number
  readonly rewardSplit: Readonly<Record<'trainers' | 'aggregator' | 'scorers' | 'data', string>> | undefined
  readonly membership: 'open' | 'allow-list'
  readonly allow: readonly string[]
  readonly timing: Readonly<Record<'submit_window' | 'aggregate_window' | 'gap', number>> | undefined
}

const FIELDS = [
  'name',
  'domain',
  'description',
  'base',
  'validation',
  'adapter',
  'rule',
  'rounds',
  'reward_split',
  'membership',
  'allow',
  'timing',
]
const DECIMAL = /^(0|[1-9][0-9]{0,19})$/
const REF = /^(0|[1-9][0-9]{0,19})[/@](0|[1-9][0-9]{0,19})$/

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parses a job file's JSON text; throws CliError USAGE `FILE: FIELD: what is wrong`. */
export function parseFactoryJob(text: string, file: string): FactoryJob {
  const bad = (field: string, why: string): never => {
    throw new CliError('USAGE', `${file}: ${field}: ${why}`, { path: file, name: field })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return bad('(file)', `not JSON (${(error as Error).message})`)
  }
  if (!isObject(json)) return bad('(file)', 'must hold a JSON object')
  for (const key of Object.keys(json)) if (!FIELDS.includes(key)) bad(key, `unknown field (fields: ${FIELDS.join(', ')})`)
  const string = (field: string, fallback?: string): string => {
    const v = json[field] ?? fallback
    if (typeof v !== 'string' || v.trim() === '') return bad(field, 'required, a non-empty string')
    return v
  }
  const ref = (field: string, names: [string, string]): { a: string; b: string } => {
    const v = json[field]
    if (typeof v === 'string' && REF.test(v)) {
      const [a, b] = v.split(/[/@]/) as [string, string]
      return { a, b }
    }
    if (
      isObject(v) &&
      typeof v[names[0]] === 'string' &&
      DECIMAL.test(v[names[0]] as string) &&
      typeof v[names[1]] === 'string' &&
      DECIMAL.test(v[names[1]] as string)
    )
      return { a: v[names[0]] as string, b: v[names[1]] as string }
    return bad(field, `required: "A/B" or { "${names[0]}": "A", "${names[1]}": "B" }, whole numbers as strings`)
  }
  const int = (value: unknown, field: string, min: number, max: number): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      return bad(field, `must be a whole number ${min}..${max}`)
    return value
  }
  const base = ref('base', ['subnet', 'version'])
  const validation = ref('validation', ['datanet', 'version'])
  const a = json.adapter
  if (!isObject(a)) return bad('adapter', 'required: { "layers": [0, 1], "rank": 4 } (alpha and seed optional)')
  for (const key of Object.keys(a))
    if (!['layers', 'rank', 'alpha', 'seed'].includes(key)) bad(`adapter.${key}`, 'unknown field (fields: layers, rank, alpha, seed)')
  if (!Array.isArray(a.layers) || a.layers.length === 0) bad('adapter.layers', 'required: indices of dense layers of the base, e.g. [0, 1]')
  const layers = (a.layers as unknown[]).map((l, i) => int(l, `adapter.layers[${i}]`, 0, 4095))
  const rank = int(a.rank, 'adapter.rank', 1, 4096)
  const alpha = a.alpha === undefined ? 2 * rank : int(a.alpha, 'adapter.alpha', 1, 65536)
  const seed = a.seed === undefined ? 1 : int(a.seed, 'adapter.seed', 0, 0xffffffff)
  const rounds = int(json.rounds, 'rounds', 1, 1_000_000)
  let rewardSplit: FactoryJob['rewardSplit']
  if (json.reward_split !== undefined) {
    const r = json.reward_split
    if (!isObject(r)) return bad('reward_split', 'must be { trainers, aggregator, scorers, data }, decimal strings summing to 1')
    for (const key of Object.keys(r))
      if (!['trainers', 'aggregator', 'scorers', 'data'].includes(key))
        bad(`reward_split.${key}`, 'unknown field (fields: trainers, aggregator, scorers, data)')
    const parts = ['trainers', 'aggregator', 'scorers', 'data'] as const
    for (const p of parts)
      if (typeof r[p] !== 'string' || !/^(0|1)(\.[0-9]{1,18})?$/.test(r[p] as string))
        bad(`reward_split.${p}`, 'required, a decimal string like "0.7"')
    rewardSplit = Object.fromEntries(parts.map((p) => [p, r[p] as string])) as FactoryJob['rewardSplit']
  }
  const membership = json.membership ?? (json.allow === undefined ? 'open' : 'allow-list')
  if (membership !== 'open' && membership !== 'allow-list') bad('membership', 'is "open" or "allow-list"')
  const allow = json.allow ?? []
  if (!Array.isArray(allow) || allow.some((x) => typeof x !== 'string' || !x.startsWith('fedra1')))
    bad('allow', 'must be a list of fedra1… addresses')
  if (membership === 'allow-list' && (allow as unknown[]).length === 0) bad('allow', 'an allow-list job needs at least one address')
  let timing: FactoryJob['timing']
  if (json.timing !== undefined) {
    const t = json.timing
    if (!isObject(t)) return bad('timing', 'must be { submit_window, aggregate_window, gap } in blocks')
    for (const key of Object.keys(t))
      if (!['submit_window', 'aggregate_window', 'gap'].includes(key))
        bad(`timing.${key}`, 'unknown field (fields: submit_window, aggregate_window, gap)')
    timing = {
      submit_window: int(t.submit_window, 'timing.submit_window', 1, 100_000),
      aggregate_window: int(t.aggregate_window, 'timing.aggregate_window', 1, 100_000),
      gap: int(t.gap, 'timing.gap', 0, 100_000),
    }
  }
  const domain = string('domain', 'finetune/adapter')
  if (!/^[a-z0-9][a-z0-9._/-]{0,63}$/.test(domain)) bad('domain', '1..64 of a-z 0-9 . _ / - (like vision/digits)')
  const description = json.description ?? ''
  if (typeof description !== 'string') bad('description', 'must be a string')
  return {
    name: string('name'),
    domain,
    description: description as string,
    base: { subnet: base.a, version: base.b },
    validation: { datanet: validation.a, version: validation.b },
    adapter: { layers, rank, alpha, seed },
    rule: string('rule', 'fedavg'),
    rounds,
    rewardSplit,
    membership: membership as FactoryJob['membership'],
    allow: allow as string[],
    timing,
  }
}

/** The line a job's subnet description ends with, so `fedra factory status` knows the rounds asked for. */
export const jobLine = (job: FactoryJob): string =>
  `factory job: ${job.rounds} rounds on ${job.base.subnet}/${job.base.version}, validated on datanet:${job.validation.datanet}@${job.validation.version}`

/** The rounds a job's description asks for, or null (not a factory job). */
export function roundsOf(description: string): number | null {
  const match = /factory job: ([0-9]{1,7}) rounds on /.exec(description)
  return match === null ? null : Number(match[1])
}
