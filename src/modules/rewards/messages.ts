// Message and stored types only (codec, nothing else): the browser client builds transactions from this file.
import { t, type StructValue } from '../../codec/index.js'
import { Coin } from '../bank/messages.js'

const address = t.fixedBytes(20)
/** Most trainers (or validators) one round's payouts list: training's MAX_INCLUDED, and as many validators. */
const MAX_PAYEES = 1024

/**
 * Adds the signer's coins to subnet `subnet`'s reward pool: paid out from the next round that
 * settles, by the subnet's reward split. Anyone may fund any subnet; the amount must be in the
 * bond denomination.
 */
export const MsgFundSubnetPool = t.struct('rewards/MsgFundSubnetPool', 2700, 1, {
  subnet: t.u64,
  amount: Coin,
})

/** A stored amount of the bond denomination (a pool, a treasury). */
export const Amount = t.struct('rewards/Amount', 2710, 1, { amount: t.uint() })

/** One trainer's outcome of a settled round: what it was paid and what its bond lost (burned). */
export const TrainerPayout = t.struct('rewards/TrainerPayout', 2711, 1, {
  trainer: address,
  reward: t.uint(),
  slashed: t.uint(),
  harmful: t.bool,
})

/** One validator operator's share of the scorers' part. */
export const ScorerPayout = t.struct('rewards/ScorerPayout', 2712, 1, {
  operator: address,
  amount: t.uint(),
})

/**
 * The settlement of one round (settlement.ts), kept as the record of who got what. `available`
 * = the pool before the split (carried + funded + this round's `emission`); `trainersShare`,
 * `aggregatorShare`, `scorersShare`, `dataShare` its parts by the subnet's reward split (each
 * truncated); then what each payee got, the data share into the treasury, and `carried`, the
 * pool after. Always: available = Σ trainers' rewards + aggregatorPaid + Σ scorers + dataShare + carried.
 */
export const RoundPayouts = t.struct('rewards/RoundPayouts', 2713, 1, {
  subnet: t.u64,
  round: t.u64,
  version: t.u64,
  scored: t.bool,
  emission: t.uint(),
  available: t.uint(),
  trainersShare: t.uint(),
  aggregatorShare: t.uint(),
  scorersShare: t.uint(),
  dataShare: t.uint(),
  trainers: t.array(TrainerPayout, { max: MAX_PAYEES }),
  aggregator: t.optional(address),
  aggregatorPaid: t.uint(),
  scorers: t.array(ScorerPayout, { max: MAX_PAYEES }),
  carried: t.uint(),
  height: t.u64,
})

/** Running totals: every unit of emission this module minted, and every unit of trainers' bonds its slashes burned. */
export const RewardsTotals = t.struct('rewards/Totals', 2714, 1, {
  emitted: t.uint(),
  burned: t.uint(),
})

export type MsgFundSubnetPoolValue = StructValue<typeof MsgFundSubnetPool.fields>
export type TrainerPayoutValue = StructValue<typeof TrainerPayout.fields>
export type ScorerPayoutValue = StructValue<typeof ScorerPayout.fields>
export type RoundPayoutsValue = StructValue<typeof RoundPayouts.fields>
export type RewardsTotalsValue = StructValue<typeof RewardsTotals.fields>
