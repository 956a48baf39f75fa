import type { Context } from '../../state/index.js'
import { GovBooks } from './books.js'
import { STAKING } from './expected-keepers.js'
import { MODULE } from './keys.js'
import type { ProposalValue, ScopedProposalValue, UpgradePlanValue } from './messages.js'
import { ScopedBooks, ScopedGovernance } from './scoped.js'

/**
 * Gov's keeper for other modules and the node: the scheduled upgrade, a proposal (reads), and for
 * disputes a text-only subnet-scope proposal opened on a member's behalf and its status.
 */
export class GovKeeper {
  readonly #ctx: Context
  readonly #books: GovBooks

  /** `ctx` is scoped to gov. */
  constructor(ctx: Context) {
    this.#ctx = ctx
    this.#books = new GovBooks(ctx.moduleStore(MODULE))
  }

  /**
   * Opens a subnet-scope proposal with no messages for `proposer`, who pays the subnet's
   * min_deposit as its deposit (refunded or burned by the subnet's rules, as any scoped
   * proposal's); its bonded members vote it like any other. Undefined when the subnet has not
   * opted into governance. Throws gov's refusals (INSUFFICIENT_FUNDS).
   */
  openScopedText(subnet: bigint, proposer: Uint8Array, title: string, summary: string): bigint | undefined {
    const governance = new ScopedBooks(this.#ctx.moduleStore(MODULE)).governance('subnet', subnet)
    if (governance === undefined) return undefined
    const denom = this.#ctx.keeper(STAKING).bondDenom()
    return new ScopedGovernance(this.#ctx).submit(
      { scope: 'subnet', target: subnet, messages: [], title, summary, deposit: { denom, amount: governance.rules.minDeposit } },
      proposer,
    )
  }

  scopedProposal(id: bigint): ScopedProposalValue | undefined {
    return new ScopedBooks(this.#ctx.moduleStore(MODULE)).proposal(id)
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
