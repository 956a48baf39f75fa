import { FedraError } from '../errors.js'
import { RPC_ERRORS, type RpcErrorName } from '../rpc/errors.js'

export type ClientErrorCode =
  | 'RPC_ERROR' // the server answered with a JSON-RPC error: see context.rpcCode and data
  | 'TRANSPORT' // the connection failed or the HTTP status was not a JSON-RPC answer
  | 'BAD_RESPONSE' // the answer is not a JSON-RPC response, or its result breaks the method's schema
  | 'VERIFICATION_FAILED' // a proof, header hash or commit did not check out
  | 'TIMEOUT' // no answer within the client's timeout
  | 'CLOSED' // the client was closed, or the WebSocket dropped with the call in flight
  | 'INVALID_INPUT' // what the caller asked to build (an amount, an address) is not well-formed

export interface ClientErrorContext {
  method?: string
  rpcCode?: number
  data?: unknown
  status?: number
  height?: number
  reason?: string
  url?: string
}

export class ClientError extends FedraError<ClientErrorCode, ClientErrorContext> {
  /** True when the server answered with this application error (e.g. 'TX_REJECTED'). */
  is(name: RpcErrorName): boolean {
    return this.code === 'RPC_ERROR' && this.context.rpcCode === RPC_ERRORS[name]
  }
}
