import type { FedraClient, Result } from '../client/index.js'
import { fromHex } from '../crypto/index.js'
import { secAggRecoveredRule } from '../fl/rules/secagg-fedavg.js'
import type { AggregationRule } from '../fl/rules/types.js'
import { isSecAggError } from '../fl/secagg/errors.js'
import {
  RECOVERY_SHARE_KIND,
  type RecoveryStatus,
  type SecAggRecovery,
  recoverSecAggRound,
  shortSharesText,
} from '../fl/secagg/recovery.js'
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
 * src/modules/training/secagg-recovery.ts: the same recoverSecAggRound and secAggRecoveredRule): the survivors are the members whose masked update is
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
  // dropped members first, as this check always reported them: a round short of both waits on the key shares first
  const recoverable = (status: RecoveryStatus) =>
    view.entries
      .filter((e) => e.status === status)
      .map((e) => ({
        index: e.index,
        status,
        roundKey: fromHex(e.round_key!),
        selfCommitment: fromHex(e.self_commitment!),
        shares: revealedShares(view, e.index, RECOVERY_SHARE_KIND[status]),
      }))
  let recovery: SecAggRecovery
  try {
    recovery = recoverSecAggRound({
      graph: view.graph,
      roundId: view.roundId,
      members: [...recoverable('dropped'), ...recoverable('survivor')],
    })
  } catch (error) {
    if (isSecAggError(error, 'SECAGG_RECOVERY_SHORT')) {
      return { ready: false, why: `${view.members[error.context.member]} ${shortSharesText(error.context)}` }
    }
    if (isSecAggError(error, 'SECAGG_RECOVERY_FAILED')) {
      const { member, kind, code, reason } = error.context
      throw new RoleError(
        'SECAGG_UNRECOVERABLE',
        `round ${round.round}: ${view.members[member]}'s revealed shares do not rebuild its ${kind === 'key' ? 'round key' : 'self-mask seed'}: ${reason}`,
        { subnet: String(subnet), round: round.round, code },
        { cause: error },
      )
    }
    throw error
  }
  const gasPerCoordinate = BigInt((await client.call('training_params', {})).gas_per_coordinate)
  const { gas, rule } = secAggRecoveredRule(recovery, parameterCount, gasPerCoordinate)
  return { ready: true, rule: rule(), gas }
}
