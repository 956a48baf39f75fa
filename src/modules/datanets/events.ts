import { encodeAddress, toHex } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'
import type { DataDeclarationValue, DatanetRecordValue, DatanetValue, DatanetVersionValue } from './messages.js'

/** Datanets' event types; every attribute a string, amounts in units of the bond denomination, addresses fedra1…, roots hex. */
export const DATANETS_EVENTS = {
  datanetCreated: 'datanet_created',
  recordContributed: 'record_contributed',
  recordCurated: 'record_curated',
  recordAccepted: 'record_accepted',
  recordRejected: 'record_rejected',
  versionPublished: 'version_published',
  dataDeclared: 'data_declared',
  curatorsChanged: 'curators_changed',
} as const

export const emitDatanetCreated = (ctx: Context, d: DatanetValue): void =>
  ctx.emit(DATANETS_EVENTS.datanetCreated, {
    datanet: String(d.id),
    owner: encodeAddress(d.owner),
    name: d.name,
    privacy: d.privacy,
    curators: String(d.curators.length),
    approvals: String(d.approvals),
    deposit: String(d.deposit),
  })

export const emitRecordContributed = (ctx: Context, r: DatanetRecordValue): void =>
  ctx.emit(DATANETS_EVENTS.recordContributed, {
    datanet: String(r.datanet),
    record: String(r.record),
    contributor: encodeAddress(r.contributor),
    content_kind: r.contentKind,
    content_id: r.contentId,
    size: String(r.size),
    bond: String(r.bond),
  })

export const emitRecordCurated = (ctx: Context, r: DatanetRecordValue, curator: Uint8Array, approve: boolean, reason: number): void =>
  ctx.emit(DATANETS_EVENTS.recordCurated, {
    datanet: String(r.datanet),
    record: String(r.record),
    curator: encodeAddress(curator),
    approve: String(approve),
    reason: String(reason),
    approvals: String(r.approvals),
    rejections: String(r.rejections),
  })

export const emitRecordAccepted = (ctx: Context, r: DatanetRecordValue): void =>
  ctx.emit(DATANETS_EVENTS.recordAccepted, {
    datanet: String(r.datanet),
    record: String(r.record),
    contributor: encodeAddress(r.contributor),
    quality: String(r.quality),
    acceptance_index: String(r.acceptanceIndex),
    refunded: String(r.bond),
  })

export const emitRecordRejected = (ctx: Context, r: DatanetRecordValue): void =>
  ctx.emit(DATANETS_EVENTS.recordRejected, {
    datanet: String(r.datanet),
    record: String(r.record),
    contributor: encodeAddress(r.contributor),
    slashed: String(r.slashed),
    refunded: String(r.bond - r.slashed),
  })

export const emitVersionPublished = (ctx: Context, v: DatanetVersionValue): void =>
  ctx.emit(DATANETS_EVENTS.versionPublished, {
    datanet: String(v.datanet),
    version: String(v.version),
    root: toHex(v.root),
    record_count: String(v.recordCount),
    publisher: encodeAddress(v.publisher),
  })

export const emitDataDeclared = (ctx: Context, d: DataDeclarationValue): void =>
  ctx.emit(DATANETS_EVENTS.dataDeclared, {
    subnet: String(d.subnet),
    round: String(d.round),
    trainer: encodeAddress(d.trainer),
    datanet: String(d.datanet),
    version: String(d.version),
    records: String(d.records.length),
    samples: String(d.records.reduce((sum, r) => sum + r.count, 0)),
    root: toHex(d.root),
  })

export const emitCuratorsChanged = (ctx: Context, d: DatanetValue): void =>
  ctx.emit(DATANETS_EVENTS.curatorsChanged, {
    datanet: String(d.id),
    curators: d.curators.map((c) => encodeAddress(c)).join(','),
    approvals: String(d.approvals),
  })
