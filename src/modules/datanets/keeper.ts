import type { Context } from '../../state/index.js'
import { DatanetsBooks } from './books.js'
import { MODULE } from './keys.js'
import type { DataDeclarationValue, DatanetRecordValue, DatanetVersionValue } from './messages.js'
import type { DataDeclarationView, DatanetRecordView, DatanetVersionView, DatanetsView, RecordStatus } from './views.js'

export const recordView = (r: DatanetRecordValue): DatanetRecordView => ({
  datanet: r.datanet,
  record: r.record,
  contributor: r.contributor,
  status: r.status as RecordStatus,
  quality: r.quality,
  contentId: r.contentId,
  size: r.size,
  licence: r.licence,
})

export const versionView = (v: DatanetVersionValue): DatanetVersionView => ({ datanet: v.datanet, version: v.version, root: v.root, recordCount: v.recordCount, height: v.height })

export const declarationView = (d: DataDeclarationValue): DataDeclarationView => ({
  subnet: d.subnet,
  round: d.round,
  trainer: d.trainer,
  datanet: d.datanet,
  version: d.version,
  records: d.records.map((r) => ({ record: r.record, count: r.count })),
  root: d.root,
})

/** Datanets' keeper for other modules: reads only (views.ts DatanetsView), so the lineage module can reach data contributors. */
export class DatanetsKeeper implements DatanetsView {
  readonly #books: DatanetsBooks

  /** `ctx` is scoped to datanets. */
  constructor(ctx: Context) {
    this.#books = new DatanetsBooks(ctx.moduleStore(MODULE))
  }

  record(datanet: bigint, record: bigint): DatanetRecordView | undefined {
    const r = this.#books.record(datanet, record)
    return r === undefined ? undefined : recordView(r)
  }

  version(datanet: bigint, version: bigint): DatanetVersionView | undefined {
    const v = this.#books.version(datanet, version)
    return v === undefined ? undefined : versionView(v)
  }

  declarations(subnet: bigint, round: bigint): DataDeclarationView[] {
    return [...this.#books.declarations(subnet, round)].map(declarationView)
  }
}
