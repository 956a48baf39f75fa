import type { Context } from '../../state/index.js'
import { LineageBooks } from './books.js'
import { MODULE, type VersionId } from './keys.js'
import type { PoolValue, VersionRecordValue } from './messages.js'

/** Lineage's keeper for other modules (reads only; the model factory will add adapter records): a version's record, its pool, its children. */
export class LineageKeeper {
  readonly #books: LineageBooks

  /** `ctx` is scoped to lineage. */
  constructor(ctx: Context) {
    this.#books = new LineageBooks(ctx.moduleStore(MODULE))
  }

  version(subnet: bigint, version: bigint): VersionRecordValue | undefined {
    return this.#books.version({ subnet, version })
  }

  pool(subnet: bigint, version: bigint): PoolValue {
    return this.#books.pool({ subnet, version })
  }

  children(subnet: bigint, version: bigint): VersionId[] {
    return [...this.#books.children({ subnet, version })]
  }
}
