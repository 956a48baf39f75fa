import type { Block } from '../consensus/block.js'
import type { ModuleRegistry } from '../state/module.js'
import type { BlockResultsValue } from '../state/results.js'
import { IndexerError } from './errors.js'
import type { TxIndexReader, TxSearchPage } from './indexer.js'
import { blockTxRecords, type IndexedTx } from './records.js'

/**
 * The index of a node that keeps none (`txIndex.enabled: false`, CometBFT's `indexer = "null"`,
 * the usual choice for a validator): lookups and searches refuse with DISABLED, while the records
 * of a block in hand, which need no storage, still serve live subscriptions.
 */
export class DisabledTxIndex implements TxIndexReader {
  readonly lastHeight = 0
  readonly #registry: ModuleRegistry

  constructor(registry: ModuleRegistry) {
    this.#registry = registry
  }

  get(): Promise<IndexedTx | null> {
    return Promise.reject(disabled())
  }

  search(): Promise<TxSearchPage> {
    return Promise.reject(disabled())
  }

  records(block: Block, results: BlockResultsValue): IndexedTx[] {
    return blockTxRecords(block, results, this.#registry)
  }

  async close(): Promise<void> {}
}

function disabled(): IndexerError {
  return new IndexerError('DISABLED', 'this node does not index transactions (txIndex.enabled is false); ask a node that does', {})
}
