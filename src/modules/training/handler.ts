import { encodeAddress, type PublicKey } from '../../crypto/index.js'
import { getAggregationRule } from '../../fl/rules/registry.js'
import { type Context, Dec, GAS, type MessageHandler, readParams } from '../../state/index.js'
import { canonicalCid } from './blob-cid.js'
import { TrainingBooks } from './books.js'
import { TRAINING_ERRORS, trainingError } from './errors.js'
import { type SubmitClosedReason, emitAggregateAccepted, emitAggregateRejected, emitUpdateRejected, emitUpdateSubmitted } from './events.js'
import { belowNorm, exactNormSq, nearestCopy } from './free-riders.js'
import { SUBNETS, type TrainingSubnetsKeeper } from './expected-keepers.js'
import { TRAINING_HOOKS } from './hooks.js'
import {
  MsgSubmitAggregate,
  type MsgSubmitAggregateValue,
  MsgSubmitUpdate,
  type MsgSubmitUpdateValue,
  type ModelVersionValue,
  type RoundValue,
  type UpdateRejectionValue,
  phaseAt,
} from './messages.js'
import { type RoundFormat, checkBlobCid, checkUpdate, submittedValues, verifyAggregate } from './model.js'
import { type TrainingParamsValue, trainingParams } from './params.js'
import { endSubmitWindow } from './rounds.js'
import { chargeDpRound, dpMessages } from './dp-ledger.js'
import { envelopeMessages } from './envelope-keys.js'
import { checkEnvelopeKeys, isPrivateSubnet, updateBlobOf } from './envelope-open.js'
import { checkSecAggSubmission, isSecAggRound, secAggMessages } from './secagg-handler.js'
import { secAggRoundRule } from './secagg-recovery.js'

const METRIC_NAME = /^[a-z][a-z0-9_]{0,31}$/
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

function checkCidField(text: string, field: string): void {
  if (canonicalCid(text) === undefined) {
    throw trainingError(
      'INVALID_CID',
      `${field} "${text.slice(0, 80)}" is not a canonical CIDv1 (base32) of a raw or dag-pb sha2-256 block`,
      { field },
    )
  }
}

/**
 * The round a message names, open in `window` at this block's height: WRONG_ROUND for one the
 * subnet has not opened, ROUND_CLOSED for one that closed (an earlier round, or the current one
 * in its gap), OUTSIDE_WINDOW for the right round in another phase.
 */
function roundInWindow(ctx: Context, books: TrainingBooks, subnet: bigint, number: bigint, window: 'submit' | 'aggregate'): RoundValue {
  const progress = books.progress(subnet)
  if (progress === undefined) {
    if (ctx.keeper(SUBNETS).subnet(subnet) === undefined)
      throw trainingError('UNKNOWN_SUBNET', `no subnet ${subnet}`, { subnet: String(subnet) })
    throw trainingError('WRONG_ROUND', `subnet ${subnet}'s first round opens in the next block`, {
      subnet: String(subnet),
      round: String(number),
    })
  }
  if (progress.round === null || number > progress.round) {
    throw trainingError('WRONG_ROUND', `subnet ${subnet} has not opened round ${number} (current: ${progress.round ?? 'none'})`, {
      subnet: String(subnet),
      round: String(number),
    })
  }
  const round = books.round(subnet, number)!
  const height = BigInt(ctx.block.height)
  const phase = phaseAt(round, height)
  if (phase === 'closed')
    throw trainingError('ROUND_CLOSED', `round ${number} of subnet ${subnet} closed at height ${round.closeHeight}`, {
      subnet: String(subnet),
      round: String(number),
    })
  if (phase !== window) {
    const [from, to] = window === 'submit' ? [round.openHeight, round.submitEnd] : [round.submitEnd, round.aggregateEnd]
    throw trainingError(
      'OUTSIDE_WINDOW',
      `round ${number} of subnet ${subnet} takes ${window === 'submit' ? 'updates' : 'aggregates'} at heights ${from}..${to - 1n}, not at ${height} (${phase} phase)`,
      {
        subnet: String(subnet),
        round: String(number),
        phase,
      },
    )
  }
  return round
}

