import { ModuleRegistry } from '../state/index.js'
import { authModule } from './auth/index.js'
import { bankModule } from './bank/index.js'

/** The modules of a Fedra chain, in the order their begin/end-block hooks run. */
export function defaultModules() {
  return [authModule, bankModule]
}

export function defaultRegistry(): ModuleRegistry {
  return new ModuleRegistry(defaultModules())
}

export { authModule, bankModule }
export { MsgSend, Coin, BankKeeper, BANK_ERRORS, moduleAddress, FEE_COLLECTOR, type MsgSendValue, type CoinValue } from './bank/index.js'
export { AuthKeeper } from './auth/index.js'
