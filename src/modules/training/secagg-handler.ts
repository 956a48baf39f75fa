import { createHash } from 'node:crypto'
import { encodeAddress } from '../../crypto/index.js'
import { secAggFedAvgRule } from '../../fl/rules/secagg-fedavg.js'
import type { AggregationRule } from '../../fl/rules/types.js'
import { SecAggError } from '../../fl/secagg/errors.js'
import { type SecAggGraph, secAggGraph } from '../../fl/secagg/graph.js'
import { agree } from '../../fl/secagg/keys.js'
import { maskCorrection } from '../../fl/secagg/mask.js'
import { checkRevealedShare, reconstructRoundSecret } from '../../fl/secagg/shares.js'
import { type Context, type MessageHandler, u64Bytes } from '../../state/index.js'
import { TrainingBooks, type UpdateView } from './books.js'
import { trainingError } from './errors.js'
import { SUBNETS } from './expected-keepers.js'
import { type RoundValue, SECAGG_RULE, isSecAggRound, phaseAt } from './messages.js'
import { SecAggBooks } from './secagg-books.js'
import {
  MsgSecAggReveal,
  type MsgSecAggRevealValue,
  MsgSecAggSetup,
  type MsgSecAggSetupValue,
  type SecAggRosterValue,
} from './secagg-messages.js'

/**
 * Secure aggregation on chain (docs/privacy.md): a `secagg-fedavg` round runs SecAgg+ (src/fl/secagg)
 * inside training's round windows, and the chain verifies its aggregate without seeing an update:
 *
 *   setup phase   [openHeight, setupEnd)   MsgSecAggSetup: round key + dealt shares (the first one
 *                                          fixes the roster: the subnet's trainers then)
 *   update phase  [setupEnd, submitEnd)    MsgSubmitUpdate of a masked int32 update, only from a
 *                                          trainer that set up
 *   aggregate     [submitEnd, aggregateEnd) MsgSecAggReveal: holders reveal the shares of dropped
 *                                          trainers (set up, no update); MsgSubmitAggregate: the
 *                                          chain rebuilds each dropped trainer's round key from
 *                                          its shares, the masks it shared with survivors, and
 *                                          recomputes FedAvg over the survivors exactly
 *
 * setupEnd = openHeight + ⌈(submitEnd − openHeight) / 2⌉, fixed by the first setup.
 */
export { SECAGG_RULE, isSecAggRound }

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** The id every seed and share of a round is bound to: SHA-256("fedra/secagg/v1/round" ‖ chain id ‖ u64 subnet ‖ u64 round ‖ base model CID). */
export function secAggRoundId(chainId: string, subnet: bigint, round: bigint, baseGlobalCid: string): Uint8Array {
  return new Uint8Array(
    createHash('sha256')
      .update('fedra/secagg/v1/round')
      .update(chainId)
      .update(u64Bytes(subnet))
      .update(u64Bytes(round))
      .update(baseGlobalCid)
      .digest(),
  )
}

/** The graph seed: SHA-256("fedra/secagg/v1/graph" ‖ round id ‖ the roster's addresses). */
export function secAggGraphSeed(roundId: Uint8Array, members: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256').update('fedra/secagg/v1/graph').update(roundId)
  for (const m of members) hash.update(m)
  return new Uint8Array(hash.digest())
}

export const rosterGraph = (roster: SecAggRosterValue): SecAggGraph => secAggGraph(roster.members.length, roster.graphSeed)

const memberIndex = (roster: SecAggRosterValue, address: Uint8Array): number => roster.members.findIndex((m) => hex(m) === hex(address))

function secAggRound(ctx: Context, subnet: bigint, number: bigint): RoundValue {
  const books = new TrainingBooks(ctx.moduleStore())
  const round = books.round(subnet, number)
  if (round === undefined)
    throw trainingError('WRONG_ROUND', `subnet ${subnet} has not opened round ${number}`, { subnet: String(subnet), round: String(number) })
  if (!isSecAggRound(round))
    throw trainingError('SECAGG_NOT_SECAGG', `round ${number} of subnet ${subnet} aggregates with ${round.rule}, not ${SECAGG_RULE}`, {
      subnet: String(subnet),
      round: String(number),
    })
  return round
}

