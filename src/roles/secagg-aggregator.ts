import type { FedraClient, Result } from '../client/index.js'
import { fromHex } from '../crypto/index.js'
import { secAggFedAvgRule } from '../fl/rules/secagg-fedavg.js'
import type { AggregationRule } from '../fl/rules/types.js'
import { SecAggError } from '../fl/secagg/errors.js'
import { maskCorrection } from '../fl/secagg/mask.js'
import { reconstructRoundSecret } from '../fl/secagg/shares.js'
import { RoleError } from './errors.js'
import { readSecAggRound, revealedShare } from './secagg-round.js'

type Round = Result<'round_get'>

/** The rule a secagg round is aggregated with, or why not yet. */
export type SecAggRuleReady =
  | {
      ready: true
      rule: AggregationRule /** the chain's mask-removal gas: gas_per_coordinate × N per (dropped, surviving neighbour) */
      gas: bigint
    }
  | { ready: false; why: string }

/**
 * The aggregator's secagg-fedavg rule for a round, as the chain builds it (secAggRoundRule in
 * src/modules/training/secagg-handler.ts): the survivors are the members whose masked update is
 * recorded, each dropped member's round key is interpolated from the shares its holders revealed
 * (read from chain state), and the correction removes the masks it shared with surviving
 * neighbours. Not ready while a member is still pending (the chain calls it dropped from the
 * first block after the submit window) or a dropped member has fewer than t shares revealed:
 * the aggregate would be refused with SECAGG_SHARES_MISSING.
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
  const dropped = view.entries.filter((e) => e.status === 'dropped')
  const short = dropped.find((e) => e.revealed < view.graph.threshold)
  if (short !== undefined)
    return {
      ready: false,
      why: `${short.trainer} dropped out; ${short.revealed} of its ${view.graph.threshold} needed shares are revealed`,
    }
  if (dropped.length === 0) return { ready: true, rule: secAggFedAvgRule(), gas: 0n }
  const number = BigInt(round.round)
  const survivors = view.entries.filter((e) => e.status === 'survivor').map((e) => ({ index: e.index, publicKey: fromHex(e.round_key!) }))
  // Reads one at a time: the node caps the connections of a client address, which a devnet's roles share.
  const keys: { index: number; secretKey: Uint8Array }[] = []
  for (const e of dropped) {
    const shares: { holder: number; share: Uint8Array }[] = []
    for (const holder of view.graph.neighbours(e.index)) {
      const share = await revealedShare(client, subnet, number, view.memberBytes[e.index]!, view.memberBytes[holder]!)
      if (share !== null) shares.push({ holder, share })
    }
    try {
      keys.push({
        index: e.index,
        secretKey: reconstructRoundSecret({ dealer: e.index, graph: view.graph, publicKey: fromHex(e.round_key!), shares }),
      })
    } catch (error) {
      if (!(error instanceof SecAggError)) throw error
      throw new RoleError(
        'SECAGG_UNRECOVERABLE',
        `round ${round.round}: ${e.trainer}'s revealed shares do not rebuild its round key: ${error.plainMessage}`,
        {
          subnet: String(subnet),
          round: round.round,
          code: error.code,
        },
      )
    }
  }
  let edges = 0
  for (const u of keys) for (const v of survivors) if (view.graph.areNeighbours(u.index, v.index)) edges++
  const correction = maskCorrection({ roundId: view.roundId, graph: view.graph, length: parameterCount, dropped: keys, survivors })
  const gasPerCoordinate = BigInt((await client.call('training_params', {})).gas_per_coordinate)
  return { ready: true, rule: secAggFedAvgRule(correction), gas: gasPerCoordinate * BigInt(parameterCount) * BigInt(edges) }
}
