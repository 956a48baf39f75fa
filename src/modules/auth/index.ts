import type { Module } from '../../state/index.js'
import { authExpectedKeepers } from './expected-keepers.js'
import { authGenesis } from './genesis.js'
import { authMessages } from './handler.js'
import { authInvariants } from './invariants.js'
import { AuthKeeper } from './keeper.js'
import { MODULE } from './keys.js'
import { authQueries } from './queries.js'

/** Accounts: nonces for replay protection and the public key each address signs with. */
export const authModule: Module<AuthKeeper> = {
  name: MODULE,
  expects: authExpectedKeepers,
  messages: authMessages,
  queries: authQueries,
  genesis: authGenesis,
  keeper: (ctx) => new AuthKeeper(ctx),
  invariants: authInvariants,
}

export { AuthKeeper }
export { AUTH_ERRORS, type AuthErrorCode } from './errors.js'
export { Account, type AccountValue } from './messages.js'
export { accountKey, parseAccountKey } from './keys.js'
