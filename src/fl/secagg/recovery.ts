import { SecAggError, type SecAggErrorContexts } from './errors.js'
import type { SecAggGraph } from './graph.js'
import type { Peer } from './mask.js'
import { type ShareKind, reconstructRoundSecret, reconstructSelfSeed } from './shares.js'

/** A set-up member at the end of a round: survivor (its masked update is recorded) or dropped (none). */
export type RecoveryStatus = 'survivor' | 'dropped'

/** The shares each status is recovered from: a survivor's self shares (its self-mask seed), a dropped member's key shares (its round key). */
export const RECOVERY_SHARE_KIND: Readonly<Record<RecoveryStatus, ShareKind>> = { survivor: 'self', dropped: 'key' }

/** One set-up member as the recovery reads it: what it dealt, and the shares of RECOVERY_SHARE_KIND[status] revealed for it. */
export interface RecoveryMember {
  index: number
  status: RecoveryStatus
  /** The round public key it dealt. */
  roundKey: Uint8Array
  /** Its commitment to its self-mask seed. */
  selfCommitment: Uint8Array
  /** By holder index. */
  shares: readonly { holder: number; share: Uint8Array }[]
}

/** What removing a secagg round's masks needs (maskCorrection), and how many mask expansions that is. */
export interface SecAggRecovery {
  graph: SecAggGraph
  roundId: Uint8Array
  /** Dropped members with their round keys rebuilt from revealed key shares. */
  dropped: { index: number; secretKey: Uint8Array }[]
  survivors: Peer[]
  /** Each survivor's self-mask seed, rebuilt from revealed self shares. */
  selfSeeds: { index: number; seed: Uint8Array }[]
  /** Masks to remove: one N-vector expansion per survivor (its self mask) and per (dropped, surviving neighbour) pair. */
  expansions: number
}

/** "survived; 2 of its 3 needed self shares are revealed": what a SECAGG_RECOVERY_SHORT says after the member's name. */
export const shortSharesText = ({ kind, revealed, threshold }: SecAggErrorContexts['SECAGG_RECOVERY_SHORT']): string =>
  `${kind === 'self' ? 'survived' : 'dropped out'}; ${revealed} of its ${threshold} needed ${kind} shares are revealed`

/**
 * The secrets that unmask a round, from its set-up members: each survivor's self-mask seed and
 * each dropped member's round key, interpolated from at least t revealed shares of that kind.
 * Members are taken in the order `members` yields them, and the first that fails stops the
 * recovery, so a caller reading them lazily (the chain, from its store) reads no further:
 * SECAGG_RECOVERY_SHORT when one has fewer than t shares, SECAGG_RECOVERY_FAILED when they
 * interpolate to another key, or to a seed that is not the committed one (the reconstruction's
 * code and message in its context).
 */
export function recoverSecAggRound(options: {
  graph: SecAggGraph
  roundId: Uint8Array
  members: Iterable<RecoveryMember>
}): SecAggRecovery {
  const { graph, roundId } = options
  const recovery: SecAggRecovery = { graph, roundId, dropped: [], survivors: [], selfSeeds: [], expansions: 0 }
  for (const member of options.members) {
    const { index, status, shares } = member
    const kind = RECOVERY_SHARE_KIND[status]
    if (shares.length < graph.threshold) {
      const short = { member: index, kind, revealed: shares.length, threshold: graph.threshold }
      throw new SecAggError('SECAGG_RECOVERY_SHORT', `member ${index} ${shortSharesText(short)}`, short)
    }
    try {
      if (status === 'survivor') {
        recovery.survivors.push({ index, publicKey: member.roundKey })
        recovery.selfSeeds.push({
          index,
          seed: reconstructSelfSeed({ roundId, dealer: index, graph, selfCommitment: member.selfCommitment, shares }),
        })
      } else {
        recovery.dropped.push({ index, secretKey: reconstructRoundSecret({ dealer: index, graph, publicKey: member.roundKey, shares }) })
      }
    } catch (error) {
      if (!(error instanceof SecAggError)) throw error
      throw new SecAggError(
        'SECAGG_RECOVERY_FAILED',
        `member ${index}'s ${kind} shares: ${error.plainMessage}`,
        { member: index, kind, code: error.code, reason: error.plainMessage },
        { cause: error },
      )
    }
  }
  recovery.expansions = recovery.survivors.length
  for (const u of recovery.dropped) for (const v of recovery.survivors) if (graph.areNeighbours(u.index, v.index)) recovery.expansions++
  return recovery
}
