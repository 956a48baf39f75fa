import { decodeStored, encode } from '../../codec/index.js'
import type { AccountKeeper, Context, KVStore } from '../../state/index.js'
import { Account, type AccountValue } from './account.js'
import { MODULE, accountKey } from './keys.js'

export class AuthKeeper implements AccountKeeper {
  readonly #store: KVStore

  constructor(ctx: Context) {
    this.#store = ctx.moduleStore(MODULE)
  }

  account(address: Uint8Array): AccountValue | undefined {
    const raw = this.#store.get(accountKey(address))
    return raw === undefined ? undefined : decodeStored(Account, raw)
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