/** Rough cost of recomputing a rule on K updates of N parameters, in coordinate visits: means K·N, order statistics K·N·⌈log2(K+1)⌉, pairwise distances (Krum, nnm) K²·N; plus 2·N for the base and next models. */
export function aggregateWork(rule: string, k: number, n: number): bigint {
  const K = BigInt(k)
  const N = BigInt(n)
  const base = rule.split('+')[0]!.split(':')[0]!
  const pairwise = base === 'krum' || base === 'multikrum' || rule.includes('+nnm')
  const sorting = base === 'median' || base === 'trimmed'
  // ⌈log2(K + 1)⌉ as the bit length of K: integers only, no Math.log2 in a consensus number.
  const factor = pairwise ? K : sorting ? BigInt(32 - Math.clz32(k)) : 1n
  return K * N * factor + 2n * N
}

const WIDTH_BYTES: Record<string, number> = { int8: 1, int16: 2, int32: 4 }
// A key in training's store, with the framework's `training/` prefix: at most 1 + 8 + 8 + 20 bytes
// plus the prefix, or 1 + 8 + a CID (≤ 128) for the duplicate index.
const KEY_BYTES = 64n
const INDEX_ENTRY_BYTES = 9n + 1n + 8n + 128n + 40n

/**
 * What training's free-rider work adds to MsgSubmitUpdate's gas, at most, for an update of N
 * parameters of `dtype` in a round that already holds `earlier` updates (a trainer sizing its gas
 * limit: add the store's price of the update record and the tx's own costs, as before). With
 * near-copy on: gas_per_coordinate × N × earlier for the comparison, reading the `earlier` kept
 * copies (GAS.iterateStep + GAS.readByte × their bytes each) and writing the update's own copy
 * (GAS.write + GAS.writeByte × its bytes); always the duplicate-index entry; plus the check's
 * gas_per_coordinate × N. Blob bytes: 16 + N × width. About N × (62 + 7 × earlier) for int16
 * updates at gas_per_coordinate 1.
 */
export function submitUpdateGas(parameterCount: number, dtype: string, earlier: number, gasPerCoordinate: bigint, nearCopy = true): bigint {
  const n = BigInt(parameterCount)
  const k = BigInt(earlier)
  const blob = 16n + n * BigInt(WIDTH_BYTES[dtype] ?? 4)
  const index = GAS.write + GAS.writeByte * INDEX_ENTRY_BYTES
  if (!nearCopy) return gasPerCoordinate * n + index
  const copies = GAS.write + GAS.writeByte * (KEY_BYTES + blob) + k * (GAS.iterateStep + GAS.readByte * (KEY_BYTES + blob))
  return gasPerCoordinate * n * (1n + k) + copies + index
}

/**
 * MsgSubmitUpdate: a trainer's update in the submit window. The blob is declared (blobs), hashed
 * against its CID, and checked against the round (dtype, scale, shape [parameterCount], range);
 * one per trainer per round, at most the round's maxUpdates; the weight is the sample count
 * capped at the round's sampleCap. Then the free-rider tests (judgeFreeRider): a duplicate, a
 * zero or a near-copy update is a verdict (rejectUpdate), not a refusal. Gas: gas_per_coordinate
 * × N on top of the store's, plus × N per earlier update of the round for near-copy; a recorded
 * update also writes its CID to the duplicate index and (near-copy on) its blob bytes to the
 * round's copies, at the store's write price. With close_submit_when_full, a recorded update
 * that completes the round (roundComplete) ends its submit window at the next block
 * (rounds.ts endSubmitWindow, event submit_window_closed). In a private subnet the blob is an
 * envelope sealed to the latest epoch, opened by this node before the checks (envelope-open.ts).
 */
