import type { Module } from '../../state/index.js'
import { bankExpectedKeepers } from './expected-keepers.js'
import { bankGenesis } from './genesis.js'
import { bankMessages } from './handler.js'
import { bankInvariants } from './invariants.js'
import { BankKeeper } from './keeper.js'
import { MODULE } from './keys.js'
import { bankParams } from './params.js'
import { bankQueries } from './queries.js'

/** Balances, transfers, fees, module accounts, mint and burn, total supply. */
export const bankModule: Module<BankKeeper> = {
  name: MODULE,
  expects: bankExpectedKeepers,
  messages: bankMessages,
  queries: bankQueries,
  genesis: bankGenesis,
  params: bankParams,
  keeper: (ctx, caller) => new BankKeeper(ctx, caller),
  invariants: bankInvariants,
}

export { BankKeeper }
export { MsgSend, Coin, type MsgSendValue, type CoinValue } from './messages.js'
export { BANK_ERRORS, type BankErrorCode } from './errors.js'
export { BANK_EVENTS } from './events.js'
export { FEE_COLLECTOR, balanceKey, parseBalanceKey, supplyKey, parseSupplyKey } from './keys.js'
export { bankParams, type BankParamsValue } from './params.js'
export { moduleAddress } from '../../state/index.js'
