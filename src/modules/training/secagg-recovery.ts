import { encodeAddress, toHex } from '../../crypto/index.js'
import { secAggFedAvgRule } from '../../fl/rules/secagg-fedavg.js'
import type { AggregationRule } from '../../fl/rules/types.js'
import { SecAggError } from '../../fl/secagg/errors.js'
import type { SecAggGraph } from '../../fl/secagg/graph.js'
import { maskCorrection } from '../../fl/secagg/mask.js'
import { reconstructRoundSecret, reconstructSelfSeed } from '../../fl/secagg/shares.js'
import type { Context } from '../../state/index.js'
import type { UpdateView } from './books.js'
import { trainingError } from './errors.js'
import { SecAggBooks, type ShareKindName } from './secagg-books.js'
import { memberIndex, rosterGraph } from './secagg-handler.js'

/** What the aggregate's verification (and an aggregator) needs to unmask a secagg round. */
export interface SecAggRecovery {
  graph: SecAggGraph
  roundId: Uint8Array
  /** Dropped trainers (set up, no update) with their round keys rebuilt from revealed key shares. */
  dropped: { index: number; secretKey: Uint8Array }[]
  survivors: { index: number; publicKey: Uint8Array }[]
  /** Each survivor's self-mask seed, rebuilt from revealed self shares. */
  selfSeeds: { index: number; seed: Uint8Array }[]
  /** Masks to remove: one N-vector expansion per survivor (its self mask) and per (dropped, surviving neighbour) pair. */
  expansions: number
}

/**
 * The round's survivors (the trainers of its recorded updates) with their self-mask seeds, and its
 * dropped trainers (set up, no update) with their round keys, each rebuilt from the shares of the
 * right kind revealed for it: SECAGG_SHARES_MISSING while one has fewer than t,
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
  const graph = rosterGraph(roster)
  const submitted = new Set(updates.map((u) => toHex(u.trainer)))
  const recovery: SecAggRecovery = { graph, roundId: roster.roundId, dropped: [], survivors: [], selfSeeds: [], expansions: 0 }
  roster.members.forEach((member, index) => {
    const dealt = books.setup(round.subnet, round.round, member)
    if (dealt === undefined) return
    const kind: ShareKindName = submitted.has(toHex(member)) ? 'self' : 'key'
    const shares = books
      .revealedOf(round.subnet, round.round, member, kind)
      .map((r) => ({ holder: memberIndex(roster, r.holder), share: r.share }))
    const who = kind === 'self' ? 'survived' : 'dropped out'
    if (shares.length < graph.threshold) {
      throw trainingError(
        'SECAGG_SHARES_MISSING',
        `${encodeAddress(member)} ${who}; ${shares.length} of its ${graph.threshold} needed ${kind} shares are revealed`,
        { ...at, dealer: encodeAddress(member), kind, revealed: shares.length, threshold: graph.threshold },
      )
    }
    try {
      if (kind === 'self') {
        recovery.survivors.push({ index, publicKey: dealt.roundKey })
        const seed = reconstructSelfSeed({ roundId: roster.roundId, dealer: index, graph, selfCommitment: dealt.selfCommitment, shares })
        recovery.selfSeeds.push({ index, seed })
      } else {
        recovery.dropped.push({ index, secretKey: reconstructRoundSecret({ dealer: index, graph, publicKey: dealt.roundKey, shares }) })
      }
    } catch (error) {
      if (error instanceof SecAggError)
        throw trainingError('SECAGG_RECONSTRUCTION', `${encodeAddress(member)}'s ${kind} shares: ${error.plainMessage}`, {
          ...at,
          dealer: encodeAddress(member),
          kind,
        })
      throw error
    }
  })
  recovery.expansions = recovery.survivors.length
  for (const u of recovery.dropped) for (const v of recovery.survivors) if (graph.areNeighbours(u.index, v.index)) recovery.expansions++
  return recovery
}

interface RoundRef {
  subnet: bigint
  round: bigint
}

/**
 * The rule MsgSubmitAggregate verifies a secagg round with: secagg-fedavg carrying the correction
 * that removes every survivor's self mask and the pairwise masks shared with dropped trainers.
 * Gas gas_per_coordinate × N per mask expanded (K self masks for K survivors, plus one per
 * dropped–surviving edge), charged before the expansion.
 */
export function secAggRoundRule(
  ctx: Context,
  round: RoundRef,
  updates: readonly UpdateView[],
  parameterCount: number,
  gasPerCoordinate: bigint,
): AggregationRule {
  const r = secAggRecovery(ctx, round, updates)
  ctx.gas.consume(gasPerCoordinate * BigInt(parameterCount) * BigInt(r.expansions), 'secagg mask removal')
  return secAggFedAvgRule(
    maskCorrection({
      roundId: r.roundId,
      graph: r.graph,
      length: parameterCount,
      dropped: r.dropped,
      survivors: r.survivors,
      selfSeeds: r.selfSeeds,
    }),
  )
}
