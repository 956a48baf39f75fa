import { encodeAddress, toHex } from '../../crypto/index.js'
import { secAggRecoveredRule } from '../../fl/rules/secagg-fedavg.js'
import type { AggregationRule } from '../../fl/rules/types.js'
import { isSecAggError } from '../../fl/secagg/errors.js'
import {
  RECOVERY_SHARE_KIND,
  type RecoveryMember,
  type SecAggRecovery,
  recoverSecAggRound,
  shortSharesText,
} from '../../fl/secagg/recovery.js'
import type { Context } from '../../state/index.js'
import type { UpdateView } from './books.js'
import { trainingError } from './errors.js'
import { SecAggBooks } from './secagg-books.js'
import type { SecAggRosterValue } from './secagg-messages.js'
import { memberIndex, rosterGraph } from './secagg-handler.js'

/**
 * The round's survivors (the trainers of its recorded updates) with their self-mask seeds, and its
 * dropped trainers (set up, no update) with their round keys, each rebuilt from the shares of the
 * right kind revealed for it (recoverSecAggRound, src/fl/secagg/recovery.ts), members read from
 * the store one at a time in roster order: SECAGG_SHARES_MISSING while one has fewer than t,
 * SECAGG_RECONSTRUCTION when they interpolate to another key, or to a seed that is not the
 * committed one.
 */
export function secAggRecovery(ctx: Context, round: RoundRef, updates: readonly UpdateView[]): SecAggRecovery {
  const books = new SecAggBooks(ctx.moduleStore())
  const at = { subnet: String(round.subnet), round: String(round.round) }
  const roster = books.roster(round.subnet, round.round)
  // updates are recorded only from set-up trainers, so a round with updates has a roster (a genesis could break that)
  if (roster === undefined)
    throw trainingError('SECAGG_NO_SETUP', `round ${round.round} of subnet ${round.subnet} has updates but no secagg roster`, at)
  const submitted = new Set(updates.map((u) => toHex(u.trainer)))
  try {
    return recoverSecAggRound({
      graph: rosterGraph(roster),
      roundId: roster.roundId,
      members: rosterMembers(books, round, roster, submitted),
    })
  } catch (error) {
    if (isSecAggError(error, 'SECAGG_RECOVERY_SHORT')) {
      const { member, kind, revealed, threshold } = error.context
      const dealer = encodeAddress(roster.members[member]!)
      throw trainingError('SECAGG_SHARES_MISSING', `${dealer} ${shortSharesText(error.context)}`, {
        ...at,
        dealer,
        kind,
        revealed,
        threshold,
      })
    }
    if (isSecAggError(error, 'SECAGG_RECOVERY_FAILED')) {
      const { member, kind, reason } = error.context
      const dealer = encodeAddress(roster.members[member]!)
      throw trainingError('SECAGG_RECONSTRUCTION', `${dealer}'s ${kind} shares: ${reason}`, { ...at, dealer, kind })
    }
    throw error
  }
}

/** The roster's set-up members in order, each read when the recovery reaches it (a failing member stops the store reads there). */
function* rosterMembers(
  books: SecAggBooks,
  round: RoundRef,
  roster: SecAggRosterValue,
  submitted: ReadonlySet<string>,
): Generator<RecoveryMember> {
  for (const [index, member] of roster.members.entries()) {
    const dealt = books.setup(round.subnet, round.round, member)
    if (dealt === undefined) continue
    const status = submitted.has(toHex(member)) ? 'survivor' : 'dropped'
    const shares = books
      .revealedOf(round.subnet, round.round, member, RECOVERY_SHARE_KIND[status])
      .map((r) => ({ holder: memberIndex(roster, r.holder), share: r.share }))
    yield { index, status, roundKey: dealt.roundKey, selfCommitment: dealt.selfCommitment, shares }
  }
}

interface RoundRef {
  subnet: bigint
  round: bigint
}

/**
 * The rule MsgSubmitAggregate verifies a secagg round with: secagg-fedavg carrying the correction
 * that removes every survivor's self mask and the pairwise masks shared with dropped trainers
 * (secAggRecoveredRule). Gas gas_per_coordinate × N per mask expanded (K self masks for K
 * survivors, plus one per dropped–surviving edge), charged before the expansion.
 */
export function secAggRoundRule(
  ctx: Context,
  round: RoundRef,
  updates: readonly UpdateView[],
  parameterCount: number,
  gasPerCoordinate: bigint,
): AggregationRule {
  const recovered = secAggRecoveredRule(secAggRecovery(ctx, round, updates), parameterCount, gasPerCoordinate)
  ctx.gas.consume(recovered.gas, 'secagg mask removal')
  return recovered.rule()
}