/** The round's roster, fixed now if this is its first setup. */
function rosterFor(ctx: Context, books: SecAggBooks, round: RoundValue): SecAggRosterValue {
  const existing = books.roster(round.subnet, round.round)
  if (existing !== undefined) return existing
  const members = ctx
    .keeper(SUBNETS)
    .members(round.subnet, 'trainer')
    .map((m) => m.address)
  if (members.length < 2)
    throw trainingError('SECAGG_BAD_SETUP', `secure aggregation needs at least 2 trainers; subnet ${round.subnet} has ${members.length}`, {
      members: members.length,
    })
  const roundId = secAggRoundId(ctx.block.chainId, round.subnet, round.round, round.baseGlobalCid)
  const window = round.submitEnd - round.openHeight
  const roster = { members, roundId, graphSeed: secAggGraphSeed(roundId, members), setupEnd: round.openHeight + (window + 1n) / 2n }
  books.setRoster(round.subnet, round.round, roster)
  return roster
}

// Any clamped scalar: X25519 with it is all-zero exactly for the low-order points.
const PROBE_SCALAR = new Uint8Array(32).fill(0x55)

/**
 * MsgSecAggSetup, in the setup phase of a secagg round, by a trainer on the roster, once: the
 * shares must be exactly one per graph neighbour, in ascending roster order, each naming that
 * neighbour as holder; the round key must not be a low-order point (its neighbours could not mask).
 */
const setup: MessageHandler<MsgSecAggSetupValue> = {
  type: MsgSecAggSetup,
  handle(ctx, m, signer) {
    const round = secAggRound(ctx, m.subnet, m.round)
    const height = BigInt(ctx.block.height)
    const at = { subnet: String(m.subnet), round: String(m.round) }
    const books = new SecAggBooks(ctx.moduleStore())
    const open = phaseAt(round, height) === 'submit'
    const known = books.roster(m.subnet, m.round)
    if (!open || (known !== undefined && height >= known.setupEnd))
      throw trainingError('SECAGG_SETUP_CLOSED', `round ${m.round} of subnet ${m.subnet} takes no more setups at height ${height}`, at)
    const trainer = signer.addressBytes
    if (!ctx.keeper(SUBNETS).isMember(m.subnet, 'trainer', trainer))
      throw trainingError('NOT_TRAINER', `${signer.address} is not a trainer of subnet ${m.subnet}`, at)
    const roster = rosterFor(ctx, books, round)
    if (height >= roster.setupEnd)
      throw trainingError(
        'SECAGG_SETUP_CLOSED',
        `round ${m.round} of subnet ${m.subnet} took setups until height ${roster.setupEnd - 1n}`,
        at,
      )
    const self = memberIndex(roster, trainer)
    if (self < 0) throw trainingError('SECAGG_NOT_IN_ROSTER', `${signer.address} joined after round ${m.round}'s roster was fixed`, at)
    if (books.setup(m.subnet, m.round, trainer) !== undefined)
      throw trainingError('SECAGG_DUPLICATE_SETUP', `${signer.address} already set up for round ${m.round}`, at)
    try {
      agree(PROBE_SCALAR, m.roundKey, 'round key')
    } catch (error) {
      if (error instanceof SecAggError) throw trainingError('SECAGG_BAD_SETUP', `the round key is not usable: ${error.plainMessage}`, at)
      throw error
    }
    const holders = rosterGraph(roster).neighbours(self)
    if (m.shares.length !== holders.length)
      throw trainingError('SECAGG_BAD_SETUP', `${holders.length} graph neighbours, ${m.shares.length} shares`, {
        ...at,
        expected: holders.length,
      })
    m.shares.forEach((s, p) => {
      if (hex(s.holder) !== hex(roster.members[holders[p]!]!))
        throw trainingError('SECAGG_BAD_SETUP', `share ${p} should go to ${encodeAddress(roster.members[holders[p]!]!)}`, {
          ...at,
          index: p,
        })
    })
    books.setSetup(m.subnet, m.round, trainer, { roundKey: m.roundKey, shares: m.shares })
  },
}

