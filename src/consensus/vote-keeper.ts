import type { Address, Round, ValueId, Vote, VoteType } from './types.js'

/**
 * Counts the votes of one height by voting power, as the paper counts messages: "2f+1
 * ⟨PREVOTE, h, r, id(v)⟩" means validators with that much power sent a prevote for v. A
 * validator that votes twice in one (round, type) is an equivocator: both votes count toward
 * their own values (each was really sent), the pair is returned as evidence, and "any value"
 * thresholds count the validator once. Safety holds because quorums of +2/3 intersect in
 * more than 1/3 of the power, so in at least one honest validator, who never votes twice.
 * To bound memory a validator's votes per (round, type) are capped at MAX_VOTES_PER_SLOT.
 */
export const MAX_VOTES_PER_SLOT = 3

export const isQuorum = (power: bigint, total: bigint): boolean => power * 3n > total * 2n
/** "f + 1": strictly more than one third; at least one honest validator is among them. */
export const isOneThird = (power: bigint, total: bigint): boolean => power * 3n > total

export interface VoteTally {
  /** Each validator's votes in arrival order (more than one only for an equivocator). */
  byValidator: Map<Address, Vote[]>
  /** Power per value id; `null` is nil. */
  byValue: Map<ValueId | null, bigint>
  /** Power of the distinct validators with any vote here. */
  total: bigint
}

export interface RoundVotes {
  prevotes: VoteTally
  precommits: VoteTally
  /** Validators with any vote in this round, and their power (for the f+1 round skip, L55). */
  voters: Set<Address>
  votersPower: bigint
}

export interface VoteKeeper {
  totalPower: bigint
  powers: Map<Address, bigint>
  rounds: Map<Round, RoundVotes>
}

export type AddVoteResult =
  | { kind: 'added' }
  | { kind: 'duplicate' }
  | { kind: 'equivocation'; existing: Vote }
  | { kind: 'unknownValidator' }

export function createVoteKeeper(validators: readonly { address: Address; votingPower: bigint }[]): VoteKeeper {
  const powers = new Map<Address, bigint>()
  let totalPower = 0n
  for (const v of validators) {
    powers.set(v.address, v.votingPower)
    totalPower += v.votingPower
  }
  return { totalPower, powers, rounds: new Map() }
}

const emptyTally = (): VoteTally => ({ byValidator: new Map(), byValue: new Map(), total: 0n })

function roundVotes(keeper: VoteKeeper, round: Round): RoundVotes {
  let votes = keeper.rounds.get(round)
  if (votes === undefined) {
    votes = { prevotes: emptyTally(), precommits: emptyTally(), voters: new Set(), votersPower: 0n }
    keeper.rounds.set(round, votes)
  }
  return votes
}

const tallyOf = (votes: RoundVotes, type: VoteType): VoteTally => (type === 'prevote' ? votes.prevotes : votes.precommits)

/**
 * `certified`: the vote is counted past the cap — it is part of a verified commit certificate,
 * or a vote for the value a held proposal stands on (see the core's `backsProposal`).
 */
export function addVote(keeper: VoteKeeper, vote: Vote, certified = false): AddVoteResult {
  const power = keeper.powers.get(vote.validator)
  if (power === undefined) return { kind: 'unknownValidator' }
  const votes = roundVotes(keeper, vote.round)
  const tally = tallyOf(votes, vote.type)
  const existing = tally.byValidator.get(vote.validator)
  let result: AddVoteResult = { kind: 'added' }
  if (existing === undefined) {
    tally.byValidator.set(vote.validator, [vote])
    tally.total += power
  } else {
    if (existing.some((v) => v.valueId === vote.valueId)) return { kind: 'duplicate' }
    result = { kind: 'equivocation', existing: existing[0]! }
    if (existing.length >= MAX_VOTES_PER_SLOT && !certified) return result
    existing.push(vote)
  }
  tally.byValue.set(vote.valueId, (tally.byValue.get(vote.valueId) ?? 0n) + power)
  if (!votes.voters.has(vote.validator)) {
    votes.voters.add(vote.validator)
    votes.votersPower += power
  }
  return result
}

function tally(keeper: VoteKeeper, round: Round, type: VoteType): VoteTally | undefined {
  const votes = keeper.rounds.get(round)
  return votes === undefined ? undefined : tallyOf(votes, type)
}

/** 2f+1 ⟨type, h, round, id⟩ for this exact value (or nil when `valueId` is null). */
export function hasQuorumFor(keeper: VoteKeeper, round: Round, type: VoteType, valueId: ValueId | null): boolean {
  const t = tally(keeper, round, type)
  return t !== undefined && isQuorum(t.byValue.get(valueId) ?? 0n, keeper.totalPower)
}

/** 2f+1 ⟨type, h, round, ∗⟩: any mix of values. */
export function hasQuorumAny(keeper: VoteKeeper, round: Round, type: VoteType): boolean {
  const t = tally(keeper, round, type)
  return t !== undefined && isQuorum(t.total, keeper.totalPower)
}

/** Rounds above `round` in which validators holding > 1/3 of the power have voted (L55). */
export function highestSkipRound(keeper: VoteKeeper, round: Round): Round | null {
  let best: Round | null = null
  for (const [r, votes] of keeper.rounds) {
    if (r > round && (best === null || r > best) && isOneThird(votes.votersPower, keeper.totalPower)) best = r
  }
  return best
}

/** The precommits for `valueId` in `round`, in validator-address order (the commit certificate). */
export function precommitsFor(keeper: VoteKeeper, round: Round, valueId: ValueId): Vote[] {
  const t = tally(keeper, round, 'precommit')
  if (t === undefined) return []
  return votesFor(t, valueId).sort((a, b) => (a.validator < b.validator ? -1 : 1))
}

/** Prevotes for `valueId` in `round` (the proof of lock a proposer relays with a re-proposal). */
export function prevotesFor(keeper: VoteKeeper, round: Round, valueId: ValueId): Vote[] {
  const t = tally(keeper, round, 'prevote')
  if (t === undefined) return []
  return votesFor(t, valueId)
}

function votesFor(t: VoteTally, valueId: ValueId | null): Vote[] {
  const out: Vote[] = []
  for (const votes of t.byValidator.values()) {
    const vote = votes.find((v) => v.valueId === valueId)
    if (vote !== undefined) out.push(vote)
  }
  return out
}

/**
 * Whether `addVote` would count this vote: its validator is in the set, it is not already
 * counted, and the validator's (round, type) slot is below the cap — or `pastCap` (a vote the
 * caller counts past the cap: certified, or one a held proposal stands on).
 */
export function slotAdmits(keeper: VoteKeeper, vote: Omit<Vote, 'signature'>, pastCap = false): boolean {
  if (!keeper.powers.has(vote.validator)) return false
  const existing = tally(keeper, vote.round, vote.type)?.byValidator.get(vote.validator)
  if (existing === undefined) return true
  return (pastCap || existing.length < MAX_VOTES_PER_SLOT) && !existing.some((v) => v.valueId === vote.valueId)
}

/** Whether exactly this vote (validator, round, type, value) is already counted. */
export function hasVote(keeper: VoteKeeper, vote: Omit<Vote, 'signature'>): boolean {
  const t = tally(keeper, vote.round, vote.type)
  return t?.byValidator.get(vote.validator)?.some((v) => v.valueId === vote.valueId) ?? false
}
