import { FedraError } from '../errors.js'

/** Why the consensus layer refused something. Tests and callers switch on `code`. */
export type ConsensusErrorCode =
  | 'DOUBLE_SIGN_REFUSED' // the signer guard would have signed a conflicting message
  | 'SIGN_REGRESSION' // asked to sign for a height/round/step below the last signed one
  | 'WAL_CORRUPT' // a WAL record in the middle of the file fails its checksum
  | 'WAL_CLOSED'
  | 'SIGNER_STATE_CORRUPT' // the last-signed state file beside the key cannot be read: refuse to sign
  | 'INVALID_VALIDATOR_SET' // empty set, duplicate address, zero or oversized power
  | 'UNKNOWN_VALIDATOR'
  | 'INVALID_BLOCK' // header or last commit does not match the chain
  | 'INVALID_COMMIT'
  | 'INVALID_EVIDENCE'
  | 'INVALID_PARAMS'

export interface ConsensusErrorContext {
  height?: number
  round?: number
  step?: string
  validator?: string
  reason?: string
  offset?: number
}

export class ConsensusError extends FedraError<ConsensusErrorCode, ConsensusErrorContext> {}
