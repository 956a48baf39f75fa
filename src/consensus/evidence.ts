import type { SignatureVerifier } from './signer.js'
import type { ValidatorSet } from './validator-set.js'
import type { Vote } from './types.js'

/**
 * Two signed votes by one validator for the same height, round and type but different
 * values. `voteA` is the one with the smaller value id (nil first), so a pair of votes has
 * one canonical form and one hash.
 */
export interface DuplicateVoteEvidence {
  voteA: Vote
  voteB: Vote
}

export type EvidenceProblem =
  | 'different-validators'
  | 'different-height-round-type'
  | 'same-value'
  | 'not-canonical-order'
  | 'unknown-validator'
  | 'bad-signature'

const valueKey = (v: Vote): string => v.valueId ?? ''

export function duplicateVoteEvidence(first: Vote, second: Vote): DuplicateVoteEvidence {
  return valueKey(first) < valueKey(second) ? { voteA: first, voteB: second } : { voteA: second, voteB: first }
}

/** Identity of an offence: one per (validator, height, round, type). */
export function evidenceKey(e: DuplicateVoteEvidence): string {
  return `${e.voteA.validator}/${e.voteA.height}/${e.voteA.round}/${e.voteA.type}`
}

/**
 * Checks evidence against the validator set of its height; returns null when it proves an
 * equivocation, else what is wrong with it.
 */
export function checkEvidence(e: DuplicateVoteEvidence, set: ValidatorSet, verifier: SignatureVerifier): EvidenceProblem | null {
  const { voteA: a, voteB: b } = e
  if (a.validator !== b.validator) return 'different-validators'
  if (a.height !== b.height || a.round !== b.round || a.type !== b.type) return 'different-height-round-type'
  if (a.valueId === b.valueId) return 'same-value'
  if (!(valueKey(a) < valueKey(b))) return 'not-canonical-order'
  const validator = set.validators.find((v) => v.address === a.validator)
  if (validator === undefined) return 'unknown-validator'
  if (!verifier.verifyVote(a, validator) || !verifier.verifyVote(b, validator)) return 'bad-signature'
  return null
}

/**
 * Evidence seen but not yet in a committed block; the proposer takes from here. Committed
 * offences are remembered (so a repeat is not proposed again) only while evidence of their
 * height could still be accepted into a block: `prune` forgets both pending and committed
 * evidence older than the evidence age, so the pool stays bounded on a long-running node.
 */
export class EvidencePool {
  readonly #pending = new Map<string, DuplicateVoteEvidence>()
  /** Offence key → the height of the offence. */
  readonly #committed = new Map<string, number>()

  get pendingCount(): number {
    return this.#pending.size
  }

  get committedCount(): number {
    return this.#committed.size
  }

  add(e: DuplicateVoteEvidence): boolean {
    const key = evidenceKey(e)
    if (this.#committed.has(key) || this.#pending.has(key)) return false
    this.#pending.set(key, e)
    return true
  }

  /** Pending evidence, oldest first, at most `max`, no older than `minHeight`. */
  pending(max: number, minHeight: number): DuplicateVoteEvidence[] {
    this.prune(minHeight)
    const out: DuplicateVoteEvidence[] = []
    for (const e of this.#pending.values()) {
      if (out.length >= max) break
      out.push(e)
    }
    return out
  }

  /** This evidence is in a committed block: it leaves the pending set. */
  markCommitted(evidence: readonly DuplicateVoteEvidence[]): void {
    for (const e of evidence) {
      const key = evidenceKey(e)
      this.#pending.delete(key)
      this.#committed.set(key, e.voteA.height)
    }
  }

  /** Forgets pending and committed evidence for offences below `minHeight` (too old for any block). */
  prune(minHeight: number): void {
    for (const [key, e] of this.#pending) if (e.voteA.height < minHeight) this.#pending.delete(key)
    for (const [key, height] of this.#committed) if (height < minHeight) this.#committed.delete(key)
  }
}
