import { FedraError } from '../errors.js'

export type StateErrorCode =
  | 'STORE_CORRUPT' // the stored leaves do not hash to the stored root
  | 'STORE_CLOSED'
  | 'HEIGHT_MISMATCH' // committing a height that does not follow the last one
  | 'VERSION_PRUNED' // a historic version no longer kept in memory
  | 'OUT_OF_GAS'
  | 'GENESIS_INVALID'
  | 'UNKNOWN_MODULE'
  | 'NOT_PROVABLE' // a proof asked of a query that iterated a range: its completeness cannot be proven
  | 'DUPLICATE_MODULE'
  | 'INVARIANT_BROKEN'
  | 'COMPOSITION_INVALID' // a registry whose seams do not fit: a missing keeper or method, an unknown account owner, a bad order
  | 'UNDECLARED_KEEPER' // a module asked for a keeper it did not list in `expects`
  | 'SCOPE_VIOLATION' // a module reached outside its scope: another's store, another's hooks, the params keeper
  | 'INVALID_VALIDATOR_UPDATE' // an end-block or genesis update with a bad key or power, or a key updated twice
  | 'DEC_INVALID' // decimal text that is not like 0.05
  | 'DEC_DIVISION_BY_ZERO'
  | 'BLOB_NOT_DECLARED' // a handler read a blob no message of its block declared (MessageHandler.blobs)
  | 'BLOB_NOT_LOADED' // execution without the block's declared blobs loaded (node-local: the block is not executed)
  | 'ENVELOPE_UNREADABLE' // a private subnet's envelope this node holds no key for, or a wrong wrap (node-local: it must stop)

export interface StateErrorContext {
  height?: number
  expected?: string
  actual?: string
  path?: string
  module?: string
  limit?: bigint
  used?: bigint
}

export class StateError extends FedraError<StateErrorCode, StateErrorContext> {}
