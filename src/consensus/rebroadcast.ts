import type { Block } from './block.js'
import type { ConsensusMessage } from './messages.js'
import type { Signed } from './signer-guard.js'
import type { ConsensusState } from './state.js'
import type { Round, ValueId } from './types.js'
import { prevotesFor } from './vote-keeper.js'

/**
 * Gossip again while a height makes no progress: the paper assumes every message reaches every
 * correct process after GST, and a lossy network needs retransmission for that. What goes out:
 * our status, what we signed in this round and the last (votes) or this round (our proposal,
 * with the polka behind a re-proposal), and the polka behind our valid value, which lets others
 * unlock or catch up (L28, L36).
 */
export function rebroadcastMessages(
  core: Readonly<ConsensusState>,
  signed: readonly Signed[],
  blocks: ReadonlyMap<ValueId, Block>,
): ConsensusMessage[] {
  if (core.step === 'commit' || core.step === 'unstarted') return []
  const out: ConsensusMessage[] = [{ type: 'status', height: core.height }]
  for (const s of signed) {
    if (s.type === 'vote') {
      if (s.vote.round >= core.round - 1) out.push({ type: 'vote', vote: s.vote })
    } else if (s.proposal.round === core.round) {
      const block = blocks.get(s.proposal.valueId)
      if (block !== undefined) out.push({ type: 'proposal', proposal: s.proposal, block })
      if (s.proposal.polRound >= 0) out.push(...polka(core, s.proposal.polRound, s.proposal.valueId))
    }
  }
  if (core.validRound >= 0 && core.validValue !== null && core.validRound >= core.round - 1)
    out.push(...polka(core, core.validRound, core.validValue))
  return out
}

/** The prevotes for `valueId` in `round` we hold, as messages. */
export function polka(core: Readonly<ConsensusState>, round: Round, valueId: ValueId): ConsensusMessage[] {
  return prevotesFor(core.votes, round, valueId).map((vote) => ({ type: 'vote' as const, vote }))
}
