import { FedraError } from '../errors.js'

export type NodeErrorCode =
  | 'CONFIG_INVALID' // a config file, flag or environment value is malformed or out of range
  | 'KEY_INVALID' // node_key.json or priv_validator_key.json cannot be read
  | 'GENESIS_UNSUPPORTED' // a valid genesis this node cannot run yet
  | 'STORE_MISMATCH' // the data directory belongs to another chain or its records disagree
  | 'SYNC_FAILED' // a peer served a block or commit that does not verify
  | 'ALREADY_RUNNING' // another process holds the data directory
  | 'HOME_EXISTS' // init on a home that already has a genesis, without --force
  | 'ADDRESS_IN_USE' // a listen address (p2p, rpc, metrics) is taken by another process
  | 'UPGRADE_NEEDED' // the chain reached a scheduled software upgrade this binary was not started with (--upgrade NAME)
  | 'UPGRADE_TOO_EARLY' // started with --upgrade NAME before the height it is scheduled for
  | 'ENVELOPE_UNREADABLE' // a private subnet's envelope this node holds no key for (not a recipient of the epoch, or a wrong wrap): it cannot execute the chain
  | 'NOT_FOUND'

export interface NodeErrorContext {
  field?: string
  path?: string
  height?: number
  peer?: string
  reason?: string
  upgrade?: string
}

export class NodeError extends FedraError<NodeErrorCode, NodeErrorContext> {}
