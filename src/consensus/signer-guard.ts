import { crashPoint, testSwitch } from '../test-switch.js'
import { ConsensusError } from './errors.js'
import type { ConsensusSigner } from './signer.js'
import type { LastSigned, SignerStateStore } from './signer-state.js'
import type { Wal, WalEntry } from './wal.js'
import type { Height, Proposal, Round, UnsignedProposal, UnsignedVote, Vote } from './types.js'

type Rank = 0 | 1 | 2
const RANK = { proposal: 0, prevote: 1, precommit: 2 } as const
const STEP_NAMES = ['proposal', 'prevote', 'precommit'] as const

interface Position {
  height: Height
  round: Round
  rank: Rank
}

const compare = (a: Position, b: Position): number => a.height - b.height || a.round - b.round || a.rank - b.rank
const SKIP_SIGNER_FSYNC = testSwitch('skip-signer-fsync')
const keyOf = (p: Position): string => `${p.height}/${p.round}/${p.rank}`

export type Signed = { type: 'vote'; vote: Vote } | { type: 'proposal'; proposal: Proposal }

/**
 * The only path to the validator key. It never signs two different messages for one
 * (height, round, step), across restarts: each signed message is appended to the WAL and
 * fsync'd, and the last signed slot is saved durably in the signer state file (apart from the
 * WAL, beside the key), both before the signature is returned and so before the message can
 * leave. On start the guard reloads what it signed from the WAL and refuses anything at or
 * below the state file's slot unless it is that very message: so a WAL lost in a power cut,
 * deleted, or replaced by an older copy cannot lead to a second signature for a slot.
 * Asking again for exactly the same message returns the recorded signature (replay after a
 * crash re-sends, never re-decides).
 */
export class SignerGuard {
  readonly #signer: ConsensusSigner
  readonly #wal: Wal
  readonly #state: SignerStateStore
  #signed = new Map<string, Signed>()
  #last: Position
  /** The state file's record: the highest slot this key ever signed, with its message. */
  #persisted: LastSigned | null

