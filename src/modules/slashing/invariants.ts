import type { Context } from '../../state/index.js'
import { consensusAddressText } from './events.js'
import { SlashingKeeper } from './keeper.js'
import { JAILED_FOREVER } from './messages.js'
import { SigningInfos } from './signing-infos.js'

const id = (address: Uint8Array): string => Buffer.from(address).toString('hex')

/**
 * The bitmap and the counters agree: every validator's missed_blocks_counter equals its number
 * of stored missed bits, is at most the window, and every bit belongs to a validator with
 * signing info and lies inside the window.
 */
export function missedBlocksInvariant(ctx: Context): string | null {
  const books = new SigningInfos(ctx.moduleStore())
  // The window the bits were laid out in: a params change in this block takes effect at the next begin-block.
  const window = books.window() ?? new SlashingKeeper(ctx).params().signedBlocksWindow
  const bits = new Map<string, bigint>()
  for (const { consensusAddress, index } of books.allMissed()) {
    if (index >= window)
      return `${consensusAddressText(consensusAddress)} has a missed bit at index ${index}, outside the window of ${window}`
    bits.set(id(consensusAddress), (bits.get(id(consensusAddress)) ?? 0n) + 1n)
  }
  for (const { consensusAddress, info } of books.all()) {
    const stored = bits.get(id(consensusAddress)) ?? 0n
    if (info.missedBlocksCounter !== stored)
      return `${consensusAddressText(consensusAddress)} counts ${info.missedBlocksCounter} missed blocks, its bitmap holds ${stored}`
    if (info.missedBlocksCounter > window)
      return `${consensusAddressText(consensusAddress)} counts ${info.missedBlocksCounter} missed blocks, more than the window of ${window}`
    bits.delete(id(consensusAddress))
  }
  for (const [address] of bits)
    return `missed bits stored for ${consensusAddressText(Buffer.from(address, 'hex'))}, which has no signing info`
  return null
}

/** A tombstoned validator is jailed forever. */
export function tombstoneInvariant(ctx: Context): string | null {
  for (const { consensusAddress, info } of new SigningInfos(ctx.moduleStore()).all()) {
    if (info.tombstoned && info.jailedUntil !== JAILED_FOREVER)
      return `${consensusAddressText(consensusAddress)} is tombstoned but jailed only until ${info.jailedUntil}`
  }
  return null
}

export const slashingInvariants = { 'missed-blocks': missedBlocksInvariant, tombstone: tombstoneInvariant }
