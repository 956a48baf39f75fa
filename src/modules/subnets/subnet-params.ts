import { CID } from 'multiformats/cid'
import { FlError } from '../../fl/errors.js'
import { type ModelSpec, parseModelSpec, trainableSize } from '../../fl/model/spec.js'
import { RULE_NAMES, getAggregationRule } from '../../fl/rules/registry.js'
import { MAX_SIGNED_RESIDUE } from '../../fl/secagg/ring.js'
import type { AggregationRule } from '../../fl/rules/types.js'
import { MAX_BLOB_ELEMENTS } from '../../fl/update/blob.js'
import { checkQuantizationConfig } from '../../fl/update/quantize.js'
import { Dec, arrayAt, bigintAt, genesisError, intAt, objectAt, stringAt, decAt } from '../../state/index.js'
import { subnetsError } from './errors.js'
import { MAX_SHARED_SUBNETS, type SubnetParamsValue } from './messages.js'

/**
 * The stateless checks of a subnet's parameters against the FL library (the rules registry,
 * the model spec, quantization bounds), shared by MsgCreateSubnet, MsgUpdateSubnetParams and
 * genesis, and their JSON form (queries, genesis). Each check throws its own subnets code.
 */

/** Most blocks a round phase may last. */
export const MAX_PHASE_BLOCKS = 100_000
/** Largest clip bound (L2 norm of a float delta) a subnet may set. */
export const MAX_CLIP_NORM = Dec.fromInt(1_000_000n)
const DTYPE_LIMIT: Record<string, number> = { int8: 127, int16: 32767, int32: 2147483647 }
const RAW = /^[\x20-\x7e]*$/
/** A `scheme:id` validation-set reference (`datanet:3@2`); a CID never contains a colon. */
const REFERENCE = /^[a-z][a-z0-9-]{0,31}:[A-Za-z0-9._@/-]{1,95}$/
const RAW_CODEC = 0x55
const DAG_PB_CODEC = 0x70
const SHA2_256 = 0x12

/** JSON text with object keys sorted, no spaces: one text per value. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value)
}

/** Only the fields each layer type has (src/fl/model/spec.ts LayerSpec), so nothing else can ride along in a spec. */
const LAYER_FIELDS: Record<string, readonly string[]> = {
  dense: ['type', 'units', 'activation'],
  conv2d: ['type', 'filters', 'kernelSize', 'activation'],
  maxpool2d: ['type', 'poolSize'],
  flatten: ['type'],
}

/**
 * The one text of a (valid) model spec: its known fields only, keys sorted, no spaces. What
 * MsgCreateSubnet.modelSpec must be. A fine-tune's adapter (src/fl/model/spec.ts AdapterSpec)
 * keeps its own fields; a spec without one has exactly the text it had before adapters existed.
 */
export function canonicalModelSpec(spec: ModelSpec): string {
  const layers = spec.layers.map((layer) => {
    const picked: Record<string, unknown> = {}
    const fields = layer as unknown as Record<string, unknown>
    for (const field of LAYER_FIELDS[layer.type] ?? ['type']) if (fields[field] !== undefined) picked[field] = fields[field]
    return picked
  })
  const a = spec.adapter
  if (a === undefined) return canonicalJson({ inputShape: spec.inputShape, layers })
  const adapter = {
    base: { subnet: a.base?.subnet, version: a.base?.version },
    rank: a.rank,
    alpha: a.alpha,
    layers: a.layers,
    seed: a.seed,
  }
  return canonicalJson({ inputShape: spec.inputShape, layers, adapter })
}

/**
 * Parses a model spec that must be canonical (canonicalModelSpec: so one model has one spec
 * text, and one hash, and carries nothing but the model); returns its parameter count (the
 * length of the flat vector every blob of the subnet carries: a fine-tune's adapter alone).
 * Throws INVALID_MODEL_SPEC or MODEL_SPEC_NOT_CANONICAL.
 */
