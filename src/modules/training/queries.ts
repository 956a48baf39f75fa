/**
 * Training's queries (plain JSON in and out; ids, rounds, heights, versions and amounts as
 * decimal strings; `subnet`, `round`, `version` params as decimal strings or safe integers):
 *
 *   round         { subnet, round? }    → RoundJson (the current round without `round`)
 *                                          (UNKNOWN_SUBNET, UNKNOWN_ROUND)
 *   updates       { subnet, round }     → { updates: UpdateJson[] }   (trainer-address order)
 *   version       { subnet, version }   → VersionJson                 (UNKNOWN_VERSION)
 *   versions      { subnet }            → { versions: VersionJson[] } (version order; 0 = initial model)
 *   latestVersion { subnet }            → VersionJson
 *   rejectedUpdates { subnet, round }   → { rejected_updates: RejectedUpdateJson[] } (trainer-address
 *                                          order; free-riders' updates, never in `updates`)
 *   dpLedger      { subnet }            → the DP budget ledger (dp-ledger.ts dpLedgerJson)
 *   envelopeKeys  { subnet, epoch? }    → a private subnet's key set (envelope-keys.ts envelopeKeysJson;
 *                                          UNKNOWN_SUBNET, ENVELOPE_UNKNOWN_EPOCH)
 *   secaggRound   { subnet, round }     → a secure-aggregation round's roster, keys, shares, statuses (secagg-queries.ts)
 *   params        {}                    → { score_window: number, gas_per_coordinate,
 *                                          free_rider_memory_rounds: number, min_update_norm,
 *                                          near_copy_cosine, free_rider_slash_fraction,
 *                                          close_submit_when_full: boolean }
 *
 *   RoundJson = { subnet, round, phase: 'submit' | 'aggregate' | 'score' | 'closed' (at the next
 *                 block, height + 1, where a tx sent now lands), at_height, open_height,
 *                 submit_end_height, aggregate_end_height, close_height (each window runs up to
 *                 the height before its end), next_open_height (closed rounds: close + gap),
 *                 base_version, base_global_cid, rule, quantization: { dtype, scale, max_abs },
 *                 sample_cap, max_updates, updates (number received), version: string | null,
 *                 rejections: RejectionJson[] }
 *   UpdateJson = { trainer: 'fedra1…', update_cid, sample_count, weight (capped; numbers),
 *                 epoch_id, device_id_hash (hex), byte_size, claimed_metrics: [{ name, value }],
 *                 height, time (ms) }
 *   VersionJson = { subnet, version, round | null, parent | null, global_cid, aggregate_cid | null,
 *                 included: [{ trainer, update_cid, sample_count (number) }], rule, aggregator | null,
 *                 recorded_height (the block that recorded it) }
 *   RejectionJson = { aggregator, result_cid, new_global_cid, expected_result_cid, expected_global_cid, slashed, height }
 *   RejectedUpdateJson = { trainer, update_cid, sample_count (number), code (number: 32
 *                 DUPLICATE_CONTENT, 33 ZERO_UPDATE, 34 NEAR_COPY), reason (the code's name),
 *                 matched_round | null, matched_trainer | null (the earlier update it matched; null
 *                 for a zero update), norm_sq (squared L2 norm, quantized units), cosine (Dec text, to
 *                 the match; '1' a duplicate, '0' a zero update), slashed, height }
 */
import { encodeAddress } from '../../crypto/index.js'
import { type Context, type QueryHandler, readParams } from '../../state/index.js'
import { type RejectionView, TrainingBooks, type UpdateRejectionView, type UpdateView } from './books.js'
import { dpLedgerJson } from './dp-ledger.js'
import { envelopeKeysJson } from './envelope-keys.js'
import { SUBNETS } from './expected-keepers.js'
import { secAggRoundJson } from './secagg-queries.js'
import { reasonOf } from './events.js'
import { trainingError } from './errors.js'
import { type ModelVersionValue, type RoundValue, phaseAt } from './messages.js'
import { trainingParams } from './params.js'

