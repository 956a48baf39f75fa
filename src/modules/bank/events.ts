import { encodeAddress } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'
import { formatCoins } from './coins.js'
import type { CoinValue } from './messages.js'

/** Bank's event types and their attributes, emitted in one place so clients can rely on them. */
export const BANK_EVENTS = { transfer: 'transfer', fee: 'fee', mint: 'mint', burn: 'burn' } as const

export const emitTransfer = (ctx: Context, from: Uint8Array, to: Uint8Array, coins: CoinValue[]): void =>
  ctx.emit(BANK_EVENTS.transfer, { sender: encodeAddress(from), recipient: encodeAddress(to), amount: formatCoins(coins) })

export const emitFee = (ctx: Context, payer: Uint8Array, coins: CoinValue[]): void =>
  ctx.emit(BANK_EVENTS.fee, { payer: encodeAddress(payer), amount: formatCoins(coins) })

export const emitSupplyChange = (ctx: Context, kind: 'mint' | 'burn', account: string, coins: CoinValue[]): void =>
  ctx.emit(BANK_EVENTS[kind], { module: account, amount: formatCoins(coins) })