export function checkModelSpec(text: string): number {
  let size: number
  let spec: ModelSpec
  try {
    spec = parseModelSpec(text)
    size = trainableSize(spec)
  } catch (error) {
    if (error instanceof FlError) throw subnetsError('INVALID_MODEL_SPEC', `model spec: ${error.plainMessage}`, { reason: error.message })
    throw error
  }
  const canonical = canonicalModelSpec(spec)
  if (canonical !== text) {
    throw subnetsError('MODEL_SPEC_NOT_CANONICAL', 'the model spec must be canonical JSON (keys sorted, no spaces)', {
      canonical: canonical.slice(0, 4096),
    })
  }
  return size
}

/**
 * The CID as stored (base32 CIDv1 text): a CIDv1 of a raw or dag-pb block hashed with sha2-256,
 * what the parameter store holds (the check of src/blobs/cid.ts, which a module may not import;
 * a CIDv0 is refused rather than upgraded, so a subnet names its model in one form). Throws INVALID_CID.
 */
export function checkCid(text: string, field: string): string {
  let cid: CID
  try {
    cid = CID.parse(text)
  } catch {
    throw subnetsError('INVALID_CID', `${field} "${text.slice(0, 80)}" is not a CID`, { field })
  }
  if (cid.version !== 1) throw subnetsError('INVALID_CID', `${field} must be a CIDv1, not v${cid.version}`, { field })
  if ((cid.code !== RAW_CODEC && cid.code !== DAG_PB_CODEC) || cid.multihash.code !== SHA2_256 || cid.multihash.size !== 32) {
    throw subnetsError(
      'INVALID_CID',
      `${field} must name a raw or dag-pb sha2-256 block (codec 0x${cid.code.toString(16)}, hash 0x${cid.multihash.code.toString(16)})`,
      { field },
    )
  }
  return cid.toString()
}

/** A validation set as stored: a CIDv1 (normalised) or a `scheme:id` reference. Throws INVALID_VALIDATION_SET. */
export function checkValidationSet(text: string): string {
  if (text.includes(':')) {
    if (!REFERENCE.test(text)) {
      throw subnetsError(
        'INVALID_VALIDATION_SET',
        `validation set "${text.slice(0, 80)}" is neither a CIDv1 nor a scheme:id reference like datanet:3@2`,
      )
    }
    return text
  }
  try {
    return checkCid(text, 'validation_set')
  } catch {
    throw subnetsError(
      'INVALID_VALIDATION_SET',
      `validation set "${text.slice(0, 80)}" is neither a CIDv1 nor a scheme:id reference like datanet:3@2`,
    )
  }
}

/** The rule a canonical name names. Throws UNKNOWN_RULE, or INVALID_RULE (bad parameters, or not the canonical spelling). */
export function ruleOf(name: string): AggregationRule {
  // The registry looks names up in a plain object: `__proto__` or `constructor` would reach
  // Object.prototype's members (a TypeError, not a FlError), so only listed names go in.
  const base = name.split('+')[0]!.split(':')[0]!
  if (!RULE_NAMES.includes(base)) {
    throw subnetsError('UNKNOWN_RULE', `no aggregation rule "${name.slice(0, 64)}" (known: ${RULE_NAMES.join(', ')})`, {
      rule: name.slice(0, 64),
    })
  }
  let rule: AggregationRule
  try {
    rule = getAggregationRule(name)
  } catch (error) {
    if (error instanceof FlError && error.code === 'FL_UNKNOWN_RULE')
      throw subnetsError('UNKNOWN_RULE', `no aggregation rule "${name}"`, { rule: name })
    if (error instanceof FlError) throw subnetsError('INVALID_RULE', error.plainMessage, { rule: name })
    throw error
  }
  if (rule.name !== name) {
    throw subnetsError('INVALID_RULE', `aggregation rule "${name}" is spelled "${rule.name}" canonically`, {
      rule: name,
      canonical: rule.name,
    })
  }
  return rule
}

