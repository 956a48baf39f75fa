import type { Context } from '../../state/index.js'
import { DisputesBooks } from './books.js'
import { MODULE } from './keys.js'
import type { DisputeTotalsValue, DisputeValue } from './messages.js'

/** Disputes' keeper for other modules (reads only): a dispute, the dispute of a slash, the totals. */
export class DisputesKeeper {
  readonly #books: DisputesBooks

  /** `ctx` is scoped to disputes. */
  constructor(ctx: Context) {
    this.#books = new DisputesBooks(ctx.moduleStore(MODULE))
  }

  dispute(id: bigint): DisputeValue | undefined {
    return this.#books.dispute(id)
  }

  disputeOf(subnet: bigint, round: bigint, target: Uint8Array): DisputeValue | undefined {
    return this.#books.disputeOf(subnet, round, target)
  }

  totals(): DisputeTotalsValue {
    return this.#books.totals()
  }
}
