import type { FedraClient, Result } from '../client/index.js'
import { fromHex } from '../crypto/index.js'
import { secAggFedAvgRule } from '../fl/rules/secagg-fedavg.js'
import type { AggregationRule } from '../fl/rules/types.js'
import { SecAggError } from '../fl/secagg/errors.js'
import { maskCorrection } from '../fl/secagg/mask.js'
import { reconstructRoundSecret, reconstructSelfSeed } from '../fl/secagg/shares.js'
import { RoleError } from './errors.js'
import { readSecAggRound, revealedShares } from './secagg-round.js'

type Round = Result<'round_get'>

/** The rule a secagg round is aggregated with, or why not yet. */
export type SecAggRuleReady =
  | {
      ready: true
      rule: AggregationRule /** the chain's mask-removal gas: gas_per_coordinate × N per survivor (self mask) and per (dropped, surviving neighbour) */
      gas: bigint
    }
  | { ready: false; why: string }

/**
 * The aggregator's secagg-fedavg rule for a round, as the chain builds it (secAggRoundRule in
 * src/modules/training/secagg-recovery.ts): the survivors are the members whose masked update is
 * recorded, each survivor's self-mask seed and each dropped member's round key are interpolated
 * from the shares of that kind its holders revealed (read from `round_secagg`), and the correction
 * removes the survivors' self masks and the pairwise masks they shared with dropped members. Not
 * ready while a member is still pending (the chain calls it dropped from the first block after
 * the submit window), or a survivor has fewer than t self shares revealed or a dropped member
 * fewer than t key shares: the aggregate would be refused with SECAGG_SHARES_MISSING.
 */
export async function secAggAggregationRule(
  client: FedraClient,
  subnet: bigint,
  round: Round,
  parameterCount: number,
): Promise<SecAggRuleReady> {
  const view = await readSecAggRound(client, subnet, round)
  if (view.predicted) return { ready: false, why: 'the round has no secagg roster' }
  if (view.entries.some((e) => e.status === 'pending')) return { ready: false, why: 'the submit window has not closed on chain yet' }
  const t = view.graph.threshold
  const dropped = view.entries.filter((e) => e.status === 'dropped')
  const survivors = view.entries.filter((e) => e.status === 'survivor')
  const shortDropped = dropped.find((e) => e.revealed_key < t)
  if (shortDropped !== undefined)
    return {
      ready: false,
      why: `${shortDropped.trainer} dropped out; ${shortDropped.revealed_key} of its ${t} needed key shares are revealed`,
    }
  const shortSurvivor = survivors.find((e) => e.revealed_self < t)
  if (shortSurvivor !== undefined)
    return {
      ready: false,
      why: `${shortSurvivor.trainer} survived; ${shortSurvivor.revealed_self} of its ${t} needed self shares are revealed`,
    }
  const rebuild = <T>(e: (typeof survivors)[number], what: string, build: () => T): T => {
    try {
      return build()
    } catch (error) {
      if (!(error instanceof SecAggError)) throw error
      throw new RoleError(
        'SECAGG_UNRECOVERABLE',
        `round ${round.round}: ${e.trainer}'s revealed shares do not rebuild its ${what}: ${error.plainMessage}`,
        { subnet: String(subnet), round: round.round, code: error.code },
      )
    }
  }
  const graph = view.graph
  const keys = dropped.map((e) => ({
    index: e.index,
    secretKey: rebuild(e, 'round key', () =>
      reconstructRoundSecret({ dealer: e.index, graph, publicKey: fromHex(e.round_key!), shares: revealedShares(view, e.index, 'key') }),
    ),
  }))
  const selfSeeds = survivors.map((e) => ({
    index: e.index,
    seed: rebuild(e, 'self-mask seed', () =>
      reconstructSelfSeed({
        roundId: view.roundId,
        dealer: e.index,
        graph,
        selfCommitment: fromHex(e.self_commitment!),
        shares: revealedShares(view, e.index, 'self'),
      }),
    ),
  }))
  const peers = survivors.map((e) => ({ index: e.index, publicKey: fromHex(e.round_key!) }))
  let expansions = peers.length
  for (const u of keys) for (const v of peers) if (graph.areNeighbours(u.index, v.index)) expansions++
  const correction = maskCorrection({ roundId: view.roundId, graph, length: parameterCount, dropped: keys, survivors: peers, selfSeeds })
  const gasPerCoordinate = BigInt((await client.call('training_params', {})).gas_per_coordinate)
  return { ready: true, rule: secAggFedAvgRule(correction), gas: gasPerCoordinate * BigInt(parameterCount) * BigInt(expansions) }
}
