import type { ConsensusState } from './state.js'
import type { Timeout, ValueId } from './types.js'

/**
 * Holds back a propose timeout while the round's value is still being built (own getValue) or
 * executed (the round's proposal, awaiting valid(v)). A large valid block must not be prevoted
 * nil by the very validators executing it: L57 assumes the proposal "arrives in time", and one
 * that has arrived and is being checked has. The held timeout is fed to the core right after
 * the answer, where it is a no-op if the core has prevoted meanwhile.
 */
export class ProposeWait {
  /** Own value being built by the application (prepareBlock pending). */
  preparing = false
  #executing = new Set<ValueId>()
  #held: Timeout | null = null

  startExecuting(valueId: ValueId): void {
    this.#executing.add(valueId)
  }

  doneExecuting(valueId: ValueId): void {
    this.#executing.delete(valueId)
  }

  /** Whether `timeout` must wait; if so it is held until `release`. */
  holds(core: Readonly<ConsensusState>, timeout: Timeout): boolean {
    if (!this.#busy(core, timeout)) return false
    this.#held = timeout
    return true
  }

  /** The held timeout, once what it waited for has answered (then no longer held); else null. */
  release(core: Readonly<ConsensusState>): Timeout | null {
    const held = this.#held
    if (held === null || this.#busy(core, held)) return null
    this.#held = null
    return held
  }

  /** A new height: nothing held, nothing executing. */
  reset(): void {
    this.#held = null
    this.#executing = new Set()
  }

  #busy(core: Readonly<ConsensusState>, timeout: Timeout): boolean {
    if (core.height !== timeout.height || core.round !== timeout.round || core.step !== 'propose') return false
    if (core.awaitingValue && this.preparing) return true
    const proposal = core.proposals.get(core.round)?.proposal
    return proposal !== undefined && this.#executing.has(proposal.valueId)
  }
}
