// The DP budget ledger's messages and records (codec only). Tags 2586–2589 of training's range.
import { t, type StructValue } from '../../codec/index.js'
import { decType } from '../../state/dec.js'

/**
 * A subnet's differential-privacy policy, set once by its admin (a policy that could be replaced
 * could reset the budget): trainers clip each round's update to L2 norm `clipNorm` (model units)
 * and add N(0, (noiseMultiplier·clipNorm)²) per coordinate (src/fl/train/privacy.ts); each round
 * releases with ρ = 1/(2·noiseMultiplier²)-zCDP; `samplingRate` is the fraction of trainers a
 * round samples (recorded; no amplification is claimed, so the ledger charges the full ρ); the
 * subnet's rounds may spend at most (targetEpsilon, delta)-DP in all.
 */
export const MsgSetDpPolicy = t.struct('training/MsgSetDpPolicy', 2586, 1, {
  subnet: t.u64,
  clipNorm: decType,
  noiseMultiplier: decType,
  samplingRate: decType,
  targetEpsilon: decType,
  delta: decType,
})

export const DpPolicyRecord = t.struct('training/DpPolicy', 2587, 1, {
  clipNorm: decType,
  noiseMultiplier: decType,
  samplingRate: decType,
  targetEpsilon: decType,
  delta: decType,
  /** The first round the policy governs (the round open when it was set, or the next). */
  fromRound: t.u64,
  height: t.u64,
})

/** A subnet's privacy spend: rounds charged, their summed ρ, and the last round charged. */
export const DpLedgerRecord = t.struct('training/DpLedger', 2588, 1, {
  rounds: t.u64,
  rho: decType,
  lastRound: t.optional(t.u64),
})

export type MsgSetDpPolicyValue = StructValue<typeof MsgSetDpPolicy.fields>
export type DpPolicyValue = StructValue<typeof DpPolicyRecord.fields>
export type DpLedgerValue = StructValue<typeof DpLedgerRecord.fields>
