import { decodeAddress, encodeAddress } from '../../crypto/index.js'
import { type Context, type ModuleGenesis, arrayAt, bigintAt, genesisError, objectAt, stringAt } from '../../state/index.js'
import { BankKeeper } from './keeper.js'
import { ALL_BALANCES, MODULE } from './keys.js'
import { type CoinValue, DENOM } from './messages.js'
import { bytesToAmount } from './coins.js'

export interface BankGenesis {
  feeDenom: string
  balances: { address: Uint8Array; coins: CoinValue[] }[]
}

export const bankGenesis: ModuleGenesis<BankGenesis> = {
  validate(section, path) {
    const body = objectAt(section, path)
    const feeDenom = body.fee_denom === undefined ? 'ufdr' : stringAt(body.fee_denom, `${path}.fee_denom`, DENOM)
    const seen = new Set<string>()
    const balances = arrayAt(body.balances ?? [], `${path}.balances`).map((entry, i) => {
      const at = `${path}.balances[${i}]`
      const b = objectAt(entry, at)
      const text = stringAt(b.address, `${at}.address`)
      let address: Uint8Array
      try {
        address = decodeAddress(text)
      } catch {
        throw genesisError(`${at}.address`, `"${text}" is not a fedra1… address`)
      }
      if (seen.has(text)) throw genesisError(`${at}.address`, 'address listed twice')
      seen.add(text)
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
    return { feeDenom, balances }
  },
  init(ctx: Context, genesis) {
    const keeper = new BankKeeper(ctx)
    keeper.setFeeDenom(genesis.feeDenom)
    for (const { address, coins } of genesis.balances) keeper.credit(address, coins)
  },
  export(ctx: Context) {
    const keeper = new BankKeeper(ctx)
    const byAddress = new Map<string, { denom: string; amount: string }[]>()
    for (const [key, value] of ctx.moduleStore(MODULE).iterate(ALL_BALANCES)) {
      const address = encodeAddress(key.subarray(1, 21))
      const list = byAddress.get(address) ?? []
      list.push({ denom: Buffer.from(key.subarray(21)).toString('utf8'), amount: String(bytesToAmount(value)) })
      byAddress.set(address, list)
    }
    return { fee_denom: keeper.feeDenom, balances: [...byAddress].map(([address, coins]) => ({ address, coins })) }
  },
}