const submitUpdate: MessageHandler<MsgSubmitUpdateValue> = {
  type: MsgSubmitUpdate,
  validate(m) {
    checkCidField(m.updateCid, 'update_cid')
    if (m.sampleCount < 1) throw trainingError('INVALID_SAMPLE_COUNT', 'an update is trained on at least one sample')
    const names = new Set<string>()
    for (const metric of m.claimedMetrics) {
      if (!METRIC_NAME.test(metric.name))
        throw trainingError('INVALID_METRICS', `metric name "${metric.name.slice(0, 32)}" is not a-z0-9_ (1–32, a letter first)`)
      if (names.has(metric.name)) throw trainingError('INVALID_METRICS', `metric ${metric.name} is claimed twice`)
      names.add(metric.name)
    }
  },
  blobs: (m) => [m.updateCid],
  // The mempool keeps out what handle would refuse before reading the blob: a closed window, a
  // non-member, a barred or under-bonded trainer, a second update, a full round.
  admit(ctx, m, signer) {
    checkSubmitter(ctx, new TrainingBooks(ctx.moduleStore()), m, signer)
  },
  handle(ctx, m, signer) {
    const books = new TrainingBooks(ctx.moduleStore())
    const { round, subnets } = checkSubmitter(ctx, books, m, signer)
    const trainer = signer.addressBytes
    const record = subnets.subnet(m.subnet)!
    const parameterCount = Number(record.parameterCount)
    const params = readParams(ctx.moduleStore(), trainingParams)
    ctx.gas.consume(params.gasPerCoordinate * BigInt(parameterCount), 'update check')
    const bytes = ctx.block.blobs.get(m.updateCid)
    checkBlobCid(bytes, m.updateCid, 'update')
    if (BigInt(bytes.length) !== m.byteSize)
      throw trainingError('WRONG_BYTE_SIZE', `the update blob is ${bytes.length} bytes, the message says ${m.byteSize}`, {
        actual: bytes.length,
        claimed: String(m.byteSize),
      })
    // a private subnet's update is an envelope: the CID and size are the ciphertext's, the checks the blob's
    const { values } = checkUpdate(updateBlobOf(ctx, m.subnet, bytes, true), roundFormat(round, parameterCount))
    const verdict = judgeFreeRider(ctx, books, round, m, values, params, isPrivateSubnet(ctx, m.subnet))
    if (verdict !== undefined) {
      rejectUpdate(ctx, books, m, trainer, verdict, params.freeRiderSlashFraction)
      return
    }
    chargeDpRound(ctx, round)
    const weight = Math.min(m.sampleCount, round.sampleCap)
    books.setUpdate(m.subnet, m.round, trainer, {
      updateCid: m.updateCid,
      sampleCount: m.sampleCount,
      weight,
      epochId: m.epochId,
      deviceIdHash: m.deviceIdHash,
      byteSize: m.byteSize,
      claimedMetrics: m.claimedMetrics,
      height: BigInt(ctx.block.height),
      time: ctx.block.time,
    })
    const recorded = { ...round, updates: round.updates + 1 }
    books.setRound(recorded)
    books.setContentSeen(m.subnet, m.updateCid, { round: m.round, trainer })
    if (!params.nearCopyCosine.isZero()) books.setUpdateCopy(m.subnet, m.round, trainer, bytes)
    emitUpdateSubmitted(ctx, m.subnet, m.round, trainer, m.updateCid, weight)
    if (params.closeSubmitWhenFull) {
      const reason = roundComplete(books, subnets, recorded, record.trainers)
      if (reason !== undefined) endSubmitWindow(ctx, books, recorded, reason)
    }
  },
}

/**
 * MsgSubmitUpdate's checks of the sender and the round, before the blob is read (what its
 * admission rule runs too): the submit window is open, the signer is a trainer of the subnet
 * (in a secagg-fedavg round: one that set up, in the update phase), not barred from the round as a free-rider, bonded at least min_trainer_bond, has no update in
 * the round yet, and the round is not full; in a private subnet, its key set is not stale
 * (ENVELOPE_KEY_SET_STALE, envelope-keys.ts).
 */
