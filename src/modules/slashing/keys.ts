import { concatBytes } from '../../state/index.js'

/**
 * Slashing's store, under `slashing/` (0x00 is the framework's params key):
 *   0x01 + consensus address(20)             → ValidatorSigningInfo
 *   0x02 + consensus address(20) + index(8)  → 0x01: the validator missed the block at that
 *                                              window index (absent when it signed: the bitmap
 *                                              is sparse, so a block costs O(1) per vote)
 *   0x03                                     → the signed_blocks_window the bitmaps are laid out
 *                                              in (u64 big-endian); a params change resets them
 * Indexes are big-endian u64, so one validator's bits iterate in index order.
 */
export const MODULE = 'slashing'
const SIGNING_INFO = 0x01
const MISSED_BLOCK = 0x02
const WINDOW = 0x03
const ADDRESS_BYTES = 20
const INDEX_BYTES = 8

export const ALL_SIGNING_INFOS = Uint8Array.of(SIGNING_INFO)
export const ALL_MISSED_BLOCKS = Uint8Array.of(MISSED_BLOCK)
export const MISSED = Uint8Array.of(1)
export const WINDOW_KEY = Uint8Array.of(WINDOW)

export const signingInfoKey = (consensusAddress: Uint8Array): Uint8Array => concatBytes(ALL_SIGNING_INFOS, consensusAddress)

/** The prefix of every missed bit of one validator. */
export const missedBlocksOf = (consensusAddress: Uint8Array): Uint8Array => concatBytes(ALL_MISSED_BLOCKS, consensusAddress)

export function missedBlockKey(consensusAddress: Uint8Array, index: bigint): Uint8Array {
  const suffix = new Uint8Array(INDEX_BYTES)
  new DataView(suffix.buffer).setBigUint64(0, index)
  return concatBytes(missedBlocksOf(consensusAddress), suffix)
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** The consensus address a signing-info key names. */
export function parseSigningInfoKey(key: Uint8Array): Uint8Array {
  if (key[0] !== SIGNING_INFO || key.length !== 1 + ADDRESS_BYTES) throw new Error(`not a slashing signing-info key: ${hex(key)}`)
  return key.slice(1)
}

/** The consensus address and window index a missed-block key names. */
export function parseMissedBlockKey(key: Uint8Array): { consensusAddress: Uint8Array; index: bigint } {
  if (key[0] !== MISSED_BLOCK || key.length !== 1 + ADDRESS_BYTES + INDEX_BYTES)
    throw new Error(`not a slashing missed-block key: ${hex(key)}`)
  return {
    consensusAddress: key.slice(1, 1 + ADDRESS_BYTES),
    index: new DataView(key.buffer, key.byteOffset + 1 + ADDRESS_BYTES, INDEX_BYTES).getBigUint64(0),
  }
}
