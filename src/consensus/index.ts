// The consensus surface the node wires: pure core, driver, blocks, WAL, signer guard, evidence.
export { step, proposer, admitsProposal, admitsVote, PROPOSAL_ROUNDS_AHEAD } from './state-machine.js'
export { createConsensusState, type ConsensusState, type CoreConfig, type CoreFaults } from './state.js'
export type { ConsensusInput } from './inputs.js'
export type { ConsensusEffect, Transition } from './effects.js'
export * from './types.js'
export {
  DEFAULT_CONSENSUS_PARAMS,
  DEFAULT_TIMEOUTS,
  checkParams,
  timeoutDuration,
  type ConsensusParams,
  type TimeoutParams,
} from './params.js'
export {
  addVote,
  createVoteKeeper,
  hasQuorumAny,
  hasQuorumFor,
  highestSkipRound,
  isOneThird,
  isQuorum,
  type AddVoteResult,
  type VoteKeeper,
} from './vote-keeper.js'
export {
  advanceValidatorSets,
  applyValidatorUpdates,
  createValidatorSet,
  genesisValidatorSets,
  incrementProposerPriority,
  proposerForRound,
  proposerSequence,
  MAX_TOTAL_VOTING_POWER,
  type ValidatorSet,
  type ValidatorSets,
  type ValidatorUpdate,
  type ValidatorWithPriority,
} from './validator-set.js'
export {
  assembleBlock,
  blockId,
  commitFromPrecommits,
  commitVotes,
  dataHash,
  encodeBlock,
  evidenceHash,
  lastCommitHash,
  validatorSetHash,
  type Block,
  type Commit,
  type CommitSig,
  type Header,
} from './block.js'
export { checkBlock, checkCommit, type BlockCheckContext } from './block-validation.js'
export { resultProof, resultsHash, txResultDigest, verifyResultProof, type ResultProofStep, type TxResultDigest } from './results-hash.js'
export {
  decodeConsensusMessage,
  encodeConsensusMessage,
  proposalSignPayload,
  voteSignPayload,
  type ConsensusMessage,
} from './messages.js'
export {
  checkEvidence,
  duplicateVoteEvidence,
  evidenceKey,
  EvidencePool,
  type DuplicateVoteEvidence,
  type EvidenceProblem,
} from './evidence.js'
export { ed25519Verifier, keySigner, type ConsensusSigner, type SignatureVerifier } from './signer.js'
export { SignerGuard } from './signer-guard.js'
export {
  FileSignerState,
  MemorySignerState,
  decodeSignerState,
  encodeSignerState,
  type LastSigned,
  type SignedStep,
  type SignerStateStore,
} from './signer-state.js'
export { FutureBuffer, DEFAULT_FUTURE_LIMITS, messageBytes, type FutureBufferLimits } from './future-buffer.js'
export { FileWal, MemoryWal, decodeWalEntry, encodeWalEntry, type Wal, type WalEntry, type WalInput } from './wal.js'
export type { ConsensusApp, ChainTip, ExecutionVerdict, PreparedBlock, ProposalContext } from './application.js'
export { ConsensusDriver, type Clock, type CommittedBlock, type DriverConfig, type Network, type PeerId } from './driver.js'
export { ConsensusError, type ConsensusErrorCode, type ConsensusErrorContext } from './errors.js'
