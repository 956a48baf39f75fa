import { expectKeeper } from './keepers.js'

/**
 * What transaction admission needs from the account and bank modules (Cosmos' "expected
 * keepers"): the state layer depends on these shapes, not on the modules.
 */
export interface AccountKeeper {
  nonceOf(address: Uint8Array): bigint
  /** Bumps the nonce after a transaction was admitted, recording the public key on first use. */
  incrementNonce(address: Uint8Array, publicKey: Uint8Array): void
}

export interface FeeKeeper {
  /** Moves `amount` of the fee denomination from `payer` to the fee collector; throws ModuleError if short. */
  payFee(payer: Uint8Array, amount: bigint): void
  /**
   * Full state keys payFee reads and writes without deciding anything on them (the collector's
   * balance, only ever credited): a block changing them changes no admission decision.
   */
  creditOnlyKeys(): Uint8Array[]
}

export const ACCOUNT_MODULE = 'auth'
export const FEE_MODULE = 'bank'

export const ACCOUNT_KEEPER = expectKeeper<AccountKeeper>(ACCOUNT_MODULE, { nonceOf: true, incrementNonce: true })
export const FEE_KEEPER = expectKeeper<FeeKeeper>(FEE_MODULE, { payFee: true, creditOnlyKeys: true })
/** What every registry must provide to the ante handler and the mempool's checks. */
export const FRAMEWORK_KEEPERS = [ACCOUNT_KEEPER, FEE_KEEPER]
