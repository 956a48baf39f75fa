import type { Block, Commit } from './block.js'
import type { DuplicateVoteEvidence } from './evidence.js'
import type { ValidatorSet } from './validator-set.js'
import type { Address, Height, Round, ValueId } from './types.js'

/** What consensus needs to know about the last committed block and the sets around it. */
export interface ChainTip {
  chainId: string
  /** Height of the last committed block; 0 before the first block. */
  height: Height
  /** Its id; null at height 0. */
  blockId: ValueId | null
  /** Its header time (unix ms); the genesis time at height 0. */
  time: number
  /** Commit for block `height` that goes into block `height + 1`; null at height 0. */
  lastCommit: Commit | null
  /** `resultsHash` of block `height`'s tx results, for block `height + 1`'s header; of none at height 0. */
  lastResultsHash: Uint8Array
  /** Validator set of block `height` (who signed lastCommit); null at height 0. */
  lastValidators: ValidatorSet | null
  /** Validator set of `height + 1`, with proposer priorities. */
  validators: ValidatorSet
  /** Validator set of `height + 2` (changes from block `height` land here: H+2 rule). */
  nextValidators: ValidatorSet
}

export interface ProposalContext {
  height: Height
  round: Round
  time: number
  proposer: Address
  evidence: DuplicateVoteEvidence[]
}

export interface PreparedBlock {
  txs: Uint8Array[]
  /** State root after executing these txs and this evidence on top of the tip's state. */
  stateRoot: Uint8Array
}

export interface ExecutionVerdict {
  valid: boolean
  reason?: string
}

/**
 * The state layer as the consensus driver sees it (the node issue implements it over
 * `src/state/`; the simulator uses a hash-chain KV app). Methods may answer synchronously or
 * with a promise (any thenable: the simulator answers in virtual time). The application owns validator sets: on commit it applies the block's
 * validator updates to the set of height+2 (`applyValidatorUpdates`) and advances priorities
 * (`advanceValidatorSets`), so that after a restart `tip()` is the whole truth.
 */
export interface ConsensusApp {
  tip(): ChainTip
  /** Pick transactions and execute them (plus `evidence`) on the tip's state, without committing. */
  prepareBlock(context: ProposalContext): PreparedBlock | PromiseLike<PreparedBlock>
  /**
   * Execute a proposed block on the tip's state without committing: valid iff every tx rule
   * holds (failed txs are included with their code, they do not make the block invalid) and the
   * resulting state root equals `block.header.stateRoot`. Execution sees the block's evidence and
   * last commit (as misbehaviour with powers, and who signed); nothing records or punishes
   * evidence until a slashing module does. Consensus has already checked the header and signatures.
   */
  processBlock(block: Block): ExecutionVerdict | PromiseLike<ExecutionVerdict>
  /** Make `block` (processed before) the new tip, durably, with the commit that decided it. */
  commitBlock(block: Block, commit: Commit): void | PromiseLike<void>
  /** A committed block and its commit, to serve a peer that is behind; null if pruned. */
  committedBlock(height: Height): { block: Block; commit: Commit } | null
  /** Validator set of a past height (for evidence), null if unknown or pruned. */
  validatorsAt(height: Height): ValidatorSet | null
  /** The chain's evidence age (a genesis parameter), when the application has one. */
  readonly maxEvidenceAge?: number
  /**
   * A verified precommit for the tip's block that arrived after the decision (CometBFT gathers
   * them during timeout_commit): the application adds it to the commit its next proposal carries
   * as lastCommit, so who signed is recorded fairly — without it the quorum that decided first is
   * the whole commit, and a validator that is regularly last would be counted as missing every
   * block (and jailed for downtime). Applications that do not track signers may leave it out.
   */
  addCommitSignature?(height: Height, signature: { validator: Address; signature: Uint8Array }): void
}
