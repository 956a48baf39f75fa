import { decodeStored, encode } from '../../codec/index.js'
import type { AccountKeeper, Context, KVStore } from '../../state/index.js'
import { ACCOUNT_PREFIX, accountKey, parseAccountKey } from './keys.js'
import { Account, type AccountValue } from './messages.js'

/** Accounts: the nonce each address signs its next transaction with, and its public key once known. */
export class AuthKeeper implements AccountKeeper {
  readonly #store: KVStore

  /** `ctx` is scoped to auth; nothing auth does depends on who asks. */
  constructor(ctx: Context) {
    this.#store = ctx.moduleStore()
  }

  account(address: Uint8Array): AccountValue | undefined {
    const raw = this.#store.get(accountKey(address))
    return raw === undefined ? undefined : decodeStored(Account, raw)
  }

  *accounts(): Generator<{ address: Uint8Array; account: AccountValue }> {
    for (const [key, value] of this.#store.iterate(ACCOUNT_PREFIX))
      yield { address: parseAccountKey(key), account: decodeStored(Account, value) }
  }

  setAccount(address: Uint8Array, account: AccountValue): void {
    this.#store.set(accountKey(address), encode(Account, account))
  }

  nonceOf(address: Uint8Array): bigint {
    return this.account(address)?.nonce ?? 0n
  }

  incrementNonce(address: Uint8Array, publicKey: Uint8Array): void {
    const account = this.account(address)
    this.setAccount(address, { publicKey: account?.publicKey ?? publicKey, nonce: (account?.nonce ?? 0n) + 1n })
  }
}
