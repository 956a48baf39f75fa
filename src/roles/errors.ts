import { FedraError } from '../errors.js'

export type RoleErrorCode =
  | 'BAD_DATA_SPEC' // a --data argument that names no dataset or part
  | 'BAD_OPTION' // any other option out of range
  | 'BLOB_UNAVAILABLE' // the node could not give a blob (not found, timed out)
  | 'BLOB_MISMATCH' // bytes the node gave that do not hash to the CID asked for
  | 'BAD_MODEL' // a global model blob that does not fit the subnet's model spec
  | 'NODE_REFUSED' // the node refused a call or a transaction
  | 'ENVELOPE_UNREADABLE' // a private subnet's envelope this role cannot open (no key of its epoch, or the envelope is bad)

export interface RoleErrorContext {
  option?: string
  value?: string
  cid?: string
  status?: number
  code?: string
}

/** A trainer's or aggregator's own refusal; anything the node answers keeps its own type. */
export class RoleError extends FedraError<RoleErrorCode, RoleErrorContext> {}