/** Secure aggregation's FedAvg (src/fl/rules/secagg-fedavg.ts): its updates are masked. */
const SECAGG_RULE = 'secagg-fedavg'

const fraction = (value: Dec): boolean => !value.isNegative() && value.lte(Dec.ONE)

/**
 * Every stateless check of a subnet's params (the sharing mode's subnet ids are checked to
 * exist by the caller); `parameterCount` is the model's, checked against the rule's declared
 * ranges. Returns the params as stored (the validation set's CID normalised).
 */
export function checkSubnetParams(p: SubnetParamsValue, parameterCount: number): SubnetParamsValue {
  const validationSet = checkValidationSet(p.validationSet)
  const rule = ruleOf(p.aggregationRule)
  const { ranges } = rule
  if (parameterCount > ranges.maxParameters || parameterCount > MAX_BLOB_ELEMENTS) {
    throw subnetsError(
      'MODEL_TOO_LARGE',
      `the model has ${parameterCount} parameters; ${rule.name} is exact for at most ${ranges.maxParameters}`,
      { parameters: parameterCount, max: ranges.maxParameters },
    )
  }
  for (const phase of ['submitWindow', 'aggregateWindow', 'gap'] as const) {
    const blocks = p.timing[phase]
    if (blocks < 1 || blocks > MAX_PHASE_BLOCKS) {
      throw subnetsError('INVALID_TIMING', `${phase} must be 1..${MAX_PHASE_BLOCKS} blocks, got ${blocks}`, { field: phase, value: blocks })
    }
  }
  const q = p.quantization
  const limit = DTYPE_LIMIT[q.dtype]
  if (limit === undefined)
    throw subnetsError('INVALID_QUANTIZATION', `dtype must be int8, int16 or int32, not "${q.dtype.slice(0, 16)}"`, { field: 'dtype' })
  try {
    // scale and maxAbs against the library's own bounds; clipNorm is a Dec here, checked below.
    checkQuantizationConfig({ scale: q.scale, maxAbs: q.maxAbs, clipNorm: 1 })
  } catch (error) {
    if (error instanceof FlError)
      throw subnetsError('INVALID_QUANTIZATION', error.plainMessage, { field: (error.context as { field: string }).field })
    throw error
  }
  if (q.maxAbs > limit)
    throw subnetsError('INVALID_QUANTIZATION', `maxAbs ${q.maxAbs} does not fit ${q.dtype} (±${limit})`, { field: 'maxAbs' })
  if (q.maxAbs > ranges.maxAbsValue) {
    throw subnetsError('INVALID_QUANTIZATION', `maxAbs ${q.maxAbs} exceeds what ${rule.name} is exact for (${ranges.maxAbsValue})`, {
      field: 'maxAbs',
    })
  }
  if (rule.name === SECAGG_RULE && (q.dtype !== 'int32' || q.maxAbs !== MAX_SIGNED_RESIDUE)) {
    // masked updates are residues mod 2^32 − 1 (src/fl/secagg/ring.ts): every int32 but −2^31
    throw subnetsError('INVALID_QUANTIZATION', `${SECAGG_RULE} carries masked updates: dtype int32 and maxAbs ${MAX_SIGNED_RESIDUE}`, {
      field: 'maxAbs',
    })
  }
  if (rule.name === SECAGG_RULE && p.timing.submitWindow < 2) {
    throw subnetsError(
      'INVALID_TIMING',
      `${SECAGG_RULE} splits the submit window into setup and updates: at least 2 blocks, got ${p.timing.submitWindow}`,
      { field: 'submitWindow', value: p.timing.submitWindow },
    )
  }
  if (!q.clipNorm.gt(Dec.ZERO) || q.clipNorm.gt(MAX_CLIP_NORM)) {
    throw subnetsError('INVALID_QUANTIZATION', `clipNorm must lie in (0, ${MAX_CLIP_NORM}], got ${q.clipNorm}`, { field: 'clipNorm' })
  }
  if (p.sampleCap < 1 || p.sampleCap > ranges.maxWeight) {
    throw subnetsError('INVALID_SAMPLE_CAP', `sample cap must be 1..${ranges.maxWeight} for ${rule.name}, got ${p.sampleCap}`, {
      value: p.sampleCap,
    })
  }
  if (p.maxTrainers < ranges.minUpdates || p.maxTrainers > ranges.maxUpdates) {
    throw subnetsError(
      'INVALID_MAX_TRAINERS',
      `max trainers must be ${ranges.minUpdates}..${ranges.maxUpdates} for ${rule.name}, got ${p.maxTrainers}`,
      { value: p.maxTrainers },
    )
  }
  if (p.minTrainerBond < 1n) throw subnetsError('INVALID_MIN_BOND', 'the minimum trainer bond must be positive', { role: 'trainer' })
  if (p.minAggregatorBond < 1n)
    throw subnetsError('INVALID_MIN_BOND', 'the minimum aggregator bond must be positive', { role: 'aggregator' })
  if (p.membership !== 'open' && p.membership !== 'allow-list') {
    throw subnetsError('INVALID_MEMBERSHIP', `membership must be open or allow-list, not "${p.membership.slice(0, 16)}"`)
  }
  const { mode, subnets } = p.sharing
  if (mode !== 'private' && mode !== 'subnets' && mode !== 'public') {
    throw subnetsError('INVALID_SHARING', `sharing must be private, subnets or public, not "${mode.slice(0, 16)}"`)
  }
  if (mode === 'subnets' && subnets.length === 0) throw subnetsError('INVALID_SHARING', 'sharing with subnets names at least one')
  if (mode !== 'subnets' && subnets.length > 0) throw subnetsError('INVALID_SHARING', `sharing ${mode} names no subnets`)
  for (let i = 1; i < subnets.length; i++)
    if (subnets[i]! <= subnets[i - 1]!) throw subnetsError('INVALID_SHARING', 'shared subnet ids must be strictly ascending')
  const split = p.rewardSplit
  const shares = [split.trainers, split.aggregator, split.scorers, split.data]
  if (!shares.every(fraction)) throw subnetsError('INVALID_REWARD_SPLIT', 'every reward share lies in [0, 1]')
  const sum = shares.reduce((a, b) => a.add(b), Dec.ZERO)
  if (!sum.eq(Dec.ONE))
    throw subnetsError('INVALID_REWARD_SPLIT', `reward shares must sum to exactly 1, not ${sum}`, { sum: sum.toString() })
  if (!fraction(p.aggregatorSlashFraction)) {
    throw subnetsError('INVALID_SLASH_FRACTION', `aggregator slash fraction must lie in [0, 1], got ${p.aggregatorSlashFraction}`)
  }
  return { ...p, validationSet }
}

