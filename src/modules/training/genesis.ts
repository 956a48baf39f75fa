import {
  Dec,
  type ModuleGenesis,
  addressAt,
  arrayAt,
  bigintAt,
  genesisError,
  intAt,
  objectAt,
  readParams,
  stringAt,
  u64At,
  u32At,
  boolAt,
  hexAt,
  decAt,
  optionalU64At,
} from '../../state/index.js'
import { encodeAddress } from '../../crypto/index.js'
import { canonicalCid } from './blob-cid.js'
import { TrainingBooks } from './books.js'
import { SUBNETS } from './expected-keepers.js'
import type { ScheduledPhase } from './keys.js'
import { TRAINING_ERRORS } from './errors.js'
import { reasonOf } from './events.js'
import {
  type AggregateRejectionValue,
  MAX_INCLUDED,
  type ModelVersionValue,
  type RoundValue,
  type SubnetProgressValue,
  type UpdateRejectionValue,
  type UpdateValue,
} from './messages.js'
import { trainingParams } from './params.js'
import { type DpGenesisEntry, dpGenesisAt, exportDpGenesis, initDpGenesis } from './dp-ledger.js'
import { type EnvelopeGenesisEntry, envelopeGenesisAt, exportEnvelopeGenesis, initEnvelopeGenesis } from './envelope-books.js'
import { checkKeySetShape } from './envelope-keys.js'
import { type SecAggGenesisEntry, exportSecAggGenesis, initSecAggGenesis, secAggGenesisAt } from './secagg-genesis.js'
import { rejectedUpdateJson, rejectionJson, updateJson, versionJson } from './queries.js'

/**
 * `app_state.training` (params apart), what `export` writes and `init` reads back:
 *
 *   next_subnet: "N"   (the first subnet id training has not seen; its begin-block opens round 0
 *                       of every subnet from there on)
 *   subnets: [{ subnet, round: "r" | null, latest_version, scheduled_height, scheduled_phase:
 *               'open' | 'close', rounds: RoundRecordJson[], versions: VersionJson[],
 *               updates: (UpdateJson & { round })[], rejections: (RejectionJson & { round })[],
 *               rejected_updates: (RejectedUpdateJson & { round })[],
 *               update_copies: { round, trainer, bytes (base64) }[] }]
 *
 *   RoundRecordJson = { round, open_height, submit_end_height, aggregate_end_height, close_height,
 *               gap, base_version, base_global_cid, rule, dtype, scale, max_abs, sample_cap,
 *               max_updates, slash_fraction, updates, closed, version | null, rejections }
 *
 * (queries.ts' JSON forms.) `update_copies` are the blob bytes of an open round's recorded
 * updates that the near-copy test compares with (keys.ts 0x0a; none once the round closed). The
 * duplicate index (0x08) is not exported: init rebuilds it from the updates of the last
 * free_rider_memory_rounds rounds of each subnet (and the current one), which is what the check
 * reads; entries older than that, which a shrunken memory may have left, are not carried over.
 * Heights are absolute: a chain restarted from an export continues its
 * rounds at the same heights. Init checks shapes and that every subnet exists in subnets (which
 * inits before training); the invariants check that the books agree.
 */
export interface TrainingGenesis {
  cursor: bigint
  subnets: {
    subnet: bigint
    progress: SubnetProgressValue
    rounds: RoundValue[]
    versions: ModelVersionValue[]
    updates: (UpdateValue & { round: bigint; trainer: Uint8Array })[]
    rejections: (AggregateRejectionValue & { round: bigint; aggregator: Uint8Array })[]
    rejectedUpdates: (UpdateRejectionValue & { round: bigint; trainer: Uint8Array })[]
    updateCopies: { round: bigint; trainer: Uint8Array; bytes: Uint8Array }[]
  }[]
  /** DP policies and budget ledgers (dp-ledger.ts). */
  dp: DpGenesisEntry[]
  /** Private subnets' key sets, every epoch (envelope-books.ts). */
  envelopes: EnvelopeGenesisEntry[]
  /** Secure-aggregation rosters, setups and reveals (secagg-genesis.ts). */
  secagg: SecAggGenesisEntry[]
}

