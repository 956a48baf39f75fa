import { FedraError } from '../errors.js'

/** Why the p2p layer refused or failed something. Callers and tests switch on `code`. */
export type P2PErrorCode =
  | 'INVALID_CONFIG' // bad seed length, unparsable multiaddr, bootstrap address without /p2p/
  | 'NOT_STARTED' // used before start() or after stop()
  | 'MESSAGE_TOO_LARGE' // a gossip or direct message over the configured limit
  | 'REQUEST_TOO_LARGE' // a request over the local limit (the remote's own limit answers REMOTE_ERROR)
  | 'RESPONSE_TOO_LARGE' // the remote announced a response over maxResponseBytes
  | 'TIMEOUT'
  | 'UNKNOWN_PEER' // not connected to that peer (the host only talks to connected peers)
  | 'UNSUPPORTED_PROTOCOL' // the peer does not speak that protocol
  | 'REMOTE_ERROR' // the peer answered with an error frame (context.remoteCode says why)
  | 'PROTOCOL_VIOLATION' // a malformed frame, or the stream ended before a whole frame
  | 'TRANSPORT' // the connection or stream failed underneath
  | 'ALREADY_REGISTERED' // a second subscribe/handle for the same topic or protocol

export interface P2PErrorContext {
  peer?: string
  protocol?: string
  topic?: string
  bytes?: number
  limit?: number
  timeoutMs?: number
  /** For REMOTE_ERROR: the code the responder put in its error frame. */
  remoteCode?: string
  remoteMessage?: string
  reason?: string
}

export class P2PError extends FedraError<P2PErrorCode, P2PErrorContext> {}

/**
 * What a request handler throws to answer with an error frame instead of a response, so the
 * requester can tell "not found" (a REMOTE_ERROR with `remoteCode` 'NOT_FOUND') from a dead
 * stream (TRANSPORT). Any other exception from a handler is answered as remoteCode 'INTERNAL'.
 */
export class RequestRefused extends Error {
  readonly remoteCode: string

  /** `remoteCode` travels truncated to 64 bytes and `message` to 1 KiB (see frames.ts). */
  constructor(remoteCode: string, message: string) {
    super(message)
    this.remoteCode = remoteCode
    this.name = 'RequestRefused'
  }
}
