import { encodeAddress } from '../../crypto/index.js'
import { type Context, readParams } from '../../state/index.js'
import { blobCid } from './blob-cid.js'
import { TrainingBooks } from './books.js'
import { TRAINING_ERRORS } from './errors.js'
import type { RoundValue } from './messages.js'
import { trainingParams } from './params.js'
import { dpLedgerInvariant } from './dp-ledger.js'
import { envelopesInvariant } from './envelope-books.js'

const key = (subnet: bigint, round: bigint): string => `${subnet}/${round}`

/** One update per trainer per round (the key), each in a round that exists, and each round's count equal to its records and within its maxUpdates; rejections likewise. */
export function updatesInvariant(ctx: Context): string | null {
  const books = new TrainingBooks(ctx.moduleStore())
  const rounds = new Map<string, RoundValue>()
  for (const r of books.allRounds()) rounds.set(key(r.subnet, r.round), r)
  const counts = new Map<string, number>()
  for (const u of books.allUpdates()) {
    const at = key(u.subnet, u.round)
    if (!rounds.has(at)) return `an update of ${encodeAddress(u.trainer)} belongs to round ${at}, which does not exist`
    if (u.weight > u.sampleCount || u.weight > rounds.get(at)!.sampleCap || u.weight < 1)
      return `update of ${encodeAddress(u.trainer)} in round ${at} has weight ${u.weight} (sample count ${u.sampleCount})`
    counts.set(at, (counts.get(at) ?? 0) + 1)
  }
  const rejections = new Map<string, number>()
  for (const r of books.allRejections()) {
    const at = key(r.subnet, r.round)
    if (!rounds.has(at)) return `a rejection of ${encodeAddress(r.aggregator)} belongs to round ${at}, which does not exist`
    rejections.set(at, (rejections.get(at) ?? 0) + 1)
  }
  for (const [at, r] of rounds) {
    if ((counts.get(at) ?? 0) !== r.updates) return `round ${at} counts ${r.updates} updates, ${counts.get(at) ?? 0} are recorded`
    if (r.updates > r.maxUpdates) return `round ${at} holds ${r.updates} updates, more than its ${r.maxUpdates}`
    if ((rejections.get(at) ?? 0) !== r.rejections)
      return `round ${at} counts ${r.rejections} rejections, ${rejections.get(at) ?? 0} are recorded`
  }
  return null
}

/**
 * Versions form one chain per subnet: 0..latest without holes, version 0 the initial model (no
 * round, parent or aggregate), every later one's parent the version before it, made by a round
 * after its parent's, and that round pointing back at it.
 */
export function versionsInvariant(ctx: Context): string | null {
  const books = new TrainingBooks(ctx.moduleStore())
  for (const { subnet, progress } of books.allProgress()) {
    const versions = books.versions(subnet)
    if (BigInt(versions.length) !== progress.latestVersion + 1n)
      return `subnet ${subnet} has ${versions.length} versions, its latest is ${progress.latestVersion}`
    let lastRound = -1n
    for (const [i, v] of versions.entries()) {
      if (v.version !== BigInt(i) || v.subnet !== subnet)
        return `subnet ${subnet}'s version list has ${v.subnet}/${v.version} at position ${i}`
      if (i === 0) {
        if (v.round !== null || v.parent !== null || v.aggregateCid !== null || v.included.length > 0)
          return `subnet ${subnet}'s version 0 is not its initial model`
        continue
      }
      if (v.parent !== BigInt(i - 1)) return `subnet ${subnet}'s version ${i} has parent ${v.parent}, not ${i - 1}`
      if (v.round === null || v.round <= lastRound)
        return `subnet ${subnet}'s version ${i} comes from round ${v.round}, not after round ${lastRound}`
      lastRound = v.round
      const round = books.round(subnet, v.round)
      if (round === undefined || round.version !== v.version) return `round ${subnet}/${v.round} does not point at version ${i}`
      if (round.baseVersion !== v.parent)
        return `round ${subnet}/${v.round} trained version ${round.baseVersion}, its version's parent is ${v.parent}`
    }
  }
  for (const r of books.allRounds()) {
    if (r.version !== null && books.version(r.subnet, r.version)?.round !== r.round)
      return `round ${key(r.subnet, r.round)} points at version ${r.version}, which another round made`
  }
  return null
}

/**
 * Round phases agree with the committed height H: windows in order; every round before a
 * subnet's current one closed; the current one closed exactly when its close height is ≤ H; one
 * schedule entry per subnet, after H, matching its progress (a close at the open round's close
 * height, or an open at the closed round's close + gap).
 */
