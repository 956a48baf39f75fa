import { createHash } from 'node:crypto'
import { encodeAddress } from '../../crypto/index.js'
import { SecAggError } from '../../fl/secagg/errors.js'
import { type SecAggGraph, secAggGraph } from '../../fl/secagg/graph.js'
import { agree } from '../../fl/secagg/keys.js'
import { checkRevealedShare } from '../../fl/secagg/shares.js'
import { type Context, type MessageHandler, u64Bytes } from '../../state/index.js'
import { TrainingBooks } from './books.js'
import { trainingError } from './errors.js'
import { SUBNETS } from './expected-keepers.js'
import { type RoundValue, SECAGG_RULE, isSecAggRound, phaseAt } from './messages.js'
import { SecAggBooks } from './secagg-books.js'
import {
  MsgSecAggReveal,
  type MsgSecAggRevealValue,
  MsgSecAggSetup,
  type MsgSecAggSetupValue,
  SHARE_KIND_KEY,
  SHARE_KIND_SELF,
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
 *   aggregate     [submitEnd, aggregateEnd) MsgSecAggReveal: holders reveal the key shares of
 *                                          dropped trainers (set up, no update) and the self
 *                                          shares of survivors (update recorded); MsgSubmitAggregate:
 *                                          the chain rebuilds each survivor's self-mask seed and
 *                                          each dropped trainer's round key (secagg-recovery.ts),
 *                                          removes the survivors' self masks and the pairwise masks
 *                                          they shared with dropped trainers, and recomputes FedAvg
 *                                          over the survivors exactly
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

export const memberIndex = (roster: SecAggRosterValue, address: Uint8Array): number =>
  roster.members.findIndex((m) => hex(m) === hex(address))

export function secAggRound(ctx: Context, subnet: bigint, number: bigint): RoundValue {
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
    books.setSetup(m.subnet, m.round, trainer, { roundKey: m.roundKey, selfCommitment: m.selfCommitment, shares: m.shares })
  },
}

/**
 * MsgSecAggReveal, in the aggregate window: each revealed share names its dealer (on the roster,
 * set up) and its kind. A key share only of a dropped dealer (no update recorded:
 * SECAGG_NOT_DROPPED otherwise), a self share only of a survivor (update recorded:
 * SECAGG_NOT_SURVIVOR otherwise): a dealer's status is final once the submit window has closed,
 * so no dealer ever has both its round key and its self-mask seed revealed — either would
 * suffice, with the other, to read its update. The signer must be one of the dealer's holders,
 * revealing each (dealer, kind) once, a share that matches the dealer's commitment of that kind.
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
      const where = { ...at, index: i }
      if (r.kind !== SHARE_KIND_KEY && r.kind !== SHARE_KIND_SELF)
        throw trainingError(
          'SECAGG_BAD_SHARE',
          `reveal ${i}: share kind ${r.kind} is neither ${SHARE_KIND_KEY} (key) nor ${SHARE_KIND_SELF} (self)`,
          where,
        )
      const kind = r.kind === SHARE_KIND_KEY ? 'key' : 'self'
      const dealer = memberIndex(roster, r.dealer)
      if (dealer < 0) throw trainingError('SECAGG_NOT_IN_ROSTER', `reveal ${i}: ${encodeAddress(r.dealer)} is not on the roster`, where)
      const dealt = books.setup(m.subnet, m.round, r.dealer)
      const survived = training.update(m.subnet, m.round, r.dealer) !== undefined
      if (kind === 'key' && (dealt === undefined || survived))
        throw trainingError('SECAGG_NOT_DROPPED', `reveal ${i}: ${encodeAddress(r.dealer)} did not drop out of round ${m.round}`, where)
      if (kind === 'self' && (dealt === undefined || !survived))
        throw trainingError(
          'SECAGG_NOT_SURVIVOR',
          `reveal ${i}: ${encodeAddress(r.dealer)} has no update in round ${m.round}; its self share stays secret`,
          where,
        )
      const p = graph.neighbours(dealer).indexOf(holderIndex)
      if (p < 0)
        throw trainingError('SECAGG_NOT_HOLDER', `reveal ${i}: ${signer.address} holds no share of ${encodeAddress(r.dealer)}`, where)
      if (books.revealed(m.subnet, m.round, r.dealer, holder, kind) !== undefined)
        throw trainingError('SECAGG_DUPLICATE_REVEAL', `reveal ${i}: already revealed`, where)
      const share = dealt!.shares[p]!
      try {
        checkRevealedShare(kind === 'key' ? share.commitment : share.selfCommitment, roster.roundId, dealer, holderIndex, r.share, kind)
      } catch (error) {
        if (error instanceof SecAggError) throw trainingError('SECAGG_BAD_SHARE', `reveal ${i}: ${error.plainMessage}`, where)
        throw error
      }
      books.setRevealed(m.subnet, m.round, r.dealer, holder, kind, r.share)
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

export const secAggMessages: MessageHandler[] = [setup, reveal]