/**
 * MsgSecAggReveal, in the aggregate window: for each named dealer, on the roster, set up, with no
 * update recorded (dropped), the signer must be one of its holders, revealing once, a share that
 * matches the dealer's commitment.
 */
const reveal: MessageHandler<MsgSecAggRevealValue> = {
  type: MsgSecAggReveal,
  handle(ctx, m, signer) {
    const round = secAggRound(ctx, m.subnet, m.round)
    const height = BigInt(ctx.block.height)
    const at = { subnet: String(m.subnet), round: String(m.round) }
    if (phaseAt(round, height) !== 'aggregate')
      throw trainingError('OUTSIDE_WINDOW', `round ${m.round} of subnet ${m.subnet} takes reveals in its aggregate window only`, {
        ...at,
        phase: phaseAt(round, height),
      })
    const books = new SecAggBooks(ctx.moduleStore())
    const training = new TrainingBooks(ctx.moduleStore())
    const roster = books.roster(m.subnet, m.round)
    const holder = signer.addressBytes
    const holderIndex = roster === undefined ? -1 : memberIndex(roster, holder)
    if (roster === undefined || holderIndex < 0)
      throw trainingError('SECAGG_NOT_IN_ROSTER', `${signer.address} is not on round ${m.round}'s roster`, at)
    const graph = rosterGraph(roster)
    for (const [i, r] of m.reveals.entries()) {
      const dealer = memberIndex(roster, r.dealer)
      if (dealer < 0)
        throw trainingError('SECAGG_NOT_IN_ROSTER', `reveal ${i}: ${encodeAddress(r.dealer)} is not on the roster`, { ...at, index: i })
      const dealt = books.setup(m.subnet, m.round, r.dealer)
      if (dealt === undefined || training.update(m.subnet, m.round, r.dealer) !== undefined) {
        throw trainingError('SECAGG_NOT_DROPPED', `reveal ${i}: ${encodeAddress(r.dealer)} did not drop out of round ${m.round}`, {
          ...at,
          index: i,
        })
      }
      const p = graph.neighbours(dealer).indexOf(holderIndex)
      if (p < 0)
        throw trainingError('SECAGG_NOT_HOLDER', `reveal ${i}: ${signer.address} holds no share of ${encodeAddress(r.dealer)}`, {
          ...at,
          index: i,
        })
      if (books.revealed(m.subnet, m.round, r.dealer, holder) !== undefined)
        throw trainingError('SECAGG_DUPLICATE_REVEAL', `reveal ${i}: already revealed`, { ...at, index: i })
      try {
        checkRevealedShare(dealt.shares[p]!.commitment, roster.roundId, dealer, holderIndex, r.share)
      } catch (error) {
        if (error instanceof SecAggError) throw trainingError('SECAGG_BAD_SHARE', `reveal ${i}: ${error.plainMessage}`, { ...at, index: i })
        throw error
      }
      books.setRevealed(m.subnet, m.round, r.dealer, holder, r.share)
    }
  },
}

/** MsgSubmitUpdate's extra refusals in a secagg round: during the setup phase, or from a trainer that did not set up. */
export function checkSecAggSubmission(ctx: Context, round: RoundValue, trainer: Uint8Array): void {
  if (!isSecAggRound(round)) return
  const books = new SecAggBooks(ctx.moduleStore())
  const roster = books.roster(round.subnet, round.round)
  const at = { subnet: String(round.subnet), round: String(round.round) }
  if (roster !== undefined && BigInt(ctx.block.height) < roster.setupEnd)
    throw trainingError('SECAGG_SETUP_PHASE', `round ${round.round} takes masked updates from height ${roster.setupEnd}`, at)
  if (roster === undefined || books.setup(round.subnet, round.round, trainer) === undefined)
    throw trainingError('SECAGG_NO_SETUP', `${encodeAddress(trainer)} did not set up for round ${round.round}`, at)
}

