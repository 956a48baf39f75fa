import { Dec } from '../../state/index.js'
import type { GovParamsValue } from './params.js'
import type { TallyResultValue, VoteOption, WeightedVoteOptionValue } from './messages.js'

/** A bonded validator as the tally sees it (x/gov's ValidatorGovInfo, before votes). */
export interface TallyValidator {
  operator: Uint8Array
  tokens: bigint
  delegatorShares: Dec
}

export interface TallyVote {
  voter: Uint8Array
  options: WeightedVoteOptionValue[]
}

export interface TallyDelegation {
  validator: Uint8Array
  shares: Dec
}

/** The power behind each option and in all, exact Decs (the stored tally truncates them). */
export interface Tally {
  results: Record<VoteOption, Dec>
  totalVotingPower: Dec
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

/**
 * x/gov v1's Tally (keeper/tally.go), power in bonded tokens:
 * - every voter's delegations to bonded validators vote by the voter's options, each worth
 *   shares × tokens / delegator_shares, and those shares are deducted from the validator;
 * - a bonded validator whose operator voted then votes what is left (delegator_shares −
 *   deductions) × tokens / delegator_shares by its own options; one that did not vote adds
 *   nothing (its non-voting delegators are not counted).
 * Products and quotients truncate at 18 digits (Fedra's Dec; LegacyDec rounds the last digit).
 */
export function tally(
  validators: readonly TallyValidator[],
  votes: readonly TallyVote[],
  delegationsOf: (voter: Uint8Array) => readonly TallyDelegation[],
): Tally {
  const results: Record<VoteOption, Dec> = { yes: Dec.ZERO, abstain: Dec.ZERO, no: Dec.ZERO, no_with_veto: Dec.ZERO }
  let totalVotingPower = Dec.ZERO
  const current = new Map<string, { v: TallyValidator; deductions: Dec; vote: WeightedVoteOptionValue[] | null }>()
  for (const v of validators) if (!v.delegatorShares.isZero()) current.set(hex(v.operator), { v, deductions: Dec.ZERO, vote: null })
  const add = (power: Dec, options: readonly WeightedVoteOptionValue[]) => {
    for (const o of options) results[o.option as VoteOption] = results[o.option as VoteOption].add(power.mul(o.weight))
    totalVotingPower = totalVotingPower.add(power)
  }
  for (const vote of votes) {
    const own = current.get(hex(vote.voter))
    if (own !== undefined) own.vote = vote.options
    for (const d of delegationsOf(vote.voter)) {
      const val = current.get(hex(d.validator))
      if (val === undefined) continue
      val.deductions = val.deductions.add(d.shares)
      add(d.shares.mulInt(val.v.tokens).quo(val.v.delegatorShares), vote.options)
    }
  }
  for (const { v, deductions, vote } of current.values()) {
    if (vote === null) continue
    add(v.delegatorShares.sub(deductions).mulInt(v.tokens).quo(v.delegatorShares), vote)
  }
  return { results, totalVotingPower }
}

/** The stored form of a tally: each option's power truncated to whole units (x/gov's NewTallyResultFromMap). */
export const tallyResult = (t: Tally): TallyResultValue => ({
  yes: t.results.yes.truncate(),
  abstain: t.results.abstain.truncate(),
  no: t.results.no.truncate(),
  noWithVeto: t.results.no_with_veto.truncate(),
})

/** How a voting period ends: passed, or why not. */
export type VotingOutcome = 'passed' | 'no_bonded_tokens' | 'quorum_not_met' | 'all_abstained' | 'vetoed' | 'threshold_not_met'

/**
 * x/gov v1's verdict on a tally, in its order: no bonded tokens → rejected; turnout below quorum
 * → rejected (burn if burn_vote_quorum); everyone abstained → rejected; no_with_veto above
 * veto_threshold of all power → vetoed (burn if burn_vote_veto); yes above the threshold
 * (expedited_threshold when expedited) of the non-abstaining power → passed; else rejected.
 */
export function decide(
  t: Tally,
  totalBonded: bigint,
  params: GovParamsValue,
  expedited: boolean,
): { outcome: VotingOutcome; burn: boolean } {
  if (totalBonded === 0n) return { outcome: 'no_bonded_tokens', burn: false }
  if (t.totalVotingPower.quo(Dec.fromInt(totalBonded)).lt(params.quorum)) return { outcome: 'quorum_not_met', burn: params.burnVoteQuorum }
  const nonAbstaining = t.totalVotingPower.sub(t.results.abstain)
  if (nonAbstaining.isZero()) return { outcome: 'all_abstained', burn: false }
  if (t.results.no_with_veto.quo(t.totalVotingPower).gt(params.vetoThreshold)) return { outcome: 'vetoed', burn: params.burnVoteVeto }
  const threshold = expedited ? params.expeditedThreshold : params.threshold
  if (t.results.yes.quo(nonAbstaining).gt(threshold)) return { outcome: 'passed', burn: false }
  return { outcome: 'threshold_not_met', burn: false }
}
