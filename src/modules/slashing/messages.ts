// Message and stored types only (codec, nothing else): the browser client builds transactions from this file.
import { t, type StructValue } from '../../codec/index.js'

/** Asks to let the signer's validator back into the set after its jail period (x/slashing MsgUnjail); the signer is the operator. */
export const MsgUnjail = t.struct('slashing/MsgUnjail', 2100, 1, {})

/**
 * A validator's liveness record, by consensus address (x/slashing ValidatorSigningInfo).
 * `indexOffset` counts the blocks it should have signed since the window last reset; the
 * window index of a block is `indexOffset % signed_blocks_window`. `jailedUntil` is block time
 * in ms (JAILED_FOREVER once tombstoned).
 */
export const ValidatorSigningInfo = t.struct('slashing/ValidatorSigningInfo', 2101, 1, {
  startHeight: t.u64,
  indexOffset: t.u64,
  missedBlocksCounter: t.u64,
  jailedUntil: t.u64,
  tombstoned: t.bool,
})

/** The far future a tombstoned validator is jailed until (x/evidence's DoubleSignJailEndTime): the largest u64. */
export const JAILED_FOREVER = 2n ** 64n - 1n

export type MsgUnjailValue = StructValue<typeof MsgUnjail.fields>
export type ValidatorSigningInfoValue = StructValue<typeof ValidatorSigningInfo.fields>
