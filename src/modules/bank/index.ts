import { decodeAddress, encodeAddress, type PublicKey } from '../../crypto/index.js'
import type { Context, MessageHandler, Module } from '../../state/index.js'
import { assertValidCoins } from './coins.js'
import { bankGenesis } from './genesis.js'
import { totalSupplyInvariant } from './invariants.js'
import { BankKeeper } from './keeper.js'
import { MODULE } from './keys.js'
import { MsgSend, type MsgSendValue } from './messages.js'

const send: MessageHandler<MsgSendValue> = {
  type: MsgSend,
  validate(message) {
    assertValidCoins(message.amount)
  },
  handle(ctx: Context, message, signer: PublicKey) {
    new BankKeeper(ctx).send(signer.addressBytes, message.to, message.amount)
  },
}

const coinsJson = (coins: { denom: string; amount: bigint }[]) => coins.map((c) => ({ denom: c.denom, amount: String(c.amount) }))

/** Balances, transfers, fees, total supply. */
export const bankModule: Module<BankKeeper> = {
  name: MODULE,
  messages: [send],
  keeper: (ctx) => new BankKeeper(ctx),
  queries: {
    balance: (ctx, params) => ({ denom: String(params.denom), amount: String(new BankKeeper(ctx).balance(decodeAddress(String(params.address)), String(params.denom))) }),
    balances: (ctx, params) => {
      const address = decodeAddress(String(params.address))
      return { address: encodeAddress(address), coins: coinsJson(new BankKeeper(ctx).balances(address)) }
    },
    supply: (ctx) => ({ supply: coinsJson(new BankKeeper(ctx).allSupply()) }),
  },
  genesis: bankGenesis,
  invariants: { 'total-supply': totalSupplyInvariant },
}

export { BankKeeper }
export { MsgSend, Coin, type MsgSendValue, type CoinValue } from './messages.js'
export { BANK_ERRORS } from './errors.js'
export { moduleAddress, FEE_COLLECTOR } from './keys.js'
