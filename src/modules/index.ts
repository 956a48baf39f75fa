import { type Composition, ModuleRegistry } from '../state/index.js'
import { authModule } from './auth/index.js'
import { FEE_COLLECTOR, bankModule } from './bank/index.js'

/** The modules of a Fedra chain, in registration order (genesis validation, queries, invariants). */
export function defaultModules() {
  return [authModule, bankModule]
}

/**
 * How they fit together (Cosmos' app.go): one table of module accounts with their owners and
 * permissions, hook subscriptions, and the orders of genesis, begin-block and end-block. New
 * modules add their accounts, hooks and places here; the registry checks every seam when built.
 */
export const DEFAULT_COMPOSITION: Composition = {
  moduleAccounts: {
    [FEE_COLLECTOR]: { owner: 'bank', permissions: [] },
  },
  hooks: [],
  order: {
    initGenesis: ['auth', 'bank'],
    beginBlock: ['auth', 'bank'],
    endBlock: ['auth', 'bank'],
  },
  paramsAuthorities: [],
}

export function defaultRegistry(): ModuleRegistry {
  return new ModuleRegistry(defaultModules(), DEFAULT_COMPOSITION)
}

export { authModule, bankModule }
export { MsgSend, Coin, BankKeeper, BANK_ERRORS, moduleAddress, FEE_COLLECTOR, type MsgSendValue, type CoinValue } from './bank/index.js'
export { AuthKeeper, AUTH_ERRORS } from './auth/index.js'
