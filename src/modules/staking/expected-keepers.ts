import { expectKeeper } from '../../state/index.js'
import type { CoinValue } from '../bank/messages.js'

/** What staking calls on bank: the pools are module accounts staking owns (burner + staking). */
export interface StakingBankKeeper {
  balance(address: Uint8Array, denom: string): bigint
  sendToModule(from: Uint8Array, name: string, coins: CoinValue[]): void
  sendFromModule(name: string, to: Uint8Array, coins: CoinValue[]): void
  sendModuleToModule(from: string, to: string, coins: CoinValue[]): void
  burn(name: string, coins: CoinValue[]): void
}

export const BANK = expectKeeper<StakingBankKeeper>('bank', {
  balance: true,
  sendToModule: true,
  sendFromModule: true,
  sendModuleToModule: true,
  burn: true,
})

export const stakingExpectedKeepers = [BANK]