function checkSubmitter(
  ctx: Context,
  books: TrainingBooks,
  m: MsgSubmitUpdateValue,
  signer: PublicKey,
): { round: RoundValue; subnets: TrainingSubnetsKeeper } {
  const round = roundInWindow(ctx, books, m.subnet, m.round, 'submit')
  const subnets = ctx.keeper(SUBNETS)
  const trainer = signer.addressBytes
  if (!subnets.isMember(m.subnet, 'trainer', trainer))
    throw trainingError('NOT_TRAINER', `${signer.address} is not a trainer of subnet ${m.subnet}`, { subnet: String(m.subnet) })
  checkSecAggSubmission(ctx, round, trainer)
  checkEnvelopeKeys(ctx, m.subnet)
  if (books.updateRejection(m.subnet, m.round, trainer) !== undefined) {
    const why = `${signer.address}'s update to round ${m.round} of subnet ${m.subnet} was rejected as a free-rider's; it is barred from the round`
    throw trainingError('TRAINER_BARRED', why, {
      subnet: String(m.subnet),
      round: String(m.round),
    })
  }
  const minimum = subnets.params(m.subnet).minTrainerBond
  const bond = subnets.bondOf(m.subnet, 'trainer', trainer)
  if (bond < minimum)
    throw trainingError('BOND_BELOW_MINIMUM', `${signer.address}'s trainer bond ${bond} is below the subnet's minimum ${minimum}`, {
      bond: String(bond),
      minimum: String(minimum),
    })
  if (books.update(m.subnet, m.round, trainer) !== undefined) {
    throw trainingError('DUPLICATE_UPDATE', `${signer.address} already submitted an update to round ${m.round} of subnet ${m.subnet}`, {
      subnet: String(m.subnet),
      round: String(m.round),
    })
  }
  if (round.updates >= round.maxUpdates)
    throw trainingError('ROUND_FULL', `round ${m.round} of subnet ${m.subnet} already holds its ${round.maxUpdates} updates`, {
      max: round.maxUpdates,
    })
  return { round, subnets }
}

/**
 * Why the round may stop taking updates (close_submit_when_full), or undefined: 'all_submitted'
 * when it holds an update from every current trainer member of the subnet, 'full' at its
 * maxUpdates. Every member submitted exactly when as many of the round's updates come from
 * current members as the subnet counts trainers (one update per trainer): a trainer who left
 * after submitting does not stand in for one who joined since. Those membership reads (at most
 * maxUpdates, charged as store reads) run only once the count could match. A free-rider's
 * verdict records no update, so a round with one runs its whole window unless it fills.
 */
function roundComplete(
  books: TrainingBooks,
  subnets: TrainingSubnetsKeeper,
  round: RoundValue,
  trainers: number,
): SubmitClosedReason | undefined {
  if (trainers > 0 && round.updates >= trainers) {
    let members = 0
    for (const u of books.updates(round.subnet, round.round)) if (subnets.isMember(round.subnet, 'trainer', u.trainer)) members++
    if (members === trainers) return 'all_submitted'
  }
  return round.updates >= round.maxUpdates ? 'full' : undefined
}

type FreeRiderVerdict = Pick<UpdateRejectionValue, 'code' | 'matchedRound' | 'matchedTrainer' | 'normSq' | 'cosine'>

/**
 * A free-rider's update, or undefined for an honest-looking one (free-riders.ts), tested in this
 * order so that each update gets the most specific verdict:
 *
 * 1. DUPLICATE_CONTENT: its CID is in the subnet's index of recorded updates, from this round or
 *    one of the last free_rider_memory_rounds (an older entry left in the index is ignored).
 * 2. ZERO_UPDATE: |u|² < min_update_norm².
 * 3. NEAR_COPY (near_copy_cosine > 0): cos(u, v) ≥ the threshold for an update v recorded
 *    earlier in the round (the copies kept in state: keys.ts 0x0a), the closest one reported.
 *    Gas gas_per_coordinate × N × (updates recorded so far), charged before the copies are read.
 */
