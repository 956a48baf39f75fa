import { t, decodeStored, encode } from '../../codec/index.js'
import { type Dec, decType } from '../../state/index.js'
import type { DecCoins } from './dec-coins.js'

/**
 * The stored forms of distribution's F1 records (x/distribution's types), each with its codec
 * struct and a plain value: DecCoins are stored as arrays of DecCoin in canonical order.
 */
const DecCoinRecord = t.struct('distribution/DecCoin', 2210, 1, { denom: t.string({ max: 64 }), amount: decType })
const DECCOINS = t.array(DecCoinRecord, { max: 64 })

export const DecCoinsRecord = t.struct('distribution/DecCoins', 2211, 1, { coins: DECCOINS })

/** Cumulative reward per token up to the end of `period`; referenced by starting infos, slash events and the current period. */
export const HistoricalRewardsRecord = t.struct('distribution/ValidatorHistoricalRewards', 2212, 1, {
  ratio: DECCOINS,
  referenceCount: t.u32,
})

/** Rewards of the period in progress (not yet divided by tokens) and its number. */
export const CurrentRewardsRecord = t.struct('distribution/ValidatorCurrentRewards', 2213, 1, { rewards: DECCOINS, period: t.u64 })

/** Where a delegation's rewards start: the period before it, its stake then, the height it began. */
export const StartingInfoRecord = t.struct('distribution/DelegatorStartingInfo', 2214, 1, {
  previousPeriod: t.u64,
  stake: decType,
  height: t.u64,
})

/** A slash that ended `period`: stakes of delegations started before it shrink by `fraction`. */
export const SlashEventRecord = t.struct('distribution/ValidatorSlashEvent', 2215, 1, { period: t.u64, fraction: decType })

export interface HistoricalRewards {
  ratio: DecCoins
  referenceCount: number
}
export interface CurrentRewards {
  rewards: DecCoins
  period: bigint
}
export interface StartingInfo {
  previousPeriod: bigint
  stake: Dec
  height: bigint
}
export interface SlashEvent {
  period: bigint
  fraction: Dec
}

export const encodeDecCoins = (coins: DecCoins): Uint8Array => encode(DecCoinsRecord, { coins: [...coins] })
export const decodeDecCoins = (bytes: Uint8Array | undefined): DecCoins =>
  bytes === undefined ? [] : decodeStored(DecCoinsRecord, bytes).coins

export const encodeHistorical = (value: HistoricalRewards): Uint8Array =>
  encode(HistoricalRewardsRecord, { ratio: [...value.ratio], referenceCount: value.referenceCount })
export const decodeHistorical = (bytes: Uint8Array): HistoricalRewards => decodeStored(HistoricalRewardsRecord, bytes)

export const encodeCurrent = (value: CurrentRewards): Uint8Array =>
  encode(CurrentRewardsRecord, { rewards: [...value.rewards], period: value.period })
export const decodeCurrent = (bytes: Uint8Array): CurrentRewards => decodeStored(CurrentRewardsRecord, bytes)

export const encodeStartingInfo = (value: StartingInfo): Uint8Array => encode(StartingInfoRecord, value)
export const decodeStartingInfo = (bytes: Uint8Array): StartingInfo => decodeStored(StartingInfoRecord, bytes)

export const encodeSlashEvent = (value: SlashEvent): Uint8Array => encode(SlashEventRecord, value)
export const decodeSlashEvent = (bytes: Uint8Array): SlashEvent => decodeStored(SlashEventRecord, bytes)
