import { FedraError } from '../errors.js'

export type IndexerErrorCode =
  | 'BAD_CURSOR' // a search cursor that this indexer did not hand out
  | 'RESULTS_MISMATCH' // block results that do not belong to the block (height or tx count)
  | 'CLOSED'
  | 'DISABLED' // this node does not index transactions (txIndex.enabled false)

export interface IndexerErrorContext {
  height?: number
  cursor?: string
  expected?: string
  actual?: string
}

export class IndexerError extends FedraError<IndexerErrorCode, IndexerErrorContext> {}
