import type { Context } from '../../state/index.js'
import { RewardsBooks } from './books.js'
import { MODULE } from './keys.js'
import type { RoundPayoutsValue } from './messages.js'

/**
 * Rewards' keeper for other modules (reads only; the Datanets issue will add the treasury's
 * payout): a subnet's pool and treasury, a round's payouts.
 */
export class RewardsKeeper {
  readonly #books: RewardsBooks

  /** `ctx` is scoped to rewards. */
  constructor(ctx: Context) {
    this.#books = new RewardsBooks(ctx.moduleStore(MODULE))
  }

  pool(subnet: bigint): bigint {
    return this.#books.pool(subnet)
  }

  treasury(subnet: bigint): bigint {
    return this.#books.treasury(subnet)
  }

  payouts(subnet: bigint, round: bigint): RoundPayoutsValue | undefined {
    return this.#books.payouts(subnet, round)
  }
}
