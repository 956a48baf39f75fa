import type { ConsensusEffect, Transition } from './effects.js'
import type { ConsensusInput } from './inputs.js'
import { timeoutDuration } from './params.js'
import type { ConsensusState } from './state.js'
import { type Address, NIL_ROUND, type Proposal, type Round, type Timeout, type TimeoutStep, type ValueId, type Vote } from './types.js'
import { proposerSequence } from './validator-set.js'
import { addVote, createVoteKeeper, hasQuorumAny, hasQuorumFor, highestSkipRound, precommitsFor, slotAdmits } from './vote-keeper.js'

/**
 * Algorithm 1 of "The latest gossip on BFT consensus" (Buchman, Kwon, Milosevic 2018),
 * lines 11–67, as a pure function. `step` takes ownership of `state` (it is updated in place,
 * like a moved value in Rust) and returns it with the effects the driver must carry out, in
 * order. No clock, no I/O, no randomness: the same inputs give the same effects.
 *
 * Structure: an input first updates the message log or the variables it names (timeouts:
 * L57–L67), then every "upon" rule of the paper is a guarded command, and the guards are
 * re-evaluated until none fires (the paper's rules run whenever their condition holds).
 */
export function step(state: ConsensusState, input: ConsensusInput): Transition<ConsensusState> {
  const effects: ConsensusEffect[] = []
  const s = state
  switch (input.kind) {
    case 'startHeight':
      startHeight(s, effects, input.height, input.validators)
      break
    case 'proposal':
      onProposal(s, effects, input.proposal, input.timely)
      break
    case 'vote':
      onVote(s, effects, input.vote)
      break
    case 'timeout':
      onTimeout(s, effects, input.timeout)
      break
    case 'blockValidity':
      if (input.height === s.height && s.knownValues.has(input.valueId)) s.validity.set(input.valueId, input.valid)
      break
    case 'proposeValue':
      // L18–L19: the value from getValue(); only if we are still proposing in that round.
      if (input.height === s.height && input.round === s.round && s.step === 'propose' && s.awaitingValue) {
        s.awaitingValue = false
        broadcastProposal(s, effects, input.valueId, NIL_ROUND)
      }
      break
    case 'commitCertificate':
      if (input.height === s.height) onCommitCertificate(s, effects, input.valueId, input.precommits)
      break
  }
  if (s.step !== 'unstarted' && s.step !== 'commit') applyRules(s, effects)
  return { state: s, effects }
}

// ---------------------------------------------------------------------------------------------
// Inputs

/** L10 (first height) and L52–L54 (next height): reset the height's variables, StartRound(0). */
function startHeight(s: ConsensusState, effects: ConsensusEffect[], height: number, validators: ConsensusState['validators']): void {
  if (validators === null || height <= s.height) return
  s.height = height
  s.validators = validators
  s.proposers = []
  s.lockedValue = null // L53
  s.lockedRound = NIL_ROUND
  s.validValue = null
  s.validRound = NIL_ROUND
  s.decision = null
  s.proposals = new Map() // L53 "empty message log"
  s.knownValues = new Set()
  s.validity = new Map()
  s.votes = createVoteKeeper(
    s.faults.countByNumber === true ? validators.validators.map((v) => ({ ...v, votingPower: 1n })) : validators.validators,
  )
  s.prevoteTimeoutScheduled = new Set()
  s.polkaSeen = new Set()
  s.precommitTimeoutScheduled = new Set()
  startRound(s, effects, 0) // L10 / L54
}

/**
 * Proposals are kept for at most this many rounds above the current one. The paper's message
 * log is unbounded; a proposal carries a whole block, so a Byzantine proposer could otherwise
 * park a block in every one of its rounds up to `maxRoundsAhead`. One further ahead is treated
 * as lost before GST: the proposer re-sends it while it is in that round (driver rebroadcast),
 * and L55 brings a lagging node into the round where it is re-sent.
 */
export const PROPOSAL_ROUNDS_AHEAD = 2

/**
 * Whether `onProposal` would record this proposal. The driver asks before it verifies, stores,
 * relays or logs anything, so what the core would drop costs neither memory nor WAL bytes.
 */
export function admitsProposal(s: ConsensusState, proposal: Omit<Proposal, 'signature'>): boolean {
  if (s.step === 'unstarted' || proposal.height !== s.height) return false
  if (proposal.round < 0 || proposal.round > s.round + Math.min(s.maxRoundsAhead, PROPOSAL_ROUNDS_AHEAD)) return false
  // A proposal counts only "from proposer(h_p, r)" (L22, L28, L36, L49), with vr < r.
  if (proposal.proposer !== proposer(s, proposal.round)) return false
  if (proposal.polRound < NIL_ROUND || proposal.polRound >= proposal.round) return false
  // The first proposal of a round stands; a different second one is proposer equivocation,
  // and honest nodes keep the first (its conflicting twin cannot gather +2/3 without it).
  return !s.proposals.has(proposal.round)
}

