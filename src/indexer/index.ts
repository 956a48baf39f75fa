// The transaction index: the node feeds it each committed block; RPC reads it.
export {
  TxIndexer,
  txMatches,
  MAX_INDEXED_VALUE_BYTES,
  MAX_SEARCH_LIMIT,
  type TxIndexReader,
  type TxIndexerOptions,
  type TxSearchFilter,
  type TxSearchPage,
} from './indexer.js'
export {
  blockTxRecords,
  toJsonValue,
  txResultRecord,
  type IndexedTx,
  type IndexedTxResult,
  type IndexedEvent,
  type IndexedMessage,
} from './records.js'
export { IndexerError, type IndexerErrorCode } from './errors.js'
export { DisabledTxIndex } from './disabled.js'