function judgeFreeRider(
  ctx: Context,
  books: TrainingBooks,
  round: RoundValue,
  m: MsgSubmitUpdateValue,
  values: Int32Array,
  params: TrainingParamsValue,
  sealed: boolean,
): FreeRiderVerdict | undefined {
  const normSq = exactNormSq(values, round.maxAbs)
  const seen = books.contentSeen(m.subnet, m.updateCid)
  const memory = BigInt(params.freeRiderMemoryRounds)
  if (seen !== undefined && seen.round + memory >= m.round) {
    return {
      code: TRAINING_ERRORS.DUPLICATE_CONTENT,
      matchedRound: seen.round,
      matchedTrainer: seen.trainer,
      normSq,
      cosine: normSq === 0n ? Dec.ZERO : Dec.ONE,
    }
  }
  if (belowNorm(normSq, params.minUpdateNorm))
    return { code: TRAINING_ERRORS.ZERO_UPDATE, matchedRound: null, matchedTrainer: null, normSq, cosine: Dec.ZERO }
  if (params.nearCopyCosine.isZero() || normSq === 0n || round.updates === 0) return undefined
  ctx.gas.consume(params.gasPerCoordinate * BigInt(values.length) * BigInt(round.updates), 'near-copy comparison')
  const format: RoundFormat = { dtype: round.dtype, scale: round.scale, maxAbs: round.maxAbs, parameterCount: values.length }
  // a private subnet keeps its copies sealed (state is public); they open as the update did
  const earlier = books
    .updateCopies(m.subnet, m.round)
    .map((c) => ({ trainer: c.trainer, values: submittedValues(sealed ? updateBlobOf(ctx, m.subnet, c.bytes, false) : c.bytes, format) }))
  const match = nearestCopy(values, normSq, earlier, params.nearCopyCosine, round.maxAbs)
  return match === undefined
    ? undefined
    : { code: TRAINING_ERRORS.NEAR_COPY, matchedRound: m.round, matchedTrainer: match.trainer, normSq, cosine: match.cosine }
}

/**
 * A free-rider's verdict, not a refusal (like a wrong aggregate: a failed tx's writes, slash
 * included, would be dropped): the tx succeeds, the update is not recorded (the round's count,
 * its aggregate and the trainer's standing in it are unchanged), the trainer's subnet bond is
 * slashed by free_rider_slash_fraction (infraction at this height), an UpdateRejection is stored
 * (which bars the trainer from the round: TRAINER_BARRED) and update_rejected carries the code.
 */
function rejectUpdate(
  ctx: Context,
  books: TrainingBooks,
  m: MsgSubmitUpdateValue,
  trainer: Uint8Array,
  verdict: FreeRiderVerdict,
  fraction: Dec,
): void {
  const slashed = ctx.keeper(SUBNETS).slashMember(m.subnet, 'trainer', trainer, fraction, ctx.block.height)
  const rejection: UpdateRejectionValue = {
    updateCid: m.updateCid,
    sampleCount: m.sampleCount,
    ...verdict,
    slashed,
    height: BigInt(ctx.block.height),
  }
  books.setUpdateRejection(m.subnet, m.round, trainer, rejection)
  emitUpdateRejected(ctx, m.subnet, m.round, trainer, rejection)
}

const roundFormat = (round: RoundValue, parameterCount: number): RoundFormat => ({
  dtype: round.dtype,
  scale: round.scale,
  maxAbs: round.maxAbs,
  parameterCount,
})

/**
 * MsgSubmitAggregate: an aggregator's aggregate in the aggregate window. Refusals (the tx fails,
 * nothing changes): the round and window, membership and bond, a barred aggregator, a round
 * already aggregated, a base model that is not the round's, included updates that are not
 * exactly the round's in trainer order, too few for the rule, a base model that is no model of
 * the subnet. Then the chain recomputes the aggregate with the round's rule (rule.fast: the
 * reference's bits) and the next model (model.ts verifyAggregate: the inputs, hashed and checked
 * when submitted, are not hashed again), and compares both with the blobs the message names as
 * result and next model. Those are declared like the inputs, so no block records a version whose
 * bytes its validators do not hold (the next round's trainers and scorers fetch them), and held
 * bytes are their CID's bytes, so equal bytes are equal CIDs:
 *
 * - equal: version latest + 1 is recorded (ModelVersion), the round points at it,
 *   aggregate_accepted, hook roundAggregated.
 * - different: a verdict, not a refusal. The tx SUCCEEDS (code 0) with an aggregate_rejected
 *   event carrying code WRONG_AGGREGATE (29), the aggregator's bond is slashed by the round's
 *   aggregatorSlashFraction (subnets.slashMember, infraction at this height), it is barred from
 *   the round (subnets.barAggregator), and an AggregateRejection is stored. A failed tx's writes
 *   are dropped by the framework (its messages run in a cache kept only on success), so a
 *   failing tx could not carry its own slash; recording the verdict as a successful tx keeps it
 *   in committed state on every node, and the event and the stored rejection keep it on record.
 *   Other registered aggregators may still submit until the window ends.
 *
 * Gas: gas_per_coordinate × aggregateWork(rule, K, N), charged before any blob is read, so a
 * block cannot hide unbounded work behind a small transaction. In a private subnet the key set
 * must not be stale and the included envelopes are opened before the recompute (envelope-open.ts).
 */
