import { encodeAddress } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'
import { TrainingBooks } from './books.js'
import type { RoundValue } from './messages.js'

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
    if (u.weight > u.sampleCount || u.weight > rounds.get(at)!.sampleCap || u.weight < 1) return `update of ${encodeAddress(u.trainer)} in round ${at} has weight ${u.weight} (sample count ${u.sampleCount})`
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
    if ((rejections.get(at) ?? 0) !== r.rejections) return `round ${at} counts ${r.rejections} rejections, ${rejections.get(at) ?? 0} are recorded`
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
    if (BigInt(versions.length) !== progress.latestVersion + 1n) return `subnet ${subnet} has ${versions.length} versions, its latest is ${progress.latestVersion}`
    let lastRound = -1n
    for (const [i, v] of versions.entries()) {
      if (v.version !== BigInt(i) || v.subnet !== subnet) return `subnet ${subnet}'s version list has ${v.subnet}/${v.version} at position ${i}`
      if (i === 0) {
        if (v.round !== null || v.parent !== null || v.aggregateCid !== null || v.included.length > 0) return `subnet ${subnet}'s version 0 is not its initial model`
        continue
      }
      if (v.parent !== BigInt(i - 1)) return `subnet ${subnet}'s version ${i} has parent ${v.parent}, not ${i - 1}`
      if (v.round === null || v.round <= lastRound) return `subnet ${subnet}'s version ${i} comes from round ${v.round}, not after round ${lastRound}`
      lastRound = v.round
      const round = books.round(subnet, v.round)
      if (round === undefined || round.version !== v.version) return `round ${subnet}/${v.round} does not point at version ${i}`
      if (round.baseVersion !== v.parent) return `round ${subnet}/${v.round} trained version ${round.baseVersion}, its version's parent is ${v.parent}`
    }
  }
  for (const r of books.allRounds()) {
    if (r.version !== null && books.version(r.subnet, r.version)?.round !== r.round) return `round ${key(r.subnet, r.round)} points at version ${r.version}, which another round made`
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
    if (entry === undefined || entry.height !== progress.scheduledHeight || entry.phase !== progress.scheduledPhase) return `subnet ${subnet}'s schedule entry does not match its progress`
    scheduled.delete(subnet)
    if (progress.round === null) return `subnet ${subnet} was seen but never opened a round`
    for (const r of books.rounds(subnet)) {
      if (!(r.openHeight < r.submitEnd && r.submitEnd < r.aggregateEnd && r.aggregateEnd <= r.closeHeight)) return `round ${key(subnet, r.round)}'s windows are out of order`
      if (r.round > progress.round) return `round ${key(subnet, r.round)} is after the current round ${progress.round}`
      if (r.round < progress.round && !r.closed) return `round ${key(subnet, r.round)} is still open after round ${progress.round} opened`
    }
    const current = books.round(subnet, progress.round)
    if (current === undefined) return `subnet ${subnet}'s current round ${progress.round} is not recorded`
    if (current.openHeight > height) return `round ${key(subnet, current.round)} opens at ${current.openHeight}, after height ${height}`
    if (current.closed !== current.closeHeight <= height) return `round ${key(subnet, current.round)} is ${current.closed ? 'closed' : 'open'} at height ${height}, its close height is ${current.closeHeight}`
    const due = current.closed ? { height: current.closeHeight + BigInt(current.gap), phase: 'open' } : { height: current.closeHeight, phase: 'close' }
    if (progress.scheduledHeight !== due.height || progress.scheduledPhase !== due.phase) return `subnet ${subnet} schedules ${progress.scheduledPhase} at ${progress.scheduledHeight}, not ${due.phase} at ${due.height}`
  }
  for (const subnet of scheduled.keys()) return `subnet ${subnet} has a schedule entry but no progress`
  return null
}

export const trainingInvariants = { updates: updatesInvariant, versions: versionsInvariant, phases: phasesInvariant }