/** Name (printable, 1..maxLength), domain (`vision/digits`) and description (printable, ≤ maxDescription). Throws INVALID_METADATA. */
export function checkMetadata(name: string, domain: string, description: string, maxName: number, maxDescription: number): void {
  if (name.length === 0 || name.length > maxName || !RAW.test(name) || name.trim() !== name) {
    throw subnetsError('INVALID_METADATA', `name must be 1..${maxName} printable ASCII characters without outer spaces`, { field: 'name' })
  }
  if (!/^[a-z0-9][a-z0-9._/-]{0,63}$/.test(domain)) {
    throw subnetsError('INVALID_METADATA', 'domain must be 1..64 of a-z 0-9 . _ / - (like vision/digits)', { field: 'domain' })
  }
  if (description.length > maxDescription || !/^[^\x00-\x08\x0b-\x1f\x7f]*$/.test(description)) {
    throw subnetsError(
      'INVALID_METADATA',
      `description must be at most ${maxDescription} characters, without control characters but newlines and tabs`,
      { field: 'description' },
    )
  }
}

/** The JSON form of a subnet's params (queries and genesis): amounts and Decs as strings. */
export function subnetParamsToJson(p: SubnetParamsValue) {
  return {
    validation_set: p.validationSet,
    aggregation_rule: p.aggregationRule,
    timing: { submit_window: p.timing.submitWindow, aggregate_window: p.timing.aggregateWindow, gap: p.timing.gap },
    quantization: {
      dtype: p.quantization.dtype,
      scale: p.quantization.scale,
      max_abs: p.quantization.maxAbs,
      clip_norm: p.quantization.clipNorm.toString(),
    },
    sample_cap: p.sampleCap,
    max_trainers: p.maxTrainers,
    min_trainer_bond: String(p.minTrainerBond),
    min_aggregator_bond: String(p.minAggregatorBond),
    membership: p.membership,
    sharing: { mode: p.sharing.mode, subnets: p.sharing.subnets.map(String) },
    reward_split: {
      trainers: p.rewardSplit.trainers.toString(),
      aggregator: p.rewardSplit.aggregator.toString(),
      scorers: p.rewardSplit.scorers.toString(),
      data: p.rewardSplit.data.toString(),
    },
    aggregator_slash_fraction: p.aggregatorSlashFraction.toString(),
  }
}

