// Message types only (codec, nothing else): the browser client builds transactions from this file.
import { t, type StructValue } from '../../codec/index.js'

/** A denomination: lower-case, 3–64 characters, `/` allowed after the first (ibc/…, factory/…). */
export const DENOM = /^[a-z][a-z0-9/]{2,63}$/

export const Coin = t.struct('Coin', 200, 1, {
  denom: t.string({ max: 64 }),
  amount: t.uint(),
})

/** Sends coins from the transaction's signer to `to`. */
export const MsgSend = t.struct('bank/MsgSend', 201, 1, {
  to: t.fixedBytes(20),
  amount: t.array(Coin, { min: 1, max: 8 }),
})

export type CoinValue = StructValue<typeof Coin.fields>
export type MsgSendValue = StructValue<typeof MsgSend.fields>
