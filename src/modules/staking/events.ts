import { encodeAddress } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'

/** Staking's event types; attributes are plain strings (amounts decimal, validators fedravaloper1…). */
export const STAKING_EVENTS = {
  createValidator: 'create_validator',
  editValidator: 'edit_validator',
  delegate: 'delegate',
  unbond: 'unbond',
  redelegate: 'redelegate',
  completeUnbonding: 'complete_unbonding',
  completeRedelegation: 'complete_redelegation',
  cancelUnbonding: 'cancel_unbonding',
  slash: 'slash',
  jail: 'jail',
  unjail: 'unjail',
  validatorSetUpdate: 'validator_set_update',
  validatorRemoved: 'remove_validator',
  bond: 'bond',
  beginUnbond: 'begin_unbond_bond',
  completeBondUnbonding: 'complete_bond_unbonding',
  slashBond: 'slash_bond',
} as const

export const valoper = (operator: Uint8Array): string => encodeAddress(operator, 'fedravaloper')
export const account = (address: Uint8Array): string => encodeAddress(address)

export function emitEvent(ctx: Context, type: keyof typeof STAKING_EVENTS, attributes: Record<string, string>): void {
  ctx.emit(STAKING_EVENTS[type], attributes)
}