/**
 * Whether `onVote` would record this vote: right height, round in range, a member of the set,
 * not already counted, and its (validator, round, type) slot not full. The slot is what a
 * signature is for, so a repeat of any vote — also one past the per-slot cap — is dropped
 * before its signature is checked or it is logged again.
 */
export function admitsVote(s: ConsensusState, vote: Omit<Vote, 'signature'>): boolean {
  if (s.step === 'unstarted' || vote.height !== s.height) return false
  if (vote.round < 0 || vote.round > s.round + s.maxRoundsAhead) return false
  return slotAdmits(s.votes, vote) || slotAdmits(s.votes, vote, backsProposal(s, vote))
}

/**
 * A vote for a value a held proposal stands on: the value proposed in the vote's round (L36,
 * L49), or a value re-proposed with the vote's round as its valid round (L28). It is counted
 * past the per-slot cap, as a certified precommit is: otherwise an equivocator that filled its
 * slot with junk first hides the very vote a polka needs from some nodes, and a height can
 * stall with honest validators split between a lock they cannot lose and a polka they cannot
 * see. Memory stays bounded: one such vote per validator per held proposal.
 */
function backsProposal(s: ConsensusState, vote: Omit<Vote, 'signature'>): boolean {
  if (vote.valueId === null) return false
  if (s.proposals.get(vote.round)?.proposal.valueId === vote.valueId) return true
  if (vote.type !== 'prevote') return false
  for (const { proposal } of s.proposals.values()) if (proposal.polRound === vote.round && proposal.valueId === vote.valueId) return true
  return false
}

function onProposal(s: ConsensusState, effects: ConsensusEffect[], proposal: Proposal, timely: boolean): void {
  if (!admitsProposal(s, proposal)) return
  s.proposals.set(proposal.round, { proposal, timely })
  learnValue(s, effects, proposal.valueId)
}

/** The driver holds this value's block: ask for valid(v) once. */
function learnValue(s: ConsensusState, effects: ConsensusEffect[], valueId: ValueId): void {
  if (s.knownValues.has(valueId)) return
  s.knownValues.add(valueId)
  effects.push({ kind: 'validateBlock', height: s.height, valueId })
}

function onVote(s: ConsensusState, effects: ConsensusEffect[], vote: Vote): void {
  if (!admitsVote(s, vote)) return
  const result = addVote(s.votes, vote, backsProposal(s, vote))
  if (result.kind === 'equivocation') effects.push({ kind: 'equivocation', first: result.existing, second: vote })
}

/**
 * The certificate's precommits are messages like any other (L49 counts them); they are
 * counted even past the per-validator cap, so an equivocator flooding conflicting precommits
 * cannot hide its real one and keep a lagging node from deciding.
 */
function onCommitCertificate(s: ConsensusState, effects: ConsensusEffect[], valueId: ValueId, precommits: Vote[]): void {
  if (s.step === 'unstarted') return
  learnValue(s, effects, valueId)
  for (const vote of precommits) {
    if (vote.height !== s.height || vote.type !== 'precommit' || vote.valueId !== valueId) continue
    const result = addVote(s.votes, vote, true)
    if (result.kind === 'equivocation') effects.push({ kind: 'equivocation', first: result.existing, second: vote })
  }
}

function onTimeout(s: ConsensusState, effects: ConsensusEffect[], timeout: Timeout): void {
  if (timeout.height !== s.height || timeout.round !== s.round) return // L58, L62, L66
  switch (timeout.step) {
    case 'propose':
      // L57–L60 OnTimeoutPropose
      if (s.step === 'propose') {
        broadcastVote(s, effects, 'prevote', null) // L59
        s.step = 'prevote' // L60
      }
      return
    case 'prevote':
      // L61–L64 OnTimeoutPrevote
      if (s.step === 'prevote') {
        broadcastVote(s, effects, 'precommit', null) // L63
        s.step = 'precommit' // L64
      }
      return
    case 'precommit':
      // L65–L67 OnTimeoutPrecommit
      if (s.step !== 'commit') startRound(s, effects, s.round + 1) // L67
      return
  }
}

// ---------------------------------------------------------------------------------------------
// Upon rules

