import { ed25519 } from '@noble/curves/ed25519.js'
import { PublicKey } from '../../crypto/index.js'
import { Dec } from '../../state/index.js'
import { stakingError } from './errors.js'

/** The rules a validator's identity and commission must keep, stateless (MsgCreateValidator, MsgEditValidator, genesis). */

export const consensusAddressOf = (pubKey: Uint8Array): Uint8Array => PublicKey.fromBytes(pubKey).addressBytes

/** A consensus key must be a point of the curve outside the small-order subgroup: consensus could never verify its votes otherwise. */
export function isUsableConsensusKey(pubKey: Uint8Array): boolean {
  if (!(pubKey instanceof Uint8Array) || pubKey.length !== 32) return false
  try {
    return !ed25519.Point.fromBytes(pubKey).isSmallOrder()
  } catch {
    return false
  }
}

export function assertMoniker(moniker: string): void {
  if (moniker.trim().length === 0 || moniker.length > 70) throw stakingError('INVALID_MONIKER', 'a moniker is 1–70 characters, not blank')
}

/** x/staking's CommissionRates.Validate. */
export function assertCommission(rate: Dec, maxRate: Dec, maxChangeRate: Dec): void {
  if (maxRate.gt(Dec.ONE)) throw stakingError('INVALID_COMMISSION', `max commission rate ${maxRate} is above 1`)
  if (rate.gt(maxRate)) throw stakingError('INVALID_COMMISSION', `commission rate ${rate} is above the max rate ${maxRate}`)
  if (maxChangeRate.gt(maxRate))
    throw stakingError('INVALID_COMMISSION', `max change rate ${maxChangeRate} is above the max rate ${maxRate}`)
  if (rate.lt(Dec.ZERO) || maxChangeRate.lt(Dec.ZERO)) throw stakingError('INVALID_COMMISSION', 'commission rates cannot be negative')
}