const orNull = (value: bigint | null): string | null => (value === null ? null : String(value))

export const rejectionJson = (r: RejectionView) => ({
  aggregator: encodeAddress(r.aggregator),
  result_cid: r.resultCid,
  new_global_cid: r.newGlobalCid,
  expected_result_cid: r.expectedResultCid,
  expected_global_cid: r.expectedGlobalCid,
  slashed: String(r.slashed),
  height: String(r.height),
})

export const rejectedUpdateJson = (r: UpdateRejectionView) => ({
  trainer: encodeAddress(r.trainer),
  update_cid: r.updateCid,
  sample_count: r.sampleCount,
  code: r.code,
  reason: reasonOf(r.code),
  matched_round: orNull(r.matchedRound),
  matched_trainer: r.matchedTrainer === null ? null : encodeAddress(r.matchedTrainer),
  norm_sq: String(r.normSq),
  cosine: r.cosine.toString(),
  slashed: String(r.slashed),
  height: String(r.height),
})

export function roundJson(books: TrainingBooks, r: RoundValue, height: bigint) {
  return {
    subnet: String(r.subnet),
    round: String(r.round),
    phase: phaseAt(r, height + 1n),
    at_height: String(height),
    open_height: String(r.openHeight),
    submit_end_height: String(r.submitEnd),
    aggregate_end_height: String(r.aggregateEnd),
    close_height: String(r.closeHeight),
    next_open_height: r.closed ? String(r.closeHeight + BigInt(r.gap)) : null,
    base_version: String(r.baseVersion),
    base_global_cid: r.baseGlobalCid,
    rule: r.rule,
    quantization: { dtype: r.dtype, scale: r.scale, max_abs: r.maxAbs },
    sample_cap: r.sampleCap,
    max_updates: r.maxUpdates,
    gap: r.gap,
    slash_fraction: r.slashFraction.toString(),
    updates: r.updates,
    closed: r.closed,
    version: orNull(r.version),
    rejections: books.rejections(r.subnet, r.round).map(rejectionJson),
  }
}

export const updateJson = (u: UpdateView) => ({
  trainer: encodeAddress(u.trainer),
  update_cid: u.updateCid,
  sample_count: u.sampleCount,
  weight: u.weight,
  epoch_id: String(u.epochId),
  device_id_hash: Buffer.from(u.deviceIdHash).toString('hex'),
  byte_size: String(u.byteSize),
  claimed_metrics: u.claimedMetrics.map((metric) => ({ name: metric.name, value: String(metric.value) })),
  height: String(u.height),
  time: String(u.time),
})

export const versionJson = (v: ModelVersionValue) => ({
  subnet: String(v.subnet),
  version: String(v.version),
  round: orNull(v.round),
  parent: orNull(v.parent),
  global_cid: v.globalCid,
  aggregate_cid: v.aggregateCid,
  included: v.included.map((c) => ({ trainer: encodeAddress(c.trainer), update_cid: c.updateCid, sample_count: c.sampleCount })),
  rule: v.rule,
  aggregator: v.aggregator === null ? null : encodeAddress(v.aggregator),
  recorded_height: String(v.height),
})

/** A u64 from a query: a decimal string or a safe integer; else `code`. */
function u64At(
  value: unknown,
  field: string,
  code: 'UNKNOWN_SUBNET' | 'UNKNOWN_ROUND' | 'UNKNOWN_VERSION' | 'ENVELOPE_UNKNOWN_EPOCH',
): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(value) && BigInt(value) < 2n ** 64n) return BigInt(value)
  throw trainingError(code, `${field} must be a decimal integer string`, { [field]: String(value).slice(0, 40) })
}

function seenSubnet(ctx: Context, value: unknown): { books: TrainingBooks; subnet: bigint; latest: bigint; round: bigint | null } {
  const subnet = u64At(value, 'subnet', 'UNKNOWN_SUBNET')
  const books = new TrainingBooks(ctx.moduleStore())
  const progress = books.progress(subnet)
  if (progress === undefined) throw trainingError('UNKNOWN_SUBNET', `training has not seen subnet ${subnet}`, { subnet: String(subnet) })
  return { books, subnet, latest: progress.latestVersion, round: progress.round }
}