function applyRules(s: ConsensusState, effects: ConsensusEffect[]): void {
  for (;;) {
    if (s.step === 'commit') return
    if (uponDecision(s, effects)) return // L49
    if (uponRoundSkip(s, effects)) continue // L55
    if (uponProposalFresh(s, effects)) continue // L22
    if (uponProposalWithPolka(s, effects)) continue // L28
    if (uponPrevoteAny(s, effects)) continue // L34
    if (uponPolkaForProposal(s, effects)) continue // L36
    if (uponPrevoteNil(s, effects)) continue // L44
    if (uponPrecommitAny(s, effects)) continue // L47
    return
  }
}

/**
 * L22–L27: ⟨PROPOSAL, h, r, v, −1⟩ from proposer(h, r) while step = propose.
 * Proposer-based time: a fresh proposal must also be timely (its time not beyond the local
 * clock plus drift); re-proposals (L28) are judged on validity alone, as in CometBFT's PBTS.
 */
function uponProposalFresh(s: ConsensusState, effects: ConsensusEffect[]): boolean {
  if (s.step !== 'propose') return false
  const entry = s.proposals.get(s.round)
  if (entry === undefined || entry.proposal.polRound !== NIL_ROUND) return false
  const v = entry.proposal.valueId
  const valid = s.validity.get(v)
  if (valid === undefined) return false // wait for valid(v)
  // L23: valid(v) ∧ (lockedRound = −1 ∨ lockedValue = v)
  const lockAllows = s.faults.ignoreLock === true || s.lockedRound === NIL_ROUND || s.lockedValue === v
  if (valid && entry.timely && lockAllows) {
    broadcastVote(s, effects, 'prevote', v) // L24
  } else {
    broadcastVote(s, effects, 'prevote', null) // L26
  }
  s.step = 'prevote' // L27
  return true
}

/** L28–L33: ⟨PROPOSAL, h, r, v, vr⟩ AND 2f+1 ⟨PREVOTE, h, vr, id(v)⟩ while step = propose ∧ 0 ≤ vr < r. */
function uponProposalWithPolka(s: ConsensusState, effects: ConsensusEffect[]): boolean {
  if (s.step !== 'propose') return false
  const entry = s.proposals.get(s.round)
  if (entry === undefined) return false
  const { valueId: v, polRound: vr } = entry.proposal
  if (vr < 0 || vr >= s.round) return false
  if (!hasQuorumFor(s.votes, vr, 'prevote', v)) return false
  const valid = s.validity.get(v)
  if (valid === undefined) return false
  // L29: valid(v) ∧ (lockedRound ≤ vr ∨ lockedValue = v)
  const lockAllows = s.faults.ignoreLock === true || s.faults.reproposalIgnoresLock === true || s.lockedRound <= vr || s.lockedValue === v
  if (valid && lockAllows) {
    broadcastVote(s, effects, 'prevote', v) // L30
  } else {
    broadcastVote(s, effects, 'prevote', null) // L32
  }
  s.step = 'prevote' // L33
  return true
}

/** L34–L35: 2f+1 ⟨PREVOTE, h, r, ∗⟩ while step = prevote, for the first time. */
function uponPrevoteAny(s: ConsensusState, effects: ConsensusEffect[]): boolean {
  if (s.step !== 'prevote' || s.prevoteTimeoutScheduled.has(s.round)) return false
  if (!hasQuorumAny(s.votes, s.round, 'prevote')) return false
  s.prevoteTimeoutScheduled.add(s.round)
  scheduleTimeout(s, effects, 'prevote') // L35
  return true
}

/** L36–L43: ⟨PROPOSAL, h, r, v, ∗⟩ AND 2f+1 ⟨PREVOTE, h, r, id(v)⟩ while valid(v) ∧ step ≥ prevote, first time. */
function uponPolkaForProposal(s: ConsensusState, effects: ConsensusEffect[]): boolean {
  if ((s.step !== 'prevote' && s.step !== 'precommit') || s.polkaSeen.has(s.round)) return false
  const entry = s.proposals.get(s.round)
  if (entry === undefined) return false
  const v = entry.proposal.valueId
  if (s.validity.get(v) !== true || !hasQuorumFor(s.votes, s.round, 'prevote', v)) return false
  s.polkaSeen.add(s.round)
  if (s.step === 'prevote') {
    // L37–L41
    s.lockedValue = v // L38
    s.lockedRound = s.round // L39
    broadcastVote(s, effects, 'precommit', v) // L40
    s.step = 'precommit' // L41
  }
  s.validValue = v // L42
  s.validRound = s.round // L43
  return true
}