function cidAt(value: unknown, path: string): string {
  const text = stringAt(value, path)
  if (canonicalCid(text) === undefined) throw genesisError(path, `"${text.slice(0, 80)}" is not a canonical CIDv1`)
  return text
}

export const roundRecordJson = (r: RoundValue) => ({
  round: String(r.round),
  open_height: String(r.openHeight),
  submit_end_height: String(r.submitEnd),
  aggregate_end_height: String(r.aggregateEnd),
  close_height: String(r.closeHeight),
  gap: r.gap,
  base_version: String(r.baseVersion),
  base_global_cid: r.baseGlobalCid,
  rule: r.rule,
  dtype: r.dtype,
  scale: r.scale,
  max_abs: r.maxAbs,
  sample_cap: r.sampleCap,
  max_updates: r.maxUpdates,
  slash_fraction: r.slashFraction.toString(),
  updates: r.updates,
  closed: r.closed,
  version: r.version === null ? null : String(r.version),
  rejections: r.rejections,
})

function roundAt(json: unknown, path: string, subnet: bigint): RoundValue {
  const o = objectAt(json, path)
  let slashFraction: Dec
  try {
    slashFraction = Dec.parse(stringAt(o.slash_fraction, `${path}.slash_fraction`))
  } catch {
    throw genesisError(`${path}.slash_fraction`, 'expected a decimal like 0.1')
  }
  return {
    subnet,
    round: u64At(o.round, `${path}.round`),
    openHeight: u64At(o.open_height, `${path}.open_height`),
    submitEnd: u64At(o.submit_end_height, `${path}.submit_end_height`),
    aggregateEnd: u64At(o.aggregate_end_height, `${path}.aggregate_end_height`),
    closeHeight: u64At(o.close_height, `${path}.close_height`),
    gap: u32At(o.gap, `${path}.gap`),
    baseVersion: u64At(o.base_version, `${path}.base_version`),
    baseGlobalCid: cidAt(o.base_global_cid, `${path}.base_global_cid`),
    rule: stringAt(o.rule, `${path}.rule`),
    dtype: stringAt(o.dtype, `${path}.dtype`),
    scale: u32At(o.scale, `${path}.scale`),
    maxAbs: u32At(o.max_abs, `${path}.max_abs`),
    sampleCap: u32At(o.sample_cap, `${path}.sample_cap`),
    maxUpdates: intAt(o.max_updates, `${path}.max_updates`, 0, MAX_INCLUDED),
    slashFraction,
    updates: u32At(o.updates, `${path}.updates`),
    closed: boolAt(o.closed, `${path}.closed`),
    version: optionalU64At(o.version, `${path}.version`),
    rejections: u32At(o.rejections, `${path}.rejections`),
  }
}

function versionAt(json: unknown, path: string, subnet: bigint): ModelVersionValue {
  const o = objectAt(json, path)
  if (o.subnet !== undefined && o.subnet !== String(subnet))
    throw genesisError(`${path}.subnet`, `a version of subnet ${subnet} says subnet ${String(o.subnet)}`)
  return {
    subnet,
    version: u64At(o.version, `${path}.version`),
    round: optionalU64At(o.round, `${path}.round`),
    parent: optionalU64At(o.parent, `${path}.parent`),
    globalCid: cidAt(o.global_cid, `${path}.global_cid`),
    aggregateCid: o.aggregate_cid === null || o.aggregate_cid === undefined ? null : cidAt(o.aggregate_cid, `${path}.aggregate_cid`),
    included: arrayAt(o.included ?? [], `${path}.included`).map((c, i) => {
      const at = `${path}.included[${i}]`
      const e = objectAt(c, at)
      return {
        trainer: addressAt(e.trainer, `${at}.trainer`),
        updateCid: cidAt(e.update_cid, `${at}.update_cid`),
        sampleCount: u32At(e.sample_count, `${at}.sample_count`),
      }
    }),
    rule: stringAt(o.rule ?? '', `${path}.rule`),
    aggregator: o.aggregator === null || o.aggregator === undefined ? null : addressAt(o.aggregator, `${path}.aggregator`),
    height: u64At(o.recorded_height, `${path}.recorded_height`),
  }
}