const submitAggregate: MessageHandler<MsgSubmitAggregateValue> = {
  type: MsgSubmitAggregate,
  validate(m) {
    checkCidField(m.baseGlobalCid, 'base_global_cid')
    checkCidField(m.resultCid, 'result_cid')
    checkCidField(m.newGlobalCid, 'new_global_cid')
    for (const [i, entry] of m.included.entries()) {
      checkCidField(entry.updateCid, `included[${i}].update_cid`)
      if (i > 0 && Buffer.compare(m.included[i - 1]!.trainer, entry.trainer) >= 0) {
        throw trainingError('INCLUDED_NOT_CANONICAL', `included updates must be in strictly ascending trainer order; entry ${i} is not`, {
          index: i,
        })
      }
    }
  },
  blobs: (m) => [m.baseGlobalCid, ...m.included.map((entry) => entry.updateCid), m.resultCid, m.newGlobalCid],
  handle(ctx, m, signer) {
    const books = new TrainingBooks(ctx.moduleStore())
    const round = roundInWindow(ctx, books, m.subnet, m.round, 'aggregate')
    const subnets = ctx.keeper(SUBNETS)
    const aggregator = signer.addressBytes
    const at = { subnet: String(m.subnet), round: String(m.round) }
    if (!subnets.isMember(m.subnet, 'aggregator', aggregator))
      throw trainingError('NOT_AGGREGATOR', `${signer.address} is not an aggregator of subnet ${m.subnet}`, at)
    if (subnets.isBarred(m.subnet, m.round, aggregator))
      throw trainingError(
        'AGGREGATOR_BARRED',
        `${signer.address} submitted a wrong aggregate to round ${m.round} and is barred from it`,
        at,
      )
    const minimum = subnets.params(m.subnet).minAggregatorBond
    const bond = subnets.bondOf(m.subnet, 'aggregator', aggregator)
    if (bond < minimum)
      throw trainingError('BOND_BELOW_MINIMUM', `${signer.address}'s aggregator bond ${bond} is below the subnet's minimum ${minimum}`, {
        bond: String(bond),
        minimum: String(minimum),
      })
    checkEnvelopeKeys(ctx, m.subnet)
    if (round.version !== null)
      throw trainingError('ALREADY_AGGREGATED', `round ${m.round} of subnet ${m.subnet} already has version ${round.version}`, at)
    if (m.baseGlobalCid !== round.baseGlobalCid) {
      throw trainingError(
        'WRONG_BASE_MODEL',
        `round ${m.round} trains ${round.baseGlobalCid} (version ${round.baseVersion}), not ${m.baseGlobalCid}`,
        { ...at, expected: round.baseGlobalCid },
      )
    }
    const updates = books.updates(m.subnet, m.round)
    if (m.included.length !== updates.length) {
      throw trainingError(
        'INCLUDED_MISMATCH',
        `round ${m.round} holds ${updates.length} updates; the aggregate includes ${m.included.length}`,
        { ...at, expected: updates.length },
      )
    }
    updates.forEach((u, i) => {
      const entry = m.included[i]!
      if (hex(entry.trainer) !== hex(u.trainer) || entry.updateCid !== u.updateCid) {
        throw trainingError('INCLUDED_MISMATCH', `included entry ${i} should be ${encodeAddress(u.trainer)}'s update ${u.updateCid}`, {
          ...at,
          index: i,
        })
      }
    })
    const rule = getAggregationRule(round.rule)
    if (updates.length === 0 || updates.length < rule.ranges.minUpdates) {
      throw trainingError(
        'TOO_FEW_UPDATES',
        `${rule.name} needs at least ${Math.max(1, rule.ranges.minUpdates)} updates; round ${m.round} has ${updates.length}`,
        { ...at, count: updates.length },
      )
    }
    const parameterCount = Number(subnets.subnet(m.subnet)!.parameterCount)
    const { gasPerCoordinate } = readParams(ctx.moduleStore(), trainingParams)
    ctx.gas.consume(gasPerCoordinate * aggregateWork(rule.name, updates.length, parameterCount), 'aggregate recomputation')
    const format = roundFormat(round, parameterCount)
    const named = updates.map((u) => ({ cid: u.updateCid, bytes: updateBlobOf(ctx, m.subnet, ctx.block.blobs.get(u.updateCid), false) }))
    const base = { cid: round.baseGlobalCid, bytes: ctx.block.blobs.get(round.baseGlobalCid) }
    const claimed = { aggregate: ctx.block.blobs.get(m.resultCid), model: ctx.block.blobs.get(m.newGlobalCid) }
    // a secagg round: the same rule, carrying the correction that removes the survivors' self masks and dropped trainers' pairwise masks (secagg-recovery.ts)
    const verifying = isSecAggRound(round) ? secAggRoundRule(ctx, round, updates, parameterCount, gasPerCoordinate) : rule
    const verdict = verifyAggregate(
      verifying,
      named,
      updates.map((u) => u.weight),
      base,
      format,
      claimed,
    )
    if (verdict.matches) accept(ctx, books, round, m, updates, aggregator)
    else reject(ctx, books, round, m, { resultCid: verdict.aggregateCid, newGlobalCid: verdict.modelCid }, signer)
  },
}

