import type { KeeperRef } from '../../state/index.js'

/**
 * The keepers of other modules bank calls: none (it sits at the bottom, like Cosmos' x/bank
 * without its account-keeper dependency). A module that needs one declares an interface with the
 * methods it calls and a ref, e.g.
 *   export interface BankKeeper { sendFromModule(name: string, to: Uint8Array, coins: CoinValue[]): void }
 *   export const BANK = expectKeeper<BankKeeper>('bank', { sendFromModule: true })
 * and lists the refs in its Module's `expects`.
 */
export const bankExpectedKeepers: readonly KeeperRef<unknown>[] = []
