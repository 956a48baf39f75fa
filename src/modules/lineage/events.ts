import { encodeAddress } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'
import type { Contributor, VersionId } from './keys.js'
import type { UseReceiptValue, VersionRecordValue } from './messages.js'

/** Lineage's event types; every attribute a string, amounts in units of the bond denomination, versions as `subnet/version`. */
export const LINEAGE_EVENTS = {
  versionRecorded: 'lineage_version_recorded',
  versionAttributed: 'lineage_version_attributed',
  modelForked: 'model_forked',
  modelUsed: 'model_used',
  ancestorCredited: 'lineage_ancestor_credited',
  attributionWithdrawn: 'attribution_withdrawn',
} as const

const name = (v: VersionId) => `${v.subnet}/${v.version}`
export const contributorText = (c: Contributor): string => (c.kind === 'account' ? encodeAddress(c.address) : `treasury:${c.subnet}`)

export const emitVersionRecorded = (ctx: Context, v: VersionRecordValue): void =>
  ctx.emit(LINEAGE_EVENTS.versionRecorded, {
    version: name(v),
    kind: v.kind,
    parents: v.parents.map(name).join(','),
    round: v.round === null ? '' : String(v.round),
    status: v.status,
  })

export const emitVersionAttributed = (ctx: Context, v: VersionRecordValue, contributors: number): void =>
  ctx.emit(LINEAGE_EVENTS.versionAttributed, { version: name(v), total_weight: String(v.totalWeight), contributors: String(contributors) })

export const emitModelForked = (ctx: Context, source: VersionId, target: bigint, admin: Uint8Array): void =>
  ctx.emit(LINEAGE_EVENTS.modelForked, { source: name(source), target: name({ subnet: target, version: 0n }), admin: encodeAddress(admin) })

export const emitModelUsed = (ctx: Context, r: UseReceiptValue): void =>
  ctx.emit(LINEAGE_EVENTS.modelUsed, {
    receipt: String(r.id),
    version: name(r),
    user: encodeAddress(r.user),
    fee: `${r.fee.amount}${r.fee.denom}`,
    parents: String(r.parentsPart),
    validators: String(r.validatorsPart + r.ancestorsValidators),
    pooled: String(r.pooled),
    ancestors_pooled: String(r.ancestorsPooled),
  })

export const emitAncestorCredited = (
  ctx: Context,
  receipt: bigint,
  v: VersionId,
  depth: number,
  pooled: bigint,
  validators: bigint,
): void =>
  ctx.emit(LINEAGE_EVENTS.ancestorCredited, {
    receipt: String(receipt),
    version: name(v),
    depth: String(depth),
    pooled: String(pooled),
    validators: String(validators),
  })

export const emitAttributionWithdrawn = (ctx: Context, contributor: Contributor, to: Uint8Array, amount: bigint, versions: number): void =>
  ctx.emit(LINEAGE_EVENTS.attributionWithdrawn, {
    contributor: contributorText(contributor),
    to: encodeAddress(to),
    amount: String(amount),
    versions: String(versions),
  })
