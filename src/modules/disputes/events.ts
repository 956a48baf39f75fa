import { encodeAddress } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'
import type { DisputeValue } from './messages.js'

/** Disputes' event types; every attribute a string, amounts in units of the bond denomination. */
export const DISPUTES_EVENTS = {
  opened: 'dispute_opened',
  resolved: 'dispute_resolved',
} as const

export const emitDisputeOpened = (ctx: Context, d: DisputeValue): void =>
  ctx.emit(DISPUTES_EVENTS.opened, {
    id: String(d.id),
    subnet: String(d.subnet),
    round: String(d.round),
    target: encodeAddress(d.target),
    claim: d.claim,
    disputer: encodeAddress(d.disputer),
    bond: String(d.bond),
  })

export const emitDisputeResolved = (ctx: Context, d: DisputeValue): void =>
  ctx.emit(DISPUTES_EVENTS.resolved, {
    id: String(d.id),
    status: d.status,
    refunded: String(d.refunded),
    burned: String(d.burned),
  })
