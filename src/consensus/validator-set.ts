import { ConsensusError } from './errors.js'
import type { Address, Validator } from './types.js'

/** CometBFT's cap, so priority arithmetic stays within int64 as on every CometBFT node. */
export const MAX_TOTAL_VOTING_POWER = (2n ** 63n - 1n) / 8n
const PRIORITY_WINDOW_SIZE_FACTOR = 2n
const INT64_MAX = 2n ** 63n - 1n
const INT64_MIN = -(2n ** 63n)

export interface ValidatorWithPriority extends Validator {
  proposerPriority: bigint
}

/**
 * A validator set with CometBFT proposer priorities. `validators` is sorted by address (the
 * canonical order for hashing and commits); `proposer` is the validator chosen by the last
 * priority increment, i.e. the proposer of round 0 at the height this set belongs to.
 */
export interface ValidatorSet {
  validators: ValidatorWithPriority[]
  totalPower: bigint
  proposer: Address
}

/** A change from execution: power 0 removes the validator (CometBFT's ValidatorUpdate). */
export interface ValidatorUpdate {
  address: Address
  publicKey: Uint8Array
  votingPower: bigint
}

const clip = (value: bigint): bigint => (value > INT64_MAX ? INT64_MAX : value < INT64_MIN ? INT64_MIN : value)
const byAddress = (a: { address: Address }, b: { address: Address }): number => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)

/** Floor division (Go's big.Int Div for a positive divisor), used for the priority average. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n ? q - 1n : q
}

function copySet(set: ValidatorSet): ValidatorSet {
  return { validators: set.validators.map((v) => ({ ...v })), totalPower: set.totalPower, proposer: set.proposer }
}

/** Highest priority wins; ties go to the smaller address (CometBFT CompareProposerPriority). */
function mostPriority(validators: readonly ValidatorWithPriority[]): ValidatorWithPriority {
  let best = validators[0]!
  for (let i = 1; i < validators.length; i++) {
    const v = validators[i]!
    if (v.proposerPriority > best.proposerPriority || (v.proposerPriority === best.proposerPriority && v.address < best.address)) best = v
  }
  return best
}

function rescalePriorities(set: ValidatorSet, diffMax: bigint): void {
  if (diffMax <= 0n || set.validators.length === 0) return
  let max = set.validators[0]!.proposerPriority
  let min = max
  for (const v of set.validators) {
    if (v.proposerPriority > max) max = v.proposerPriority
    if (v.proposerPriority < min) min = v.proposerPriority
  }
  const diff = max - min
  if (diff > diffMax) {
    const ratio = (diff + diffMax - 1n) / diffMax
    for (const v of set.validators) v.proposerPriority /= ratio // truncates toward zero like Go
  }
}

function shiftByAverage(set: ValidatorSet): void {
  let sum = 0n
  for (const v of set.validators) sum += v.proposerPriority
  const average = floorDiv(sum, BigInt(set.validators.length))
  for (const v of set.validators) v.proposerPriority = clip(v.proposerPriority - average)
}

/** One step of weighted round robin: everyone gains its power, the richest pays the total. */
function incrementOnce(set: ValidatorSet): ValidatorWithPriority {
  for (const v of set.validators) v.proposerPriority = clip(v.proposerPriority + v.votingPower)
  const chosen = mostPriority(set.validators)
  chosen.proposerPriority = clip(chosen.proposerPriority - set.totalPower)
  return chosen
}

/** CometBFT `IncrementProposerPriority(times)` on a copy. */
export function incrementProposerPriority(set: ValidatorSet, times: number): ValidatorSet {
  if (times < 1) throw new ConsensusError('INVALID_PARAMS', 'increment at least once', { reason: 'times' })
  const next = copySet(set)
  rescalePriorities(next, PRIORITY_WINDOW_SIZE_FACTOR * next.totalPower)
  shiftByAverage(next)
  let chosen: ValidatorWithPriority | undefined
  for (let i = 0; i < times; i++) chosen = incrementOnce(next)
  next.proposer = chosen!.address
  return next
}

function checkValidators(validators: readonly Validator[]): void {
  const seen = new Set<Address>()
  for (const v of validators) {
    if (seen.has(v.address)) throw new ConsensusError('INVALID_VALIDATOR_SET', 'duplicate validator', { validator: v.address })
    seen.add(v.address)
    if (v.votingPower < 0n) throw new ConsensusError('INVALID_VALIDATOR_SET', 'negative voting power', { validator: v.address })
  }
}

