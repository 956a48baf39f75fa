import type { Block } from './block.js'
import type { ConsensusMessage } from './messages.js'
import type { ConsensusParams } from './params.js'
import type { SignatureVerifier } from './signer.js'
import type { ConsensusState } from './state.js'
import { PROPOSAL_ROUNDS_AHEAD, admitsProposal, admitsVote } from './state-machine.js'
import type { Proposal } from './types.js'
import type { ValidatorSet } from './validator-set.js'

/**
 * What the driver takes from the network before anything is stored: the checks that cost no
 * signature come first, so a flood the core would drop is neither verified, logged nor relayed.
 */

/**
 * A fresh proposal (validRound −1) carries a block its signer built now, so the header must
 * name the signer as proposer. A re-proposal (L15–L16) carries the valid value, a block built
 * by the proposer of an earlier round, unchanged: its header names that builder.
 */
export function namesItsBuilder(proposal: Proposal, block: Block): boolean {
  return proposal.polRound >= 0 || block.header.proposer === proposal.proposer
}

/**
 * Whether a proposal or vote is one the core could still use — the checks the driver makes
 * before a signature, without the signature. Messages for heights it cannot judge (behind, far
 * ahead, or the height just decided, which peers may still need) are left to gossip's own checks.
 */
export function admitsMessage(core: Readonly<ConsensusState>, message: ConsensusMessage): boolean {
  if (message.type !== 'proposal' && message.type !== 'vote') return true
  const h = message.type === 'vote' ? message.vote.height : message.proposal.height
  if (h === core.height && core.step !== 'commit' && core.step !== 'unstarted') {
    return message.type === 'vote'
      ? admitsVote(core, message.vote)
      : admitsProposal(core, message.proposal) && namesItsBuilder(message.proposal, message.block)
  }
  if (message.type === 'proposal' && h === core.height + 1)
    return message.proposal.round <= PROPOSAL_ROUNDS_AHEAD && namesItsBuilder(message.proposal, message.block)
  return true
}

/**
 * The signer of a next-height proposal or vote worth holding, verified against that height's
 * set (so each signer's share of the future buffer is really its own), or null to drop it.
 */
export function nextHeightSigner(
  message: Extract<ConsensusMessage, { type: 'proposal' | 'vote' }>,
  set: ValidatorSet,
  verifier: SignatureVerifier,
  params: Pick<ConsensusParams, 'maxRoundsAhead'>,
): string | null {
  if (message.type === 'vote') {
    const { vote } = message
    if (vote.round < 0 || vote.round > params.maxRoundsAhead) return null
    const validator = set.validators.find((v) => v.address === vote.validator)
    return validator !== undefined && verifier.verifyVote(vote, validator) ? vote.validator : null
  }
  const { proposal, block } = message
  // The next height starts at round 0; a proposal further out would not be admitted there.
  if (proposal.round < 0 || proposal.round > Math.min(params.maxRoundsAhead, PROPOSAL_ROUNDS_AHEAD) || !namesItsBuilder(proposal, block))
    return null
  const validator = set.validators.find((v) => v.address === proposal.proposer)
  return validator !== undefined && verifier.verifyProposal(proposal, validator) ? proposal.proposer : null
}
