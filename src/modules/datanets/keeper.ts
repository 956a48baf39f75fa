import { toHex } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'
import { DatanetsBooks } from './books.js'
import { datanetsError } from './errors.js'
import { emitCuratorsChanged } from './events.js'
import { MODULE } from './keys.js'
import { type DataDeclarationValue, type DatanetRecordValue, type DatanetVersionValue, MAX_CURATORS } from './messages.js'
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

export const versionView = (v: DatanetVersionValue): DatanetVersionView => ({
  datanet: v.datanet,
  version: v.version,
  root: v.root,
  recordCount: v.recordCount,
  height: v.height,
})

export const declarationView = (d: DataDeclarationValue): DataDeclarationView => ({
  subnet: d.subnet,
  round: d.round,
  trainer: d.trainer,
  datanet: d.datanet,
  version: d.version,
  records: d.records.map((r) => ({ record: r.record, count: r.count })),
  root: d.root,
})

/**
 * Datanets' keeper for other modules: reads (views.ts DatanetsView), so the lineage module can
 * reach data contributors; and, for gov's Datanet scope, its owner and curators and
 * `curatorsChange`, the one write another module may make (docs/governance.md).
 */
export class DatanetsKeeper implements DatanetsView {
  readonly #books: DatanetsBooks
  readonly #ctx: Context

  /** `ctx` is scoped to datanets. */
  constructor(ctx: Context) {
    this.#ctx = ctx
    this.#books = new DatanetsBooks(ctx.moduleStore(MODULE))
  }

  /** A Datanet's owner and curation rule, if it exists. */
  curation(datanet: bigint): { owner: Uint8Array; curators: Uint8Array[]; approvals: number } | undefined {
    const d = this.#books.datanet(datanet)
    return d === undefined ? undefined : { owner: d.owner, curators: d.curators, approvals: d.approvals }
  }

  /**
   * Replaces a Datanet's curators and approvals (k of n), checked as at creation (BAD_CURATORS,
   * BAD_APPROVALS) and refused while a pending record has votes (CURATION_IN_PROGRESS); returns the
   * effect, which cannot fail. The rule before the change stays on record as a curator epoch, so
   * the records it decided are still checked against it (invariants.ts).
   */
  curatorsChange(datanet: bigint, curators: readonly Uint8Array[], approvals: number): () => void {
    const d = this.#books.datanet(datanet)
    if (d === undefined) throw datanetsError('UNKNOWN_DATANET', `no datanet ${datanet}`, { datanet: String(datanet) })
    if (curators.length === 0 || curators.length > MAX_CURATORS)
      throw datanetsError('BAD_CURATORS', `a datanet has 1..${MAX_CURATORS} curators`, { curators: curators.length })
    if (new Set(curators.map(toHex)).size !== curators.length)
      throw datanetsError('BAD_CURATORS', 'a curator is listed twice', { curators: curators.length })
    if (approvals < 1 || approvals > curators.length) {
      throw datanetsError('BAD_APPROVALS', `approvals must lie in 1..${curators.length} (the curators), not ${approvals}`, {
        approvals,
        curators: curators.length,
      })
    }
    for (const r of this.#books.records(datanet)) {
      if (r.status === 'pending' && r.approvals + r.rejections > 0) {
        throw datanetsError('CURATION_IN_PROGRESS', `record ${datanet}/${r.record} is pending with votes under the current curators`, {
          datanet: String(datanet),
          record: String(r.record),
        })
      }
    }
    return () => {
      const height = BigInt(this.#ctx.block.height)
      if ([...this.#books.epochs(datanet)].length === 0) this.#books.setEpoch(datanet, 0n, { curators: d.curators, approvals: d.approvals })
      const sorted = [...curators].map((c) => c.slice()).sort(Buffer.compare)
      // From the next height: whatever this block decided (before gov's end-block) was decided by the old rule.
      this.#books.setEpoch(datanet, height + 1n, { curators: sorted, approvals })
      const next = { ...d, curators: sorted, approvals }
      this.#books.setDatanet(next)
      emitCuratorsChanged(this.#ctx, next)
    }
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
