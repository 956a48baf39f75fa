import { FedraError } from '../errors.js'

export type RoleErrorCode =
  | 'BAD_DATA_SPEC' // a --data argument that names no dataset or part
  | 'BAD_OPTION' // any other option out of range
  | 'BLOB_UNAVAILABLE' // the node could not give a blob (not found, timed out)
  | 'BLOB_MISMATCH' // bytes the node gave that do not hash to the CID asked for
  | 'BAD_MODEL' // a global model blob that does not fit the subnet's model spec
  | 'NODE_REFUSED' // the node refused a call or a transaction
  | 'BAD_STATE' // a state file this role wrote that it cannot read back
  | 'SECAGG_NOT_IN_ROSTER' // a secagg round's roster (fixed at its first setup) does not list this trainer
  | 'SECAGG_SETUP_MISSED' // a secagg round's setup phase passed without this trainer's setup
  | 'SECAGG_KEY_LOST' // this trainer's setup is on chain but its round key is in none of its stores
  | 'SECAGG_NO_HOLDER_KEY' // a graph neighbour has no public key on chain: no share can be sealed to it
  | 'SECAGG_REFUSED' // the chain refused a secagg setup or reveal
  | 'SECAGG_UNRECOVERABLE' // a dropped trainer's revealed shares do not rebuild its round key
  | 'ENVELOPE_UNREADABLE' // a private subnet's envelope this role cannot open (no key of its epoch, or the envelope is bad)

export interface RoleErrorContext {
  option?: string
  value?: string
  cid?: string
  status?: number
  code?: string
  subnet?: string
  round?: string
}

/** A trainer's or aggregator's own refusal; anything the node answers keeps its own type. */
export class RoleError extends FedraError<RoleErrorCode, RoleErrorContext> {}
