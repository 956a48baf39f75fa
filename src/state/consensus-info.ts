/**
 * What execution may know about consensus (CometBFT's FinalizeBlock request: misbehavior and
 * decided_last_commit). Both are fixed by the block itself — its evidence list and its last
 * commit, checked by consensus before execution — with powers from the validator sets the
 * chain recorded, so every node computes the same values.
 */

/** Proven misbehaviour of one validator, from the block's evidence. */
export interface Misbehaviour {
  /** Two signed votes for different values at one height, round and step. */
  kind: 'duplicate-vote'
  /** Address (20 bytes) of the offender. */
  validator: Uint8Array
  /** Height of the offence. */
  height: number
  /** The offender's voting power in the set of that height, and that set's total. */
  power: bigint
  totalPower: bigint
}

/** One member of the set that decided block H−1, and whether its precommit is in block H's last commit. */
export interface CommitVote {
  validator: Uint8Array
  power: bigint
  signed: boolean
}

/** Who decided the previous block (what missed-block tracking and proposer rewards read). */
export interface CommitInfo {
  /** Round in which block H−1 was decided. */
  round: number
  /** Every validator of H−1's set, in address order. */
  votes: CommitVote[]
}
