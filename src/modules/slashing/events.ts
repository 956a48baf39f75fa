import { encodeAddress } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'

/** Bech32 prefix of consensus addresses (Cosmos' valcons). */
export const CONSENSUS_PREFIX = 'fedravalcons'
export const consensusAddressText = (address: Uint8Array): string => encodeAddress(address, CONSENSUS_PREFIX)

/** Slashing's event types and their attributes (x/slashing's and x/evidence's), emitted in one place. */
export const SLASHING_EVENTS = {
  liveness: 'liveness',
  slash: 'slash',
  jail: 'jail',
  tombstone: 'tombstone',
  evidenceRefused: 'evidence_refused',
  unjail: 'unjail',
} as const

export type SlashReason = 'missing_signature' | 'double_sign'

/**
 * Why a piece of evidence was refused (x/evidence drops these silently; Fedra says why):
 * too old for consensus_params.evidence.max_age_num_blocks, an offender staking does not
 * know, already unbonded, without signing info, or already tombstoned (a validator is
 * punished for double-signing once).
 */
export type EvidenceRefusal = 'EVIDENCE_TOO_OLD' | 'UNKNOWN_VALIDATOR' | 'VALIDATOR_UNBONDED' | 'NO_SIGNING_INFO' | 'ALREADY_TOMBSTONED'

export const emitLiveness = (ctx: Context, address: Uint8Array, missed: bigint): void =>
  ctx.emit(SLASHING_EVENTS.liveness, {
    address: consensusAddressText(address),
    missed_blocks: String(missed),
    height: String(ctx.block.height),
  })

export const emitSlash = (
  ctx: Context,
  address: Uint8Array,
  power: bigint,
  reason: SlashReason,
  infractionHeight: number,
  burned: bigint,
): void =>
  ctx.emit(SLASHING_EVENTS.slash, {
    address: consensusAddressText(address),
    power: String(power),
    reason,
    infraction_height: String(infractionHeight),
    burned: String(burned),
  })

export const emitJail = (ctx: Context, address: Uint8Array, jailedUntil: bigint): void =>
  ctx.emit(SLASHING_EVENTS.jail, { address: consensusAddressText(address), jailed_until: String(jailedUntil) })

export const emitTombstone = (ctx: Context, address: Uint8Array): void =>
  ctx.emit(SLASHING_EVENTS.tombstone, { address: consensusAddressText(address) })

export const emitEvidenceRefused = (ctx: Context, address: Uint8Array, infractionHeight: number, reason: EvidenceRefusal): void =>
  ctx.emit(SLASHING_EVENTS.evidenceRefused, { address: consensusAddressText(address), infraction_height: String(infractionHeight), reason })

export const emitUnjail = (ctx: Context, address: Uint8Array, operator: Uint8Array): void =>
  ctx.emit(SLASHING_EVENTS.unjail, { address: consensusAddressText(address), operator: encodeAddress(operator, 'fedravaloper') })
