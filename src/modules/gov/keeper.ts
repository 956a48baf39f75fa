import type { Context } from '../../state/index.js'
import { GovBooks } from './books.js'
import { MODULE } from './keys.js'
import type { ProposalValue, UpgradePlanValue } from './messages.js'

/** Gov's keeper for other modules and the node (reads only): the scheduled upgrade, a proposal. */
export class GovKeeper {
  readonly #books: GovBooks

  /** `ctx` is scoped to gov. */
  constructor(ctx: Context) {
    this.#books = new GovBooks(ctx.moduleStore(MODULE))
  }

  /** The software upgrade a passed proposal scheduled, if any (a node without it halts at its height: src/node/upgrade.ts). */
  upgradePlan(): UpgradePlanValue | undefined {
    return this.#books.upgradePlan()
  }

  /** The height upgrade `name` was applied at, if it was. */
  appliedUpgrade(name: string): bigint | undefined {
    return this.#books.applied(name)
  }

  proposal(id: bigint): ProposalValue | undefined {
    return this.#books.proposal(id)
  }
}