/** L44–L46: 2f+1 ⟨PREVOTE, h, r, nil⟩ while step = prevote. */
function uponPrevoteNil(s: ConsensusState, effects: ConsensusEffect[]): boolean {
  if (s.step !== 'prevote' || !hasQuorumFor(s.votes, s.round, 'prevote', null)) return false
  broadcastVote(s, effects, 'precommit', null) // L45
  s.step = 'precommit' // L46
  return true
}

/** L47–L48: 2f+1 ⟨PRECOMMIT, h, r, ∗⟩ for the first time. */
function uponPrecommitAny(s: ConsensusState, effects: ConsensusEffect[]): boolean {
  if (s.precommitTimeoutScheduled.has(s.round) || !hasQuorumAny(s.votes, s.round, 'precommit')) return false
  s.precommitTimeoutScheduled.add(s.round)
  scheduleTimeout(s, effects, 'precommit') // L48
  return true
}

/**
 * L49–L54: ⟨PROPOSAL, h, r, v, ∗⟩ AND 2f+1 ⟨PRECOMMIT, h, r, id(v)⟩ while decision = nil, any r.
 * The value id is the block hash, so any copy of v the driver holds (from this round's
 * proposal, another round's, or a peer's commit certificate) is the same v; like CometBFT we
 * do not insist that it came in round r's proposal message.
 */
function uponDecision(s: ConsensusState, effects: ConsensusEffect[]): boolean {
  if (s.decision !== null) return false
  for (const [r, votes] of s.votes.rounds) {
    for (const [v, power] of votes.precommits.byValue) {
      if (v === null || power * 3n <= s.votes.totalPower * 2n) continue
      if (!s.knownValues.has(v) || (s.validity.get(v) !== true && s.faults.decideUnvalidated !== true)) continue // L50: valid(v)
      s.decision = { round: r, valueId: v } // L51
      s.step = 'commit' // L52–L54 continue with the next startHeight input from the driver
      effects.push({ kind: 'decide', height: s.height, round: r, valueId: v, precommits: precommitsFor(s.votes, r, v) })
      return true
    }
  }
  return false
}

/** L55–L56: f+1 ⟨∗, h, round, ∗, ∗⟩ with round > round_p → StartRound(round). */
function uponRoundSkip(s: ConsensusState, effects: ConsensusEffect[]): boolean {
  const target = highestSkipRound(s.votes, s.round)
  if (target === null) return false
  startRound(s, effects, target) // L56
  return true
}

// ---------------------------------------------------------------------------------------------
// Actions

/** L11–L21 StartRound(round). */
function startRound(s: ConsensusState, effects: ConsensusEffect[], round: Round): void {
  s.round = round // L12
  s.step = 'propose' // L13
  s.awaitingValue = false
  if (s.faults.amnesia === true) {
    s.lockedValue = null
    s.lockedRound = NIL_ROUND
    s.validValue = null
    s.validRound = NIL_ROUND
  }
  if (s.self !== null && proposer(s, round) === s.self) {
    // L14
    if (s.validValue !== null) {
      broadcastProposal(s, effects, s.validValue, s.validRound) // L15–L16, L19
    } else {
      s.awaitingValue = true
      effects.push({ kind: 'getValue', height: s.height, round }) // L18
      // getValue is asynchronous here; if it never answers, the round must still move on.
      scheduleTimeout(s, effects, 'propose')
    }
  } else {
    scheduleTimeout(s, effects, 'propose') // L21
  }
}

function broadcastProposal(s: ConsensusState, effects: ConsensusEffect[], valueId: ValueId, polRound: Round): void {
  if (s.self === null) return
  effects.push({ kind: 'broadcastProposal', proposal: { height: s.height, round: s.round, valueId, polRound, proposer: s.self } })
}

function broadcastVote(s: ConsensusState, effects: ConsensusEffect[], type: Vote['type'], valueId: ValueId | null): void {
  if (s.self === null || !s.votes.powers.has(s.self)) return // full nodes and non-validators only follow
  effects.push({ kind: 'broadcastVote', vote: { type, height: s.height, round: s.round, valueId, validator: s.self } })
}

function scheduleTimeout(s: ConsensusState, effects: ConsensusEffect[], which: TimeoutStep): void {
  const timeout = { step: which, height: s.height, round: s.round }
  effects.push({ kind: 'scheduleTimeout', timeout, durationMs: timeoutDuration(s.timeouts, which, s.round) })
}

/** proposer(h, r), from the height's validator set by CometBFT's weighted round robin. */
export function proposer(s: ConsensusState, round: Round): Address {
  if (s.validators === null) return ''
  if (round >= s.proposers.length) s.proposers = proposerSequence(s.validators, Math.max(round + 1, s.proposers.length * 2, 8))
  return s.proposers[round]!
}
