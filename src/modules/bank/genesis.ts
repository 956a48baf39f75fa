import { encodeAddress } from '../../crypto/index.js'
import { type ModuleGenesis, addressAt, arrayAt, bigintAt, genesisError, objectAt, stringAt } from '../../state/index.js'
import { Books } from './books.js'
import { DENOM } from './messages.js'
import type { CoinValue } from './messages.js'

/** `app_state.bank` (params apart): the opening balances; the supply is their sum. */
export interface BankGenesis {
  balances: { address: Uint8Array; coins: CoinValue[] }[]
}

export const bankGenesis: ModuleGenesis<BankGenesis> = {
  validate(section, path) {
    const body = objectAt(section, path)
    for (const key of Object.keys(body)) {
      if (key === 'fee_denom') throw genesisError(`${path}.fee_denom`, `moved to ${path}.params.fee_denom`)
      if (key !== 'balances') throw genesisError(`${path}.${key}`, 'no such bank genesis field')
    }
    const seen = new Set<string>()
    const balances = arrayAt(body.balances ?? [], `${path}.balances`).map((entry, i) => {
      const at = `${path}.balances[${i}]`
      const b = objectAt(entry, at)
      const address = addressAt(b.address, `${at}.address`, seen)
      let previous = ''
      const coins = arrayAt(b.coins, `${at}.coins`).map((coin, j) => {
        const c = objectAt(coin, `${at}.coins[${j}]`)
        const denom = stringAt(c.denom, `${at}.coins[${j}].denom`, DENOM)
        if (denom <= previous) throw genesisError(`${at}.coins[${j}].denom`, 'coins must be sorted by denomination without duplicates')
        previous = denom
        return { denom, amount: bigintAt(c.amount, `${at}.coins[${j}].amount`, { min: 1n, max: 2n ** 255n }) }
      })
      return { address, coins }
    })
    return { balances }
  },
  init(ctx, genesis) {
    // The one place coins appear without a mint: the books, not the keeper, so no handler can.
    const books = new Books(ctx.moduleStore())
    for (const { address, coins } of genesis.balances) books.credit(address, coins)
  },
  export(ctx) {
    const byAddress = new Map<string, { denom: string; amount: string }[]>()
    for (const { address, denom, amount } of new Books(ctx.moduleStore()).allBalances()) {
      const text = encodeAddress(address)
      const list = byAddress.get(text) ?? []
      list.push({ denom, amount: String(amount) })
      byAddress.set(text, list)
    }
    return { balances: [...byAddress].map(([address, coins]) => ({ address, coins })) }
  },
}