function updateAt(json: unknown, path: string): UpdateValue & { round: bigint; trainer: Uint8Array } {
  const o = objectAt(json, path)
  return {
    round: u64At(o.round, `${path}.round`),
    trainer: addressAt(o.trainer, `${path}.trainer`),
    updateCid: cidAt(o.update_cid, `${path}.update_cid`),
    sampleCount: u32At(o.sample_count, `${path}.sample_count`),
    weight: u32At(o.weight, `${path}.weight`),
    epochId: u64At(o.epoch_id, `${path}.epoch_id`),
    deviceIdHash: hexAt(o.device_id_hash, `${path}.device_id_hash`, 32),
    byteSize: u64At(o.byte_size, `${path}.byte_size`),
    claimedMetrics: arrayAt(o.claimed_metrics ?? [], `${path}.claimed_metrics`).map((m, i) => {
      const e = objectAt(m, `${path}.claimed_metrics[${i}]`)
      return { name: stringAt(e.name, `${path}.claimed_metrics[${i}].name`), value: u64At(e.value, `${path}.claimed_metrics[${i}].value`) }
    }),
    height: u64At(o.height, `${path}.height`),
    time: u64At(o.time, `${path}.time`),
  }
}

function rejectionAt(json: unknown, path: string): AggregateRejectionValue & { round: bigint; aggregator: Uint8Array } {
  const o = objectAt(json, path)
  return {
    round: u64At(o.round, `${path}.round`),
    aggregator: addressAt(o.aggregator, `${path}.aggregator`),
    resultCid: cidAt(o.result_cid, `${path}.result_cid`),
    newGlobalCid: cidAt(o.new_global_cid, `${path}.new_global_cid`),
    expectedResultCid: cidAt(o.expected_result_cid, `${path}.expected_result_cid`),
    expectedGlobalCid: cidAt(o.expected_global_cid, `${path}.expected_global_cid`),
    slashed: bigintAt(o.slashed, `${path}.slashed`),
    height: u64At(o.height, `${path}.height`),
  }
}

const VERDICTS: readonly number[] = [TRAINING_ERRORS.DUPLICATE_CONTENT, TRAINING_ERRORS.ZERO_UPDATE, TRAINING_ERRORS.NEAR_COPY]

function rejectedUpdateAt(json: unknown, path: string): UpdateRejectionValue & { round: bigint; trainer: Uint8Array } {
  const o = objectAt(json, path)
  const code = u32At(o.code, `${path}.code`)
  if (!VERDICTS.includes(code)) throw genesisError(`${path}.code`, `expected a free-rider verdict (${VERDICTS.join(', ')})`)
  if (o.reason !== undefined && o.reason !== reasonOf(code)) throw genesisError(`${path}.reason`, `code ${code} is ${reasonOf(code)}`)
  return {
    round: u64At(o.round, `${path}.round`),
    trainer: addressAt(o.trainer, `${path}.trainer`),
    updateCid: cidAt(o.update_cid, `${path}.update_cid`),
    sampleCount: u32At(o.sample_count, `${path}.sample_count`),
    code,
    matchedRound: optionalU64At(o.matched_round, `${path}.matched_round`),
    matchedTrainer:
      o.matched_trainer === null || o.matched_trainer === undefined ? null : addressAt(o.matched_trainer, `${path}.matched_trainer`),
    normSq: bigintAt(o.norm_sq, `${path}.norm_sq`),
    cosine: decAt(o.cosine, `${path}.cosine`),
    slashed: bigintAt(o.slashed, `${path}.slashed`),
    height: u64At(o.height, `${path}.height`),
  }
}

