/**
 * The vocabulary of the consensus core. Values (blocks) are known to the core only by their
 * id (the hex SHA-256 of the block header); signatures travel through it untouched.
 */

export type Height = number
/** A round number; `NIL_ROUND` (-1) means "no round" (the paper's −1 for lockedRound etc.). */
export type Round = number
export const NIL_ROUND: Round = -1

/** Hex block id. */
export type ValueId = string
/** A validator's address (bech32 account address of its consensus key). */
export type Address = string

export type VoteType = 'prevote' | 'precommit'
export type Step = 'unstarted' | 'propose' | 'prevote' | 'precommit' | 'commit'
export type TimeoutStep = 'propose' | 'prevote' | 'precommit'

/** ⟨PREVOTE|PRECOMMIT, h, r, id(v)|nil⟩ signed by `validator`. */
export interface Vote {
  type: VoteType
  height: Height
  round: Round
  valueId: ValueId | null
  validator: Address
  /** Opaque to the core: verified by the driver before the vote is an input. */
  signature: Uint8Array
}

/** ⟨PROPOSAL, h, r, v, validRound⟩ signed by `proposer`. */
export interface Proposal {
  height: Height
  round: Round
  valueId: ValueId
  polRound: Round
  proposer: Address
  signature: Uint8Array
}

export type UnsignedVote = Omit<Vote, 'signature'>
export type UnsignedProposal = Omit<Proposal, 'signature'>

export interface Timeout {
  step: TimeoutStep
  height: Height
  round: Round
}

/** A validator as consensus sees it: who, and how much its votes weigh. */
export interface Validator {
  address: Address
  /** ed25519 public key (32 bytes); the core never reads it. */
  publicKey: Uint8Array
  votingPower: bigint
}