function accept(
  ctx: Context,
  books: TrainingBooks,
  round: RoundValue,
  m: MsgSubmitAggregateValue,
  updates: ReturnType<TrainingBooks['updates']>,
  aggregator: Uint8Array,
): void {
  const progress = books.progress(m.subnet)!
  const version: ModelVersionValue = {
    subnet: m.subnet,
    version: progress.latestVersion + 1n,
    round: m.round,
    parent: progress.latestVersion,
    globalCid: m.newGlobalCid,
    aggregateCid: m.resultCid,
    included: updates.map((u) => ({ trainer: u.trainer, updateCid: u.updateCid, sampleCount: u.weight })),
    rule: round.rule,
    aggregator,
    height: BigInt(ctx.block.height),
  }
  books.setVersion(version)
  books.setProgress(m.subnet, { ...progress, latestVersion: version.version })
  const updated = { ...round, version: version.version }
  books.setRound(updated)
  emitAggregateAccepted(ctx, version, aggregator)
  ctx.hooks(TRAINING_HOOKS).roundAggregated(updated, version)
}

function reject(
  ctx: Context,
  books: TrainingBooks,
  round: RoundValue,
  m: MsgSubmitAggregateValue,
  expected: { resultCid: string; newGlobalCid: string },
  signer: PublicKey,
): void {
  const subnets = ctx.keeper(SUBNETS)
  const aggregator = signer.addressBytes
  const slashed = subnets.slashMember(m.subnet, 'aggregator', aggregator, round.slashFraction, ctx.block.height)
  subnets.barAggregator(m.subnet, m.round, aggregator)
  books.setRejection(m.subnet, m.round, aggregator, {
    resultCid: m.resultCid,
    newGlobalCid: m.newGlobalCid,
    expectedResultCid: expected.resultCid,
    expectedGlobalCid: expected.newGlobalCid,
    slashed,
    height: BigInt(ctx.block.height),
  })
  books.setRound({ ...round, rejections: round.rejections + 1 })
  emitAggregateRejected(ctx, m.subnet, m.round, aggregator, m, expected, slashed, TRAINING_ERRORS.WRONG_AGGREGATE)
}

export const trainingMessages: MessageHandler[] = [submitUpdate, submitAggregate, ...secAggMessages, ...dpMessages, ...envelopeMessages]
