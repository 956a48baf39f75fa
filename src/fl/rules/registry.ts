import { FlError } from '../errors.js'
import { fedAvgRule } from './fedavg.js'
import { krumRule } from './krum.js'
import { medianRule } from './median.js'
import { multiKrumRule } from './multikrum.js'
import { nearestNeighbourMixingRule } from './nearest-neighbour-mixing.js'
import { repFedAvgRule } from './repfedavg.js'
import { secAggFedAvgRule } from './secagg-fedavg.js'
import { trimmedMeanRule } from './trimmed-mean.js'
import type { AggregationRule } from './types.js'

type RuleFactory = (params: string[], name: string) => AggregationRule

/**
 * Rules by name, parameters after colons: `fedavg`, `fedprox`, `median`, `trimmed:0.2`,
 * `krum`, `krum:2`, `multikrum`, `multikrum:2:5`, `repfedavg`, `secagg-fedavg` (FedAvg over
 * masked updates: src/fl/secagg/). A subnet stores the canonical
 * name that `getAggregationRule(name).name` returns; adding a rule only adds a line here.
 * A pre-aggregation step follows a `+`: `median+nnm`, `trimmed:0.3+nnm`, `krum+nnm:2`
 * (nearest-neighbour mixing with f from the rule, or f = 2).
 */
const factories: Record<string, RuleFactory> = {
  fedavg: (params, name) => (noParams(params, name), fedAvgRule('fedavg')),
  fedprox: (params, name) => (noParams(params, name), fedAvgRule('fedprox')),
  repfedavg: (params, name) => (noParams(params, name), repFedAvgRule()),
  'secagg-fedavg': (params, name) => (noParams(params, name), secAggFedAvgRule()),
  median: (params, name) => (noParams(params, name), medianRule()),
  trimmed: (params, name) => {
    if (params.length > 1) throw ruleParams(name, 'trimmed takes one parameter β')
    const beta = parsePerMille(params[0] ?? '0.2', name)
    if (beta <= 0 || beta >= 500) throw ruleParams(name, 'β must be in (0, 0.5)')
    return trimmedMeanRule(beta, `trimmed:${formatPerMille(beta)}`)
  },
  krum: (params, name) => {
    if (params.length > 1) throw ruleParams(name, 'krum takes one parameter f')
    const f = params[0] === undefined ? undefined : parseCount(params[0], name)
    return krumRule(f, f === undefined ? 'krum' : `krum:${f}`)
  },
  multikrum: (params, name) => {
    if (params.length > 2) throw ruleParams(name, 'multikrum takes parameters f and m')
    const f = params[0] === undefined ? undefined : parseCount(params[0], name)
    const m = params[1] === undefined ? undefined : parseCount(params[1], name)
    if (m === 0) throw ruleParams(name, 'm must be at least 1')
    return multiKrumRule(f, m, ['multikrum', ...params.map((p) => String(parseCount(p, name)))].join(':'))
  },
}

export const RULE_NAMES: readonly string[] = Object.keys(factories)

/** Pre-aggregation steps by name, applied to the updates before the rule: `<rule>+<step>[:params]`. */
const PRE_AGGREGATION_STEPS = ['nnm'] as const

/** The rule registered under `name` (with its parameters parsed), or FL_UNKNOWN_RULE / FL_RULE_PARAMS. */
export function getAggregationRule(name: string): AggregationRule {
  const [ruleName, ...steps] = name.trim().split('+')
  const [base, ...params] = ruleName!.split(':')
  // Own keys only: a name such as __proto__ or toString is an unknown rule, not Object.prototype's member.
  const factory = base === undefined || !Object.hasOwn(factories, base) ? undefined : factories[base]
  if (factory === undefined)
    throw new FlError('FL_UNKNOWN_RULE', `unknown aggregation rule "${name}" (known: ${RULE_NAMES.join(', ')})`, { name })
  const rule = factory(params, name)
  if (steps.length === 0) return rule
  if (steps.length > 1) throw ruleParams(name, 'at most one pre-aggregation step')
  const [step, ...stepParams] = steps[0]!.split(':')
  if (step !== 'nnm') throw ruleParams(name, `unknown pre-aggregation step "${step}" (known: ${PRE_AGGREGATION_STEPS.join(', ')})`)
  if (stepParams.length > 1) throw ruleParams(name, 'nnm takes one parameter f')
  const f = stepParams[0] === undefined ? undefined : parseCount(stepParams[0], name)
  return nearestNeighbourMixingRule(rule, f, `${rule.name}+nnm${f === undefined ? '' : `:${f}`}`)
}

function noParams(params: string[], name: string): void {
  if (params.length > 0) throw ruleParams(name, 'this rule takes no parameters')
}

function ruleParams(name: string, reason: string): FlError<'FL_RULE_PARAMS'> {
  return new FlError('FL_RULE_PARAMS', `${reason} (${name})`, { name, reason })
}

/** "0.2" → 200, exactly, without parseFloat: the parameter becomes consensus state. */
function parsePerMille(text: string, name: string): number {
  const match = /^0?\.(\d{1,3})$|^0$/.exec(text)
  if (match === null) throw ruleParams(name, `β "${text}" must be a decimal like 0.2 with at most 3 digits`)
  return Number((match[1] ?? '0').padEnd(3, '0'))
}

function formatPerMille(value: number): string {
  return `0.${String(value).padStart(3, '0').replace(/0+$/, '')}`
}

function parseCount(text: string, name: string): number {
  if (!/^\d{1,4}$/.test(text)) throw ruleParams(name, `"${text}" is not a small non-negative integer`)
  return Number(text)
}
