import { REPUTATION_UNIT } from '../../fl/rules/repfedavg.js'
import { type Context, type Dec, StateError, readParams } from '../../state/index.js'
import { ReputationBooks } from './books.js'
import { reputationError } from './errors.js'
import { MODULE } from './keys.js'
import type { ReceiptValue } from './messages.js'
import { reputationParams } from './params.js'
import type { Reputations } from './views.js'

/** The modules that may write a receipt's reward and slash: the rewards module, and the trainers' slashing it runs. */
export const PAYOUT_WRITERS: readonly string[] = ['rewards']

/** Reputation's keeper (views.ts Reputations): reads for everyone, payouts for PAYOUT_WRITERS. */
export class ReputationKeeper implements Reputations {
  readonly #ctx: Context
  readonly #books: ReputationBooks
  readonly #caller: string

  /** `ctx` is scoped to reputation; `caller` is the module asking. */
  constructor(ctx: Context, caller: string) {
    this.#ctx = ctx
    this.#books = new ReputationBooks(ctx.moduleStore(MODULE))
    this.#caller = caller
  }

  reputationOf(subnet: bigint, trainer: Uint8Array): Dec {
    return this.#books.reputation(subnet, trainer)?.value ?? readParams(this.#ctx.moduleStore(MODULE), reputationParams).initialReputation
  }

  reputationUnits(subnet: bigint, trainer: Uint8Array): number {
    return Number(this.reputationOf(subnet, trainer).mulInt(BigInt(REPUTATION_UNIT)).truncate())
  }

  receipt(subnet: bigint, round: bigint, trainer: Uint8Array): ReceiptValue | undefined {
    return this.#books.receipt(subnet, round, trainer)
  }

  recordPayout(subnet: bigint, round: bigint, trainer: Uint8Array, payout: { reward: bigint; slashed: bigint }): void {
    if (!PAYOUT_WRITERS.includes(this.#caller))
      throw new StateError('SCOPE_VIOLATION', `module ${this.#caller || '(framework)'} may not write receipts' payouts`, {
        module: this.#caller,
      })
    const receipt = this.#books.receipt(subnet, round, trainer)
    if (receipt === undefined)
      throw reputationError('UNKNOWN_RECEIPT', `no receipt of round ${round} of subnet ${subnet} for that trainer`, {
        subnet: String(subnet),
        round: String(round),
      })
    if (payout.reward < 0n || payout.slashed < 0n) throw reputationError('INVALID_PARAMS', 'a payout is not negative')
    this.#books.setReceipt({ ...receipt, reward: payout.reward, slashed: payout.slashed })
  }
}
