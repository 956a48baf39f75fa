import type { Dec } from '../../state/index.js'

/**
 * Stake that backs a role other than validating (a subnet's trainers and aggregators),
 * held by staking so it is slashable by the same rules as validators' stake: it leaves only
 * through an unbonding queue that matures after `unbonding_time` of block time, and a slash
 * takes a fraction of the bond and of every unbonding entry started at or after the
 * infraction height. Amounts are in the bond denomination.
 *
 * A bond is named by (owner, purpose). The purpose is the caller's business ("subnet/3/trainer")
 * but always carries the calling module's name in front (`<module>:` is prepended by the keeper),
 * so one module cannot unbond or slash another's bonds. Staking's keeper implements these
 * beside the validator methods (named apart from them: `slashBond`, not `slash`); a consumer
 * declares `expectKeeper<Bonds>('staking', { bond: true, ... })`. Coins sit in the `bonds_pool` module
 * account while bonded and unbonding; slashed coins are burned.
 */
export interface Bonds {
  /** Moves `amount` from `owner`'s balance into the bond; throws a staking ModuleError (INSUFFICIENT_FUNDS, INVALID_AMOUNT). */
  bond(owner: Uint8Array, purpose: string, amount: bigint): void
  /**
   * Starts unbonding `amount` of the bond; the coins return to `owner` at the returned block
   * time (ms). Throws INSUFFICIENT_BOND, or TOO_MANY_UNBONDING_ENTRIES past `max_entries`.
   */
  beginUnbond(owner: Uint8Array, purpose: string, amount: bigint): bigint
  /**
   * Burns `fraction` of the bond and of each unbonding entry of it created at or after
   * `infractionHeight`; returns the amount burned. Slashing an empty bond burns nothing.
   */
  slashBond(owner: Uint8Array, purpose: string, fraction: Dec, infractionHeight: number): bigint
  /** The amount bonded now (unbonding entries excluded). */
  bondedAmount(owner: Uint8Array, purpose: string): bigint
  /** The amount in the unbonding queue, not yet returned. */
  unbondingAmount(owner: Uint8Array, purpose: string): bigint
}
