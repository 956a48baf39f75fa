import { decodeAddress, encodeAddress } from '../../crypto/index.js'
import type { QueryHandler } from '../../state/index.js'
import { BankKeeper } from './keeper.js'
import { MODULE } from './keys.js'
import type { CoinValue } from './messages.js'

const coinsJson = (coins: CoinValue[]) => coins.map((c) => ({ denom: c.denom, amount: String(c.amount) }))
const keeper = (ctx: Parameters<QueryHandler>[0]) => new BankKeeper(ctx, MODULE)

export const bankQueries: Record<string, QueryHandler> = {
  balance: (ctx, params) => ({
    denom: String(params.denom),
    amount: String(keeper(ctx).balance(decodeAddress(String(params.address)), String(params.denom))),
  }),
  balances: (ctx, params) => {
    const address = decodeAddress(String(params.address))
    return { address: encodeAddress(address), coins: coinsJson(keeper(ctx).balances(address)) }
  },
  supply: (ctx) => ({ supply: coinsJson(keeper(ctx).allSupply()) }),
  params: (ctx) => ({ fee_denom: keeper(ctx).feeDenom }),
}