/** Reads subnetParamsToJson's form back (shape only: checkSubnetParams judges the values); throws GENESIS_INVALID naming the field. */
export function subnetParamsFromJson(json: unknown, path: string): SubnetParamsValue {
  const p = objectAt(json, path)
  const timing = objectAt(p.timing, `${path}.timing`)
  const q = objectAt(p.quantization, `${path}.quantization`)
  const sharing = objectAt(p.sharing, `${path}.sharing`)
  const split = objectAt(p.reward_split, `${path}.reward_split`)
  const u32 = (value: unknown, at: string) => intAt(value, at, 0, 0xffff_ffff)
  return {
    validationSet: stringAt(p.validation_set, `${path}.validation_set`),
    aggregationRule: stringAt(p.aggregation_rule, `${path}.aggregation_rule`),
    timing: {
      submitWindow: u32(timing.submit_window, `${path}.timing.submit_window`),
      aggregateWindow: u32(timing.aggregate_window, `${path}.timing.aggregate_window`),
      gap: u32(timing.gap, `${path}.timing.gap`),
    },
    quantization: {
      dtype: stringAt(q.dtype, `${path}.quantization.dtype`),
      scale: u32(q.scale, `${path}.quantization.scale`),
      maxAbs: u32(q.max_abs, `${path}.quantization.max_abs`),
      clipNorm: decAt(q.clip_norm, `${path}.quantization.clip_norm`),
    },
    sampleCap: u32(p.sample_cap, `${path}.sample_cap`),
    maxTrainers: u32(p.max_trainers, `${path}.max_trainers`),
    minTrainerBond: bigintAt(p.min_trainer_bond, `${path}.min_trainer_bond`),
    minAggregatorBond: bigintAt(p.min_aggregator_bond, `${path}.min_aggregator_bond`),
    membership: stringAt(p.membership, `${path}.membership`),
    sharing: {
      mode: stringAt(sharing.mode, `${path}.sharing.mode`),
      subnets: arrayAt(sharing.subnets ?? [], `${path}.sharing.subnets`).map((id, i) => {
        if (i >= MAX_SHARED_SUBNETS) throw genesisError(`${path}.sharing.subnets`, `at most ${MAX_SHARED_SUBNETS} subnets`)
        return bigintAt(id, `${path}.sharing.subnets[${i}]`, { max: 2n ** 64n - 1n })
      }),
    },
    rewardSplit: {
      trainers: decAt(split.trainers, `${path}.reward_split.trainers`),
      aggregator: decAt(split.aggregator, `${path}.reward_split.aggregator`),
      scorers: decAt(split.scorers, `${path}.reward_split.scorers`),
      data: decAt(split.data, `${path}.reward_split.data`),
    },
    aggregatorSlashFraction: decAt(p.aggregator_slash_fraction, `${path}.aggregator_slash_fraction`),
  }
}