  /**
   * `entries`: the WAL since its last height marker; `height`: the height the node resumes at;
   * `state`: the durable last-signed record (throws SIGNER_STATE_CORRUPT if unreadable).
   */
  constructor(signer: ConsensusSigner, wal: Wal, entries: readonly WalEntry[], height: Height, state: SignerStateStore) {
    this.#signer = signer
    this.#wal = wal
    this.#state = state
    this.#persisted = state.load()
    this.#last = { height, round: -1, rank: 0 }
    if (this.#persisted !== null) {
      const p = this.#persisted
      const position: Position = { height: p.height, round: p.round, rank: RANK[p.step] }
      if (compare(position, this.#last) > 0) this.#last = position
    }
    for (const entry of entries) {
      if (entry.kind === 'signedVote' && entry.vote.height >= height) this.#record({ type: 'vote', vote: entry.vote })
      if (entry.kind === 'signedProposal' && entry.proposal.height >= height) this.#record({ type: 'proposal', proposal: entry.proposal })
    }
  }

  get address(): string {
    return this.#signer.address
  }

  signVote(vote: UnsignedVote): Vote {
    const position: Position = { height: vote.height, round: vote.round, rank: RANK[vote.type] }
    const again = this.#persistedAt(position)
    if (again !== null) {
      if (again.valueId === vote.valueId && vote.validator === this.#signer.address) return { ...vote, signature: again.signature }
      throw this.#refuse(position)
    }
    const existing = this.#check(position)
    if (existing !== undefined) {
      if (existing.type === 'vote' && existing.vote.valueId === vote.valueId && existing.vote.validator === vote.validator)
        return existing.vote
      throw this.#refuse(position)
    }
    const signed: Vote = { ...vote, signature: this.#signer.signVote(vote) }
    // The harness's planted bug (test-only): the vote leaves with nothing durable behind it.
    if (!SKIP_SIGNER_FSYNC) {
      this.#wal.append({ kind: 'signedVote', vote: signed }, true)
      this.#persist({
        height: vote.height,
        round: vote.round,
        step: vote.type,
        valueId: vote.valueId,
        polRound: -1,
        signature: signed.signature,
      })
    }
    crashPoint(vote.type === 'prevote' ? 'sign-prevote' : 'sign-precommit')
    this.#record({ type: 'vote', vote: signed })
    return signed
  }

  signProposal(proposal: UnsignedProposal): Proposal {
    const position: Position = { height: proposal.height, round: proposal.round, rank: 0 }
    const again = this.#persistedAt(position)
    if (again !== null) {
      if (again.valueId === proposal.valueId && again.polRound === proposal.polRound) return { ...proposal, signature: again.signature }
      throw this.#refuse(position)
    }
    const existing = this.#check(position)
    if (existing !== undefined) {
      if (
        existing.type === 'proposal' &&
        existing.proposal.valueId === proposal.valueId &&
        existing.proposal.polRound === proposal.polRound
      ) {
        return existing.proposal
      }
      throw this.#refuse(position)
    }
    const signed: Proposal = { ...proposal, signature: this.#signer.signProposal(proposal) }
    this.#wal.append({ kind: 'signedProposal', proposal: signed }, true)
    this.#persist({
      height: proposal.height,
      round: proposal.round,
      step: 'proposal',
      valueId: proposal.valueId,
      polRound: proposal.polRound,
      signature: signed.signature,
    })
    crashPoint('sign-proposal')
    this.#record({ type: 'proposal', proposal: signed })
    return signed
  }

  /** The proposal this node signed for (height, round), if any (a restarted proposer re-proposes it). */
  proposalAt(height: Height, round: Round): Proposal | undefined {
    const signed = this.#signed.get(keyOf({ height, round, rank: 0 }))
    return signed?.type === 'proposal' ? signed.proposal : undefined
  }

  /** Everything signed at `height`, in signing order. */
  signedAt(height: Height): Signed[] {
    return [...this.#signed.values()].filter((s) => (s.type === 'vote' ? s.vote.height : s.proposal.height) === height)
  }

  /** The node moved to `height` (its WAL was reset): older records can go. */
  enterHeight(height: Height): void {
    this.#signed = new Map()
    if (compare(this.#last, { height, round: -1, rank: 0 }) < 0) this.#last = { height, round: -1, rank: 0 }
  }

  /**
   * The state file's record when it is for exactly this slot and the WAL did not restore it
   * (lost WAL): the same message gets the same signature back, any other is refused.
   */
  #persistedAt(position: Position): LastSigned | null {
    const p = this.#persisted
    if (p === null || this.#signed.has(keyOf(position))) return null
    return p.height === position.height && p.round === position.round && RANK[p.step] === position.rank ? p : null
  }

  #persist(state: LastSigned): void {
    this.#state.save(state)
    this.#persisted = state
  }

  #check(position: Position): Signed | undefined {
    const existing = this.#signed.get(keyOf(position))
    if (existing !== undefined) return existing
    if (compare(position, this.#last) <= 0) {
      throw new ConsensusError('SIGN_REGRESSION', 'refusing to sign below the last signed height/round/step', {
        height: position.height,
        round: position.round,
        step: STEP_NAMES[position.rank],
      })
    }
    return undefined
  }

  #refuse(position: Position): ConsensusError {
    return new ConsensusError('DOUBLE_SIGN_REFUSED', 'a different message was already signed for this height/round/step', {
      height: position.height,
      round: position.round,
      step: STEP_NAMES[position.rank],
    })
  }

  #record(signed: Signed): void {
    const position: Position =
      signed.type === 'vote'
        ? { height: signed.vote.height, round: signed.vote.round, rank: RANK[signed.vote.type] }
        : { height: signed.proposal.height, round: signed.proposal.round, rank: 0 }
    this.#signed.set(keyOf(position), signed)
    if (compare(position, this.#last) > 0) this.#last = position
  }
}
