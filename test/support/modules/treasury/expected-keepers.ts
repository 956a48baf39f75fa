import type { CoinValue } from '../../../../src/modules/index.js'
import { expectKeeper } from '../../../../src/state/index.js'

/** The part of bank the treasury calls. */
export interface TreasuryBank {
  balance(address: Uint8Array, denom: string): bigint
  mint(account: string, coins: CoinValue[]): void
  burn(account: string, coins: CoinValue[]): void
  sendToModule(from: Uint8Array, account: string, coins: CoinValue[]): void
  sendFromModule(account: string, to: Uint8Array, coins: CoinValue[]): void
}

export const BANK = expectKeeper<TreasuryBank>('bank', { balance: true, mint: true, burn: true, sendToModule: true, sendFromModule: true })
