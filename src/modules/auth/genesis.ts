import { encodeAddress } from '../../crypto/index.js'
import { type ModuleGenesis, addressAt, arrayAt, bigintAt, genesisError, objectAt } from '../../state/index.js'
import { AuthKeeper } from './keeper.js'

/** `app_state.auth`: accounts that start with a nonce (a chain restarted from an export). */
export interface AuthGenesis {
  accounts: { address: Uint8Array; nonce: bigint }[]
}

export const authGenesis: ModuleGenesis<AuthGenesis> = {
  validate(section, path) {
    const body = objectAt(section, path)
    for (const key of Object.keys(body)) if (key !== 'accounts') throw genesisError(`${path}.${key}`, 'no such auth genesis field')
    const seen = new Set<string>()
    const accounts = arrayAt(body.accounts ?? [], `${path}.accounts`).map((entry, i) => {
      const at = `${path}.accounts[${i}]`
      const a = objectAt(entry, at)
      const address = addressAt(a.address, `${at}.address`, seen)
      return { address, nonce: a.nonce === undefined ? 0n : bigintAt(a.nonce, `${at}.nonce`) }
    })
    return { accounts }
  },
  init(ctx, genesis) {
    const keeper = new AuthKeeper(ctx)
    for (const { address, nonce } of genesis.accounts) keeper.setAccount(address, { publicKey: null, nonce })
  },
  export(ctx) {
    const accounts = []
    for (const { address, account } of new AuthKeeper(ctx).accounts())
      accounts.push({ address: encodeAddress(address), nonce: String(account.nonce) })
    return { accounts }
  },
}
