import { decodeAddress, encodeAddress, toHex } from '../../crypto/index.js'
import { type Module, arrayAt, bigintAt, genesisError, objectAt, stringAt } from '../../state/index.js'
import { AuthKeeper } from './keeper.js'
import { ACCOUNT_PREFIX, MODULE } from './keys.js'
import { decode } from '../../codec/index.js'
import { Account } from './account.js'

interface AuthGenesis {
  accounts: { address: Uint8Array; nonce: bigint }[]
}

/** Accounts: nonces for replay protection and the public key each address signs with. */
export const authModule: Module<AuthKeeper> = {
  name: MODULE,
  messages: [],
  keeper: (ctx) => new AuthKeeper(ctx),
  queries: {
    account(ctx, params) {
      const address = decodeAddress(String(params.address))
      const account = new AuthKeeper(ctx).account(address)
      return { address: encodeAddress(address), nonce: String(account?.nonce ?? 0n), publicKey: account?.publicKey ? toHex(account.publicKey) : null }
    },
  },
  genesis: {
    validate(section, path): AuthGenesis {
      const body = objectAt(section, path)
      const accounts = arrayAt(body.accounts ?? [], `${path}.accounts`).map((entry, i) => {
        const at = `${path}.accounts[${i}]`
        const a = objectAt(entry, at)
        let address: Uint8Array
        try {
          address = decodeAddress(stringAt(a.address, `${at}.address`))
        } catch {
          throw genesisError(`${at}.address`, 'not a fedra1… address')
        }
        return { address, nonce: a.nonce === undefined ? 0n : bigintAt(a.nonce, `${at}.nonce`) }
      })
      return { accounts }
    },
    init(ctx, genesis: AuthGenesis) {
      const keeper = new AuthKeeper(ctx)
      for (const { address, nonce } of genesis.accounts) keeper.setAccount(address, { publicKey: null, nonce })
    },
    export(ctx) {
      const accounts = []
      for (const [key, value] of ctx.moduleStore(MODULE).iterate(ACCOUNT_PREFIX)) {
        accounts.push({ address: encodeAddress(key.subarray(1)), nonce: String(decode(Account, value).nonce) })
      }
      return { accounts }
    },
  },
  invariants: {},
}

export { AuthKeeper }
