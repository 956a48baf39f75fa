import { type PrivateKey, PublicKey } from '../crypto/index.js'
import { proposalSignPayload, voteSignPayload } from './messages.js'
import type { Address, Proposal, UnsignedProposal, UnsignedVote, Validator, Vote } from './types.js'

/**
 * Signing and verification of consensus messages, behind an interface so the simulator can
 * use a cheap keyed hash. The node uses `keySigner` / `ed25519Verifier`: ed25519 over
 * crypto's domain-separated sign bytes (domain 'vote' or 'proposal', chain id, payload).
 * Only the SignerGuard may call `sign*` for an honest node.
 */
export interface ConsensusSigner {
  readonly address: Address
  signVote(vote: UnsignedVote): Uint8Array
  signProposal(proposal: UnsignedProposal): Uint8Array
}

export interface SignatureVerifier {
  verifyVote(vote: Vote, validator: Validator): boolean
  verifyProposal(proposal: Proposal, validator: Validator): boolean
}

export function keySigner(key: PrivateKey, chainId: string): ConsensusSigner {
  return {
    address: key.publicKey.address,
    signVote: (vote) => key.sign('vote', chainId, voteSignPayload(vote)),
    signProposal: (proposal) => key.sign('proposal', chainId, proposalSignPayload(proposal)),
  }
}

export function ed25519Verifier(chainId: string): SignatureVerifier {
  const keys = new Map<string, PublicKey | null>()
  const keyOf = (validator: Validator): PublicKey | null => {
    let key = keys.get(validator.address)
    if (key === undefined) {
      try {
        key = PublicKey.fromBytes(validator.publicKey)
        if (key.address !== validator.address) key = null
      } catch {
        key = null
      }
      keys.set(validator.address, key)
    }
    return key
  }
  return {
    verifyVote: (vote, validator) =>
      vote.validator === validator.address && (keyOf(validator)?.verify('vote', chainId, voteSignPayload(vote), vote.signature) ?? false),
    verifyProposal: (proposal, validator) =>
      proposal.proposer === validator.address &&
      (keyOf(validator)?.verify('proposal', chainId, proposalSignPayload(proposal), proposal.signature) ?? false),
  }
}