function updateCopyAt(json: unknown, path: string): { round: bigint; trainer: Uint8Array; bytes: Uint8Array } {
  const o = objectAt(json, path)
  const text = stringAt(o.bytes, `${path}.bytes`)
  const bytes = new Uint8Array(Buffer.from(text, 'base64'))
  if (Buffer.from(bytes).toString('base64') !== text) throw genesisError(`${path}.bytes`, 'expected canonical base64')
  return { round: u64At(o.round, `${path}.round`), trainer: addressAt(o.trainer, `${path}.trainer`), bytes }
}

const FIELDS = ['next_subnet', 'subnets', 'dp', 'secagg', 'envelopes']
const SUBNET_FIELDS = [
  'subnet',
  'round',
  'latest_version',
  'scheduled_height',
  'scheduled_phase',
  'rounds',
  'versions',
  'updates',
  'rejections',
  'rejected_updates',
  'update_copies',
]

export const trainingGenesis: ModuleGenesis<TrainingGenesis> = {
  validate(section, path) {
    const body = objectAt(section ?? {}, path)
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such training genesis field')
    let previous = -1n
    const subnets = arrayAt(body.subnets ?? [], `${path}.subnets`).map((entry, i) => {
      const at = `${path}.subnets[${i}]`
      const s = objectAt(entry, at)
      for (const key of Object.keys(s))
        if (!SUBNET_FIELDS.includes(key)) throw genesisError(`${at}.${key}`, 'no such training subnet field')
      const subnet = u64At(s.subnet, `${at}.subnet`)
      if (subnet <= previous) throw genesisError(`${at}.subnet`, 'subnets must be listed by strictly ascending id')
      previous = subnet
      const phase = stringAt(s.scheduled_phase, `${at}.scheduled_phase`)
      if (phase !== 'open' && phase !== 'close') throw genesisError(`${at}.scheduled_phase`, 'expected open or close')
      return {
        subnet,
        progress: {
          round: optionalU64At(s.round, `${at}.round`),
          latestVersion: u64At(s.latest_version, `${at}.latest_version`),
          scheduledHeight: u64At(s.scheduled_height, `${at}.scheduled_height`),
          scheduledPhase: phase as ScheduledPhase,
        },
        rounds: arrayAt(s.rounds ?? [], `${at}.rounds`).map((r, j) => roundAt(r, `${at}.rounds[${j}]`, subnet)),
        versions: arrayAt(s.versions ?? [], `${at}.versions`).map((v, j) => versionAt(v, `${at}.versions[${j}]`, subnet)),
        updates: arrayAt(s.updates ?? [], `${at}.updates`).map((u, j) => updateAt(u, `${at}.updates[${j}]`)),
        rejections: arrayAt(s.rejections ?? [], `${at}.rejections`).map((r, j) => rejectionAt(r, `${at}.rejections[${j}]`)),
        rejectedUpdates: arrayAt(s.rejected_updates ?? [], `${at}.rejected_updates`).map((r, j) =>
          rejectedUpdateAt(r, `${at}.rejected_updates[${j}]`),
        ),
        updateCopies: arrayAt(s.update_copies ?? [], `${at}.update_copies`).map((c, j) => updateCopyAt(c, `${at}.update_copies[${j}]`)),
      }
    })
    const cursor = body.next_subnet === undefined ? previous + 1n : u64At(body.next_subnet, `${path}.next_subnet`)
    if (cursor <= previous) throw genesisError(`${path}.next_subnet`, `must be above every listed subnet (${previous})`)
    return {
      cursor,
      subnets,
      dp: dpGenesisAt(body.dp, `${path}.dp`),
      secagg: secAggGenesisAt(body.secagg, `${path}.secagg`),
      envelopes: envelopeGenesisAt(body.envelopes, `${path}.envelopes`, ({ epoch, keySet }) => checkKeySetShape({ epoch, ...keySet })),
    }
  },
  init(ctx, genesis) {
    const books = new TrainingBooks(ctx.moduleStore())
    const subnets = ctx.keeper(SUBNETS)
    for (const [i, s] of genesis.subnets.entries()) {
      if (subnets.subnet(s.subnet) === undefined)
        throw genesisError(`app_state.training.subnets[${i}].subnet`, `subnets has no subnet ${s.subnet}`)
      books.setProgress(s.subnet, s.progress)
      books.schedule(s.progress.scheduledHeight, s.subnet, s.progress.scheduledPhase as ScheduledPhase)
      for (const r of s.rounds) books.setRound(r)
      for (const v of s.versions) books.setVersion(v)
      for (const { round, trainer, ...u } of s.updates) books.setUpdate(s.subnet, round, trainer, u)
      for (const { round, aggregator, ...r } of s.rejections) books.setRejection(s.subnet, round, aggregator, r)
      for (const { round, trainer, ...r } of s.rejectedUpdates) books.setUpdateRejection(s.subnet, round, trainer, r)
      for (const c of s.updateCopies) books.setUpdateCopy(s.subnet, c.round, c.trainer, c.bytes)
      // The duplicate index, rebuilt: rounds in order, so a CID recorded again later points at the later round.
      const memory = BigInt(readParams(ctx.moduleStore(), trainingParams).freeRiderMemoryRounds)
      const current = s.progress.round ?? 0n
      for (const u of [...s.updates].sort((a, b) => (a.round < b.round ? -1 : a.round > b.round ? 1 : 0))) {
        if (u.round + memory >= current) books.setContentSeen(s.subnet, u.updateCid, { round: u.round, trainer: u.trainer })
      }
    }
    books.setCursor(genesis.cursor)
    for (const [i, e] of genesis.dp.entries())
      if (subnets.subnet(e.subnet) === undefined)
        throw genesisError(`app_state.training.dp[${i}].subnet`, `subnets has no subnet ${e.subnet}`)
    initDpGenesis(ctx.moduleStore(), genesis.dp)
    for (const [i, e] of genesis.secagg.entries())
      if (books.round(e.subnet, e.round) === undefined)
        throw genesisError(`app_state.training.secagg[${i}].round`, `no round ${e.round} of subnet ${e.subnet}`)
    initSecAggGenesis(ctx.moduleStore(), genesis.secagg)
    for (const [i, e] of genesis.envelopes.entries())
      if (subnets.subnet(e.subnet) === undefined)
        throw genesisError(`app_state.training.envelopes[${i}].subnet`, `subnets has no subnet ${e.subnet}`)
    initEnvelopeGenesis(ctx.moduleStore(), genesis.envelopes)
  },
  export(ctx) {
    const books = new TrainingBooks(ctx.moduleStore())
    return {
      next_subnet: String(books.cursor()),
      subnets: [...books.allProgress()].map(({ subnet, progress }) => {
        const rounds = [...books.rounds(subnet)]
        return {
          subnet: String(subnet),
          round: progress.round === null ? null : String(progress.round),
          latest_version: String(progress.latestVersion),
          scheduled_height: String(progress.scheduledHeight),
          scheduled_phase: progress.scheduledPhase,
          rounds: rounds.map(roundRecordJson),
          versions: books.versions(subnet).map(versionJson),
          updates: rounds.flatMap((r) => books.updates(subnet, r.round).map((u) => ({ round: String(r.round), ...updateJson(u) }))),
          rejections: rounds.flatMap((r) =>
            books.rejections(subnet, r.round).map((x) => ({ round: String(r.round), ...rejectionJson(x) })),
          ),
          rejected_updates: rounds.flatMap((r) =>
            books.updateRejections(subnet, r.round).map((x) => ({ round: String(r.round), ...rejectedUpdateJson(x) })),
          ),
          update_copies: rounds.flatMap((r) =>
            books
              .updateCopies(subnet, r.round)
              .map((c) => ({ round: String(r.round), trainer: encodeAddress(c.trainer), bytes: Buffer.from(c.bytes).toString('base64') })),
          ),
        }
      }),
      dp: exportDpGenesis(ctx.moduleStore()),
      secagg: exportSecAggGenesis(ctx.moduleStore()),
      envelopes: exportEnvelopeGenesis(ctx.moduleStore()),
    }
  },
}
