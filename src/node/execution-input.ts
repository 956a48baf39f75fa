import { type Commit, type DuplicateVoteEvidence, type ValidatorSet, dataHash, evidenceHash, lastCommitHash } from '../consensus/index.js'
import { decodeAddress, toHex } from '../crypto/index.js'
import type { CommitInfo, Misbehaviour } from '../state/index.js'
import { NodeError } from './errors.js'

/**
 * The block's evidence as execution sees it, with each offender's power in the set of the
 * offence's height. Consensus has checked the evidence against that same set (checkBlock), so
 * a missing set or member means this node's records disagree with the chain.
 */
export function misbehaviourOf(
  evidence: readonly DuplicateVoteEvidence[],
  validatorsAt: (height: number) => ValidatorSet | null,
): Misbehaviour[] {
  return evidence.map(({ voteA }) => {
    const set = validatorsAt(voteA.height)
    const offender = set?.validators.find((v) => v.address === voteA.validator)
    if (set === null || offender === undefined) {
      throw new NodeError(
        'STORE_MISMATCH',
        `evidence against ${voteA.validator} at ${voteA.height}: no such validator in the recorded set`,
        { height: voteA.height },
      )
    }
    return {
      kind: 'duplicate-vote',
      validator: decodeAddress(voteA.validator),
      height: voteA.height,
      power: offender.votingPower,
      totalPower: set.totalPower,
    }
  })
}

/** Who of the set that decided the previous block signed its commit (CometBFT's decided_last_commit). */
export function commitInfoOf(commit: Commit | null, set: ValidatorSet | null): CommitInfo | null {
  if (commit === null || set === null) return null
  const signed = new Set(commit.signatures.map((s) => s.validator))
  return {
    round: commit.round,
    votes: set.validators.map((v) => ({ validator: decodeAddress(v.address), power: v.votingPower, signed: signed.has(v.address) })),
  }
}

/** What execution depends on beyond the committed state: one key per distinct outcome. */
export function executionKey(
  height: number,
  time: number,
  proposer: string,
  txs: Uint8Array[],
  evidence: DuplicateVoteEvidence[],
  lastCommit: Commit | null,
): string {
  return `${height}/${time}/${proposer}/${toHex(dataHash(txs))}/${toHex(evidenceHash(evidence))}/${toHex(lastCommitHash(lastCommit))}`
}
