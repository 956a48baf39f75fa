import type { ConsensusApp } from './application.js'
import type { SignatureVerifier } from './signer.js'
import type { Height, Round, ValueId, Vote } from './types.js'

/**
 * Precommits for the block just decided that arrive after the decision (CometBFT gathers them
 * during timeout_commit). Verified against the decided height's set and handed to the
 * application for the commit its next proposal carries as lastCommit: without them the quorum
 * that came first is the whole commit, and a validator that is regularly last is recorded as
 * missing every block (and jailed for downtime). A precommit that is not for the decided block at
 * its round is no part of the commit (evidence comes from the core's vote keeping, within a height).
 */
export class LatePrecommits {
  #decided: { height: Height; round: Round; valueId: ValueId; signers: Set<string> } | null = null

  /** A decision: who is already in its commit. */
  decided(height: Height, round: Round, valueId: ValueId, precommits: readonly Vote[]): void {
    this.#decided = { height, round, valueId, signers: new Set(precommits.map((v) => v.validator)) }
  }

  /** A precommit for the decided block, at its decision round, from a signer not yet in its commit. */
  isLate(vote: Vote): boolean {
    const decided = this.#decided
    return (
      decided !== null &&
      vote.type === 'precommit' &&
      vote.height === decided.height &&
      vote.round === decided.round &&
      vote.valueId === decided.valueId &&
      !decided.signers.has(vote.validator)
    )
  }

  /** Verifies a late precommit (`isLate` said so) and passes it to `app.addCommitSignature`. */
  add(vote: Vote, app: ConsensusApp, verifier: SignatureVerifier): void {
    const decided = this.#decided!
    const validator = app.validatorsAt(decided.height)?.validators.find((v) => v.address === vote.validator)
    if (validator === undefined || !verifier.verifyVote(vote, validator)) return
    decided.signers.add(vote.validator)
    app.addCommitSignature?.(decided.height, { validator: vote.validator, signature: vote.signature })
  }
}
