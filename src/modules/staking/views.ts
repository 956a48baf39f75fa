import { Dec } from '../../state/index.js'

/**
 * What other modules may see of staking's records: plain read-only views, never the stored
 * form. The contracts slashing, distribution and the subnet modules are written against.
 */

/** x/staking's BondStatus: bonded (in the set), unbonding (left it, stake still slashable until it matures), unbonded. */
export type BondStatus = 'bonded' | 'unbonding' | 'unbonded'

export interface ValidatorView {
  /** The operator: the account that created the validator and signs its messages (20 bytes). */
  operator: Uint8Array
  /** Address of the consensus key (20 bytes): what commits, evidence and signing info name. */
  consensusAddress: Uint8Array
  /** The ed25519 consensus public key (32 bytes). */
  consensusPubKey: Uint8Array
  moniker: string
  status: BondStatus
  jailed: boolean
  /** Bond-denom tokens backing the validator (self-bond plus delegations, after slashes). */
  tokens: bigint
  /** Total shares issued to delegators; tokens / shares is the exchange rate slashing lowers. */
  delegatorShares: Dec
  commissionRate: Dec
  minSelfDelegation: bigint
}

export interface DelegationView {
  delegator: Uint8Array
  validator: Uint8Array
  shares: Dec
}

/** The tokens `shares` of a validator are worth, truncated (x/staking's TokensFromShares). */
export function tokensFromShares(validator: ValidatorView, shares: Dec): Dec {
  if (validator.delegatorShares.isZero()) return Dec.ZERO
  return shares.mulInt(validator.tokens).quo(validator.delegatorShares)
}
