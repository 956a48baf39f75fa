import type { MessageHandler } from '../../state/index.js'
import { RewardsBooks } from './books.js'
import { rewardsError } from './errors.js'
import { emitFundSubnetPool } from './events.js'
import { BANK, STAKING, SUBNETS } from './expected-keepers.js'
import { REWARDS_ACCOUNT } from './keys.js'
import { MsgFundSubnetPool, type MsgFundSubnetPoolValue } from './messages.js'

/**
 * MsgFundSubnetPool: the signer's coins into the rewards account and the subnet's pool, paid out
 * from the subnet's next settlement on. Refusals: INVALID_AMOUNT (zero, stateless), BAD_DENOM
 * (not the bond denomination), UNKNOWN_SUBNET, INSUFFICIENT_FUNDS.
 */
const fundSubnetPool: MessageHandler<MsgFundSubnetPoolValue> = {
  type: MsgFundSubnetPool,
  validate(m) {
    if (m.amount.amount <= 0n) throw rewardsError('INVALID_AMOUNT', 'a pool funding must be positive', { amount: String(m.amount.amount) })
  },
  handle(ctx, m, signer) {
    const denom = ctx.keeper(STAKING).bondDenom()
    if (m.amount.denom !== denom)
      throw rewardsError('BAD_DENOM', `pools are in ${denom}, not ${m.amount.denom.slice(0, 64)}`, { denom: m.amount.denom.slice(0, 64) })
    if (ctx.keeper(SUBNETS).subnet(m.subnet) === undefined)
      throw rewardsError('UNKNOWN_SUBNET', `no subnet ${m.subnet}`, { subnet: String(m.subnet) })
    const bank = ctx.keeper(BANK)
    const balance = bank.balance(signer.addressBytes, denom)
    if (balance < m.amount.amount) {
      throw rewardsError('INSUFFICIENT_FUNDS', `${signer.address} holds ${balance}${denom}, less than ${m.amount.amount}${denom}`, {
        balance: String(balance),
      })
    }
    bank.sendToModule(signer.addressBytes, REWARDS_ACCOUNT, [m.amount])
    const books = new RewardsBooks(ctx.moduleStore())
    books.setPool(m.subnet, books.pool(m.subnet) + m.amount.amount)
    emitFundSubnetPool(ctx, m.subnet, signer.addressBytes, m.amount.amount, denom)
  },
}

export const rewardsMessages: MessageHandler[] = [fundSubnetPool]