/**
 * Applies a change set (CometBFT `updateWithChangeSet`): updates keep their priority, new
 * validators start at −1.125 × total power so a joining validator cannot propose at once,
 * power 0 removes. Then priorities are rescaled into a window of 2 × total and centred.
 */
export function applyValidatorUpdates(set: ValidatorSet | null, updates: readonly ValidatorUpdate[]): ValidatorSet {
  checkValidators(updates)
  const current = new Map<Address, ValidatorWithPriority>((set?.validators ?? []).map((v) => [v.address, { ...v }]))
  for (const u of updates) {
    if (u.votingPower === 0n) {
      if (!current.has(u.address))
        throw new ConsensusError('INVALID_VALIDATOR_SET', 'removing an unknown validator', { validator: u.address })
      current.delete(u.address)
    }
  }
  const resulting = new Map<Address, bigint>([...current.values()].map((v) => [v.address, v.votingPower]))
  for (const u of updates) if (u.votingPower > 0n) resulting.set(u.address, u.votingPower)
  let total = 0n
  for (const power of resulting.values()) total += power
  if (total === 0n) throw new ConsensusError('INVALID_VALIDATOR_SET', 'a validator set needs power', {})
  if (total > MAX_TOTAL_VOTING_POWER) throw new ConsensusError('INVALID_VALIDATOR_SET', 'total voting power exceeds the cap', {})
  for (const u of updates) {
    if (u.votingPower === 0n) continue
    const existing = current.get(u.address)
    if (existing !== undefined) {
      existing.votingPower = u.votingPower
      existing.publicKey = u.publicKey
    } else {
      current.set(u.address, {
        address: u.address,
        publicKey: u.publicKey,
        votingPower: u.votingPower,
        proposerPriority: -(total + (total >> 3n)),
      })
    }
  }
  const next: ValidatorSet = { validators: [...current.values()].sort(byAddress), totalPower: total, proposer: set?.proposer ?? '' }
  rescalePriorities(next, PRIORITY_WINDOW_SIZE_FACTOR * total)
  shiftByAverage(next)
  if (!current.has(next.proposer)) next.proposer = mostPriority(next.validators).address
  return next
}

/** CometBFT `NewValidatorSet`: the genesis set, incremented once so it has a proposer. */
export function createValidatorSet(validators: readonly Validator[]): ValidatorSet {
  if (validators.length === 0) throw new ConsensusError('INVALID_VALIDATOR_SET', 'empty validator set', {})
  if (validators.some((v) => v.votingPower <= 0n))
    throw new ConsensusError('INVALID_VALIDATOR_SET', 'genesis validators need positive power', {})
  return incrementProposerPriority(applyValidatorUpdates(null, validators), 1)
}

/** The proposer of `round` at the height `set` belongs to (CometBFT: CopyIncrementProposerPriority(round)). */
export function proposerForRound(set: ValidatorSet, round: number): Address {
  return proposerSequence(set, round + 1)[round]!
}

/**
 * Proposers of rounds 0..count-1. Round r+1's priorities are round r's incremented once (as
 * CometBFT's enterNewRound does round by round), so the answer does not depend on which
 * rounds a node skipped.
 */
export function proposerSequence(set: ValidatorSet, count: number): Address[] {
  const out: Address[] = [set.proposer]
  let current = set
  for (let r = 1; r < count; r++) {
    current = incrementProposerPriority(current, 1)
    out.push(current.proposer)
  }
  return out
}

export function votingPowerOf(set: ValidatorSet, address: Address): bigint {
  for (const v of set.validators) if (v.address === address) return v.votingPower
  return 0n
}

export interface ValidatorSets {
  validators: ValidatorSet
  nextValidators: ValidatorSet
}

/** Genesis: the set of height 1 and of height 2 (CometBFT MakeGenesisState). */
export function genesisValidatorSets(validators: readonly Validator[]): ValidatorSets {
  const first = createValidatorSet(validators)
  return { validators: first, nextValidators: incrementProposerPriority(first, 1) }
}

/**
 * After committing height H whose execution returned `updates` (CometBFT updateState): the
 * set of H+1 is the old next set, and the updates land in the set of H+2 — changes take
 * effect two heights later, so every validator knows who votes on H+1 when it commits H.
 */
export function advanceValidatorSets(
  sets: ValidatorSets,
  updates: readonly ValidatorUpdate[],
): ValidatorSets & { lastValidators: ValidatorSet } {
  const changed = updates.length > 0 ? applyValidatorUpdates(sets.nextValidators, updates) : sets.nextValidators
  return { lastValidators: sets.validators, validators: sets.nextValidators, nextValidators: incrementProposerPriority(changed, 1) }
}