export function phasesInvariant(ctx: Context): string | null {
  const books = new TrainingBooks(ctx.moduleStore())
  const height = BigInt(ctx.block.height)
  const scheduled = new Map<bigint, { height: bigint; phase: string }>()
  for (const entry of books.allScheduled()) {
    if (scheduled.has(entry.subnet)) return `subnet ${entry.subnet} has two schedule entries`
    if (entry.height <= height) return `subnet ${entry.subnet}'s ${entry.phase} at ${entry.height} is overdue at height ${height}`
    scheduled.set(entry.subnet, entry)
  }
  for (const { subnet, progress } of books.allProgress()) {
    const entry = scheduled.get(subnet)
    if (entry === undefined || entry.height !== progress.scheduledHeight || entry.phase !== progress.scheduledPhase)
      return `subnet ${subnet}'s schedule entry does not match its progress`
    scheduled.delete(subnet)
    if (progress.round === null) return `subnet ${subnet} was seen but never opened a round`
    for (const r of books.rounds(subnet)) {
      if (!(r.openHeight < r.submitEnd && r.submitEnd < r.aggregateEnd && r.aggregateEnd <= r.closeHeight))
        return `round ${key(subnet, r.round)}'s windows are out of order`
      if (r.round > progress.round) return `round ${key(subnet, r.round)} is after the current round ${progress.round}`
      if (r.round < progress.round && !r.closed) return `round ${key(subnet, r.round)} is still open after round ${progress.round} opened`
    }
    const current = books.round(subnet, progress.round)
    if (current === undefined) return `subnet ${subnet}'s current round ${progress.round} is not recorded`
    if (current.openHeight > height) return `round ${key(subnet, current.round)} opens at ${current.openHeight}, after height ${height}`
    if (current.closed !== current.closeHeight <= height)
      return `round ${key(subnet, current.round)} is ${current.closed ? 'closed' : 'open'} at height ${height}, its close height is ${current.closeHeight}`
    const due = current.closed
      ? { height: current.closeHeight + BigInt(current.gap), phase: 'open' }
      : { height: current.closeHeight, phase: 'close' }
    if (progress.scheduledHeight !== due.height || progress.scheduledPhase !== due.phase)
      return `subnet ${subnet} schedules ${progress.scheduledPhase} at ${progress.scheduledHeight}, not ${due.phase} at ${due.height}`
  }
  for (const subnet of scheduled.keys()) return `subnet ${subnet} has a schedule entry but no progress`
  return null
}

const VERDICTS: readonly number[] = [TRAINING_ERRORS.DUPLICATE_CONTENT, TRAINING_ERRORS.ZERO_UPDATE, TRAINING_ERRORS.NEAR_COPY]

/**
 * Free-riders' books agree with the updates: a rejected update (a verdict code) in an existing
 * round, from a trainer with no recorded update there; every duplicate-index entry naming a
 * recorded update with that CID, and every update of the rounds in memory indexed (by its own
 * round or a later one that recorded the same bytes again); every near-copy copy in an open
 * round, the bytes of the recorded update's CID.
 */
export function freeRidersInvariant(ctx: Context): string | null {
  const books = new TrainingBooks(ctx.moduleStore())
  for (const r of books.allUpdateRejections()) {
    const at = key(r.subnet, r.round)
    if (books.round(r.subnet, r.round) === undefined)
      return `a rejected update of ${encodeAddress(r.trainer)} belongs to round ${at}, which does not exist`
    if (!VERDICTS.includes(r.code))
      return `the rejected update of ${encodeAddress(r.trainer)} in round ${at} has code ${r.code}, not a free-rider verdict`
    if (books.update(r.subnet, r.round, r.trainer) !== undefined)
      return `${encodeAddress(r.trainer)} has both a recorded and a rejected update in round ${at}`
  }
  for (const c of books.allContent()) {
    if (books.update(c.subnet, c.round, c.trainer)?.updateCid !== c.cid) {
      return `the duplicate index names ${encodeAddress(c.trainer)}'s update ${c.cid} in round ${key(c.subnet, c.round)}, which is not recorded`
    }
  }
  const memory = BigInt(readParams(ctx.moduleStore(), trainingParams).freeRiderMemoryRounds)
  for (const { subnet, progress } of books.allProgress()) {
    const current = progress.round ?? 0n
    for (const r of books.rounds(subnet)) {
      if (r.round + memory < current) continue
      for (const u of books.updates(subnet, r.round)) {
        const seen = books.contentSeen(subnet, u.updateCid)
        if (seen === undefined || seen.round < r.round)
          return `update ${u.updateCid} of round ${key(subnet, r.round)} is missing from the duplicate index`
      }
    }
  }
  for (const c of books.allUpdateCopies()) {
    const at = key(c.subnet, c.round)
    const round = books.round(c.subnet, c.round)
    const who = encodeAddress(c.trainer)
    if (round === undefined || round.closed)
      return `a near-copy copy of ${who}'s update is kept for round ${at}, which is ${round === undefined ? 'missing' : 'closed'}`
    if (blobCid(c.bytes) !== books.update(c.subnet, c.round, c.trainer)?.updateCid)
      return `the near-copy copy of ${who}'s update in round ${at} is not its recorded blob`
  }
  return null
}

export const trainingInvariants = {
  updates: updatesInvariant,
  versions: versionsInvariant,
  phases: phasesInvariant,
  freeRiders: freeRidersInvariant,
  dpLedger: dpLedgerInvariant,
  envelopes: (ctx: Context) => envelopesInvariant(ctx.moduleStore()),
}
