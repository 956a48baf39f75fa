import { type Context, readParams } from '../../state/index.js'
import { TrainingBooks } from './books.js'
import { type SubmitClosedReason, emitRoundClosed, emitRoundOpened, emitSubmitWindowClosed } from './events.js'
import { SUBNETS } from './expected-keepers.js'
import { TRAINING_HOOKS } from './hooks.js'
import { MAX_INCLUDED, type RoundValue } from './messages.js'
import { trainingParams } from './params.js'
import { SecAggBooks } from './secagg-books.js'
import { isSecAggRound } from './secagg-handler.js'

/**
 * The round lifecycle, driven by block height in training's begin-block. Bounded work per
 * block: the subnets created since the last block (found by the id cursor: ids are dense and
 * ascending, so only new ones are read) and the subnets whose round changes phase at this
 * height (found under the schedule's height prefix: one entry per subnet, keyed by the height it
 * is due at). Nothing iterates over all subnets or rounds.
 *
 *   first seen at h   version 0 (the subnet's initial model) recorded, round 0 opens at h
 *   open at h         pending params applied (subnets.applyPending), the round fixed (windows,
 *                     rule, quantization, base model = the latest version), close scheduled
 *   close at c        the round closed, with or without a version, its near-copy blob copies
 *                     deleted (at most maxUpdates); the next opens at c + gap
 *
 * Opening also forgets the duplicate index's round r − M − 1 (forgetContent).
 *
 * The submit → aggregate → score transitions need no entry: they are heights of the round
 * record (messages.ts phaseAt), fixed at opening unless close_submit_when_full ends the submit
 * window early (endSubmitWindow), which moves them and the close entry together.
 */
export function beginBlock(ctx: Context): void {
  const height = BigInt(ctx.block.height)
  const books = new TrainingBooks(ctx.moduleStore())
  const subnets = ctx.keeper(SUBNETS)
  let cursor = books.cursor()
  const first = cursor
  while (subnets.subnet(cursor) !== undefined) discover(ctx, books, cursor++, height)
  if (cursor !== first) books.setCursor(cursor)
  for (const { subnet, phase } of books.dueAt(height)) {
    books.unschedule(height, subnet)
    if (phase === 'open') openRound(ctx, books, subnet, height)
    else closeRound(ctx, books, subnet, height)
  }
}

function discover(ctx: Context, books: TrainingBooks, subnet: bigint, height: bigint): void {
  const record = ctx.keeper(SUBNETS).subnet(subnet)!
  books.setVersion({
    subnet,
    version: 0n,
    round: null,
    parent: null,
    globalCid: record.initialModelCid,
    aggregateCid: null,
    included: [],
    rule: '',
    aggregator: null,
    height,
  })
  books.setProgress(subnet, { round: null, latestVersion: 0n, scheduledHeight: height, scheduledPhase: 'open' })
  openRound(ctx, books, subnet, height)
}

function openRound(ctx: Context, books: TrainingBooks, subnet: bigint, height: bigint): void {
  const progress = books.progress(subnet)!
  const number = progress.round === null ? 0n : progress.round + 1n
  const params = ctx.keeper(SUBNETS).applyPending(subnet, number)
  const { scoreWindow, freeRiderMemoryRounds } = readParams(ctx.moduleStore(), trainingParams)
  forgetContent(books, subnet, number, BigInt(freeRiderMemoryRounds))
  const base = books.version(subnet, progress.latestVersion)!
  const { submitWindow, aggregateWindow, gap } = params.timing
  const submitEnd = height + BigInt(submitWindow)
  const aggregateEnd = submitEnd + BigInt(aggregateWindow)
  const round: RoundValue = {
    subnet,
    round: number,
    openHeight: height,
    submitEnd,
    aggregateEnd,
    closeHeight: aggregateEnd + BigInt(scoreWindow),
    gap,
    baseVersion: base.version,
    baseGlobalCid: base.globalCid,
    rule: params.aggregationRule,
    dtype: params.quantization.dtype,
    scale: params.quantization.scale,
    maxAbs: params.quantization.maxAbs,
    sampleCap: params.sampleCap,
    maxUpdates: Math.min(params.maxTrainers, MAX_INCLUDED),
    slashFraction: params.aggregatorSlashFraction,
    updates: 0,
    closed: false,
    version: null,
    rejections: 0,
  }
  books.setRound(round)
  books.schedule(round.closeHeight, subnet, 'close')
  books.setProgress(subnet, {
    round: number,
    latestVersion: progress.latestVersion,
    scheduledHeight: round.closeHeight,
    scheduledPhase: 'close',
  })
  emitRoundOpened(ctx, round)
  ctx.hooks(TRAINING_HOOKS).roundOpened(round)
}

/**
 * Ends the round's submit window at the next block, height + 1 (close_submit_when_full, called
 * by MsgSubmitUpdate once the round is complete): submitEnd, aggregateEnd and closeHeight all
 * move down by the same delta, so the aggregate and score windows keep their lengths (and
 * reputation's score windows, read from these heights, follow), and the scheduled close moves
 * with closeHeight: the old entry is deleted, one new entry written. A window that already
 * ends at the next block is left as it is, with no event. Returns the round as stored.
 */
export function endSubmitWindow(ctx: Context, books: TrainingBooks, round: RoundValue, reason: SubmitClosedReason): RoundValue {
  const next = BigInt(ctx.block.height) + 1n
  const delta = round.submitEnd - next
  if (delta <= 0n) return round
  const moved = { ...round, submitEnd: next, aggregateEnd: round.aggregateEnd - delta, closeHeight: round.closeHeight - delta }
  books.setRound(moved)
  const progress = books.progress(round.subnet)!
  books.unschedule(round.closeHeight, round.subnet)
  books.schedule(moved.closeHeight, round.subnet, 'close')
  books.setProgress(round.subnet, { ...progress, scheduledHeight: moved.closeHeight })
  emitSubmitWindowClosed(ctx, moved, reason)
  return moved
}

/**
 * The duplicate index keeps rounds r − M .. r (M = free_rider_memory_rounds): opening
 * round r forgets round r − M − 1's entries, at most that round's maxUpdates deletes. An entry that
 * a later round re-recorded (the same bytes accepted again once out of memory) points at that
 * round and stays. Shrinking M leaves the rounds between in the index; the check ignores them.
 */
function forgetContent(books: TrainingBooks, subnet: bigint, round: bigint, memory: bigint): void {
  if (round < memory + 1n) return
  const old = round - memory - 1n
  for (const u of books.updates(subnet, old)) {
    const seen = books.contentSeen(subnet, u.updateCid)
    if (seen !== undefined && seen.round === old && Buffer.compare(seen.trainer, u.trainer) === 0)
      books.deleteContentSeen(subnet, u.updateCid)
  }
}

function closeRound(ctx: Context, books: TrainingBooks, subnet: bigint, height: bigint): void {
  const progress = books.progress(subnet)!
  const round = { ...books.round(subnet, progress.round!)!, closed: true }
  books.setRound(round)
  books.deleteUpdateCopies(subnet, round.round)
  if (isSecAggRound(round)) new SecAggBooks(ctx.moduleStore()).compactRound(subnet, round.round)
  const next = height + BigInt(round.gap)
  books.schedule(next, subnet, 'open')
  books.setProgress(subnet, { ...progress, scheduledHeight: next, scheduledPhase: 'open' })
  emitRoundClosed(ctx, round)
  ctx.hooks(TRAINING_HOOKS).roundClosed(round, round.version === null ? null : books.version(subnet, round.version)!)
}