function roundOf(books: TrainingBooks, subnet: bigint, number: bigint | null): RoundValue {
  const round = number === null ? undefined : books.round(subnet, number)
  if (round === undefined)
    throw trainingError('UNKNOWN_ROUND', `subnet ${subnet} has no round ${number ?? '(none opened)'}`, { subnet: String(subnet) })
  return round
}

function versionOf(books: TrainingBooks, subnet: bigint, number: bigint): ModelVersionValue {
  const version = books.version(subnet, number)
  if (version === undefined)
    throw trainingError('UNKNOWN_VERSION', `subnet ${subnet} has no version ${number}`, { subnet: String(subnet), version: String(number) })
  return version
}

export const trainingQueries: Record<string, QueryHandler> = {
  round(ctx, params) {
    const { books, subnet, round } = seenSubnet(ctx, params.subnet)
    const number = params.round === undefined ? round : u64At(params.round, 'round', 'UNKNOWN_ROUND')
    return roundJson(books, roundOf(books, subnet, number), BigInt(ctx.block.height))
  },
  updates(ctx, params) {
    const { books, subnet } = seenSubnet(ctx, params.subnet)
    const round = roundOf(books, subnet, u64At(params.round, 'round', 'UNKNOWN_ROUND'))
    return { updates: books.updates(subnet, round.round).map(updateJson) }
  },
  rejectedUpdates(ctx, params) {
    const { books, subnet } = seenSubnet(ctx, params.subnet)
    const round = roundOf(books, subnet, u64At(params.round, 'round', 'UNKNOWN_ROUND'))
    return { rejected_updates: books.updateRejections(subnet, round.round).map(rejectedUpdateJson) }
  },
  version(ctx, params) {
    const { books, subnet } = seenSubnet(ctx, params.subnet)
    return versionJson(versionOf(books, subnet, u64At(params.version, 'version', 'UNKNOWN_VERSION')))
  },
  versions(ctx, params) {
    const { books, subnet } = seenSubnet(ctx, params.subnet)
    return { versions: books.versions(subnet).map(versionJson) }
  },
  latestVersion(ctx, params) {
    const { books, subnet, latest } = seenSubnet(ctx, params.subnet)
    return versionJson(versionOf(books, subnet, latest))
  },
  params: (ctx) => trainingParams.toJson(readParams(ctx.moduleStore(), trainingParams)),
  dpLedger(ctx, params) {
    // any existing subnet, also before training has seen it (a policy may be set in its first block)
    const subnet = u64At(params.subnet, 'subnet', 'UNKNOWN_SUBNET')
    if (ctx.keeper(SUBNETS).subnet(subnet) === undefined)
      throw trainingError('UNKNOWN_SUBNET', `no subnet ${subnet}`, { subnet: String(subnet) })
    return dpLedgerJson(ctx, subnet)
  },
  envelopeKeys(ctx, params) {
    const subnet = u64At(params.subnet, 'subnet', 'UNKNOWN_SUBNET')
    if (ctx.keeper(SUBNETS).subnet(subnet) === undefined)
      throw trainingError('UNKNOWN_SUBNET', `no subnet ${subnet}`, { subnet: String(subnet) })
    const epoch = params.epoch === undefined ? undefined : u64At(params.epoch, 'epoch', 'ENVELOPE_UNKNOWN_EPOCH')
    if (epoch !== undefined && epoch > 0xffff_ffffn)
      throw trainingError('ENVELOPE_UNKNOWN_EPOCH', `epoch ${epoch} is not a u32`, { epoch: String(epoch) })
    return envelopeKeysJson(ctx, subnet, epoch === undefined ? undefined : Number(epoch))
  },
  secaggRound(ctx, params) {
    const { subnet } = seenSubnet(ctx, params.subnet)
    return secAggRoundJson(ctx, subnet, u64At(params.round, 'round', 'UNKNOWN_ROUND'))
  },
}