/** A dropped trainer's round key and the survivors, as the aggregate's verification (and an aggregator) needs them. */
export interface SecAggRecovery {
  graph: SecAggGraph
  dropped: { index: number; secretKey: Uint8Array }[]
  survivors: { index: number; publicKey: Uint8Array }[]
  /** Masks to remove: one N-vector expansion per (dropped, surviving neighbour) pair. */
  edges: number
}

/**
 * The round's survivors (the trainers of its recorded updates) and its dropped trainers (set up,
 * no update) with their round keys rebuilt from the revealed shares: SECAGG_SHARES_MISSING while
 * one has fewer than t, SECAGG_RECONSTRUCTION when they interpolate to another key.
 */
export function secAggRecovery(ctx: Context, round: RoundValue, updates: readonly UpdateView[]): SecAggRecovery {
  const books = new SecAggBooks(ctx.moduleStore())
  const at = { subnet: String(round.subnet), round: String(round.round) }
  const roster = books.roster(round.subnet, round.round)
  // updates are recorded only from set-up trainers, so a round with updates has a roster (a genesis could break that)
  if (roster === undefined)
    throw trainingError('SECAGG_NO_SETUP', `round ${round.round} of subnet ${round.subnet} has updates but no secagg roster`, at)
  const graph = rosterGraph(roster)
  const submitted = new Set(updates.map((u) => hex(u.trainer)))
  const survivors: SecAggRecovery['survivors'] = []
  const dropped: SecAggRecovery['dropped'] = []
  let edges = 0
  roster.members.forEach((member, index) => {
    const dealt = books.setup(round.subnet, round.round, member)
    if (dealt === undefined) return
    if (submitted.has(hex(member))) {
      survivors.push({ index, publicKey: dealt.roundKey })
      return
    }
    const shares = books
      .revealedOf(round.subnet, round.round, member)
      .map((r) => ({ holder: memberIndex(roster, r.holder), share: r.share }))
    if (shares.length < graph.threshold) {
      throw trainingError(
        'SECAGG_SHARES_MISSING',
        `${encodeAddress(member)} dropped out; ${shares.length} of its ${graph.threshold} needed shares are revealed`,
        { ...at, dealer: encodeAddress(member), revealed: shares.length, threshold: graph.threshold },
      )
    }
    try {
      dropped.push({ index, secretKey: reconstructRoundSecret({ dealer: index, graph, publicKey: dealt.roundKey, shares }) })
    } catch (error) {
      if (error instanceof SecAggError)
        throw trainingError('SECAGG_RECONSTRUCTION', `${encodeAddress(member)}'s shares: ${error.plainMessage}`, {
          ...at,
          dealer: encodeAddress(member),
        })
      throw error
    }
  })
  for (const u of dropped) for (const v of survivors) if (graph.areNeighbours(u.index, v.index)) edges++
  return { graph, dropped, survivors, edges }
}

/**
 * The rule MsgSubmitAggregate verifies a secagg round with: secagg-fedavg carrying the correction
 * that removes the dropped trainers' masks. Gas gas_per_coordinate × N per mask expanded, charged
 * before the expansion.
 */
export function secAggRoundRule(
  ctx: Context,
  round: RoundValue,
  updates: readonly UpdateView[],
  parameterCount: number,
  gasPerCoordinate: bigint,
): AggregationRule {
  const recovery = secAggRecovery(ctx, round, updates)
  if (recovery.dropped.length === 0) return secAggFedAvgRule()
  ctx.gas.consume(gasPerCoordinate * BigInt(parameterCount) * BigInt(recovery.edges), 'secagg mask removal')
  const roundId = new SecAggBooks(ctx.moduleStore()).roster(round.subnet, round.round)!.roundId
  return secAggFedAvgRule(
    maskCorrection({ roundId, graph: recovery.graph, length: parameterCount, dropped: recovery.dropped, survivors: recovery.survivors }),
  )
}

export const secAggMessages: MessageHandler[] = [setup, reveal]
