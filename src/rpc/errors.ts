import { FedraError } from '../errors.js'

/**
 * JSON-RPC error codes: the five of the JSON-RPC 2.0 specification, then Fedra's application
 * codes in the -32000..-32099 range the specification reserves for servers. Clients switch on
 * the number; `data` carries the typed context listed beside each code.
 */
export const RPC_ERRORS = {
  /** Invalid JSON. data: { reason } */
  PARSE_ERROR: -32700,
  /** Not a Request object, batch too large, or nesting too deep. data: { reason, limit? } */
  INVALID_REQUEST: -32600,
  /** data: { method } */
  METHOD_NOT_FOUND: -32601,
  /** data: { field, reason }: `field` is a path such as `params.filter.signer` or `params[1]`. */
  INVALID_PARAMS: -32602,
  /** A fault of the server; details are logged, not returned. data: { reason } */
  INTERNAL_ERROR: -32603,
  /** The mempool refused a transaction. data: { hash, code, codespace, log } (codes of that codespace, e.g. tx/7 REPLAYED). */
  TX_REJECTED: -32000,
  /** No such block, transaction, commit or validator set. data: { what, height?, hash? } */
  NOT_FOUND: -32001,
  /** A wait (tx_broadcast commit) ran out. data: { hash, timeoutMs } */
  TIMEOUT: -32002,
  /** Per-connection rate or in-flight limit. data: { limit: 'rate' | 'inFlight', retryAfterMs } */
  RATE_LIMITED: -32003,
  /** maxSubscriptionsPerClient (one WebSocket) or maxSubscriptionsPerIp (all of one client address). data: { limit, scope: 'connection' | 'ip' } */
  TOO_MANY_SUBSCRIPTIONS: -32004,
  /** The height is pruned or not reached yet. data: { height, earliest, latest } (state pruned below the blocks: { height, reason }) */
  HEIGHT_UNAVAILABLE: -32005,
  /** The method needs a WebSocket (subscriptions). data: { transport } */
  WEBSOCKET_REQUIRED: -32006,
  /** A module query failed (bad address, unknown module). data: { codespace, reason } */
  QUERY_FAILED: -32007,
  /** The server is shutting down. data: {} */
  UNAVAILABLE: -32008,
  /** This node keeps no transaction index (txIndex.enabled false): ask one that does. data: {} */
  INDEX_DISABLED: -32009,
  /** The mempool is full and the transaction does not outbid what it holds: retry later or pay more per gas. data: { hash, txs, maxTxs, bytes, maxBytes } */
  MEMPOOL_FULL: -32010,
  /** This client address holds maxConnectionsPerIp connections already (HTTP 429 before any request). data: { limit, scope: 'ip' } */
  TOO_MANY_CONNECTIONS: -32011,
  /** The server's replays are at their global bound (replayBacklogBlocks): subscribe without fromHeight, or later. data: { requested, outstanding, limit } */
  REPLAY_BUSY: -32012,
  /** The parameter store refused a blob. data: { code, ...context }, code one of TOO_LARGE, QUOTA_EXCEEDED, TRUNCATED, CORRUPT_BLOCK, UNSUPPORTED_CID (docs/blobs.md). */
  BLOB_REJECTED: -32013,
  /** model_infer could not answer. data: { code, ...context }, code one of SERVING_DISABLED, UNKNOWN_VERSION, NOT_SERVABLE, MODEL_UNAVAILABLE, INPUT_SHAPE, INPUT_VALUE, UNKNOWN_RECEIPT, RECEIPT_MISMATCH, RECEIPT_UNPAID (docs/serving.md). */
  INFERENCE_REFUSED: -32014,
} as const

export type RpcErrorName = keyof typeof RPC_ERRORS

export const RPC_ERROR_MESSAGES: Record<RpcErrorName, string> = {
  PARSE_ERROR: 'Parse error',
  INVALID_REQUEST: 'Invalid Request',
  METHOD_NOT_FOUND: 'Method not found',
  INVALID_PARAMS: 'Invalid params',
  INTERNAL_ERROR: 'Internal error',
  TX_REJECTED: 'Transaction rejected',
  NOT_FOUND: 'Not found',
  TIMEOUT: 'Timed out',
  RATE_LIMITED: 'Rate limited',
  TOO_MANY_SUBSCRIPTIONS: 'Too many subscriptions',
  HEIGHT_UNAVAILABLE: 'Height unavailable',
  WEBSOCKET_REQUIRED: 'WebSocket required',
  QUERY_FAILED: 'Query failed',
  UNAVAILABLE: 'Unavailable',
  INDEX_DISABLED: 'Transaction index disabled',
  MEMPOOL_FULL: 'Mempool full',
  TOO_MANY_CONNECTIONS: 'Too many connections',
  REPLAY_BUSY: 'Replay budget exhausted',
  BLOB_REJECTED: 'Blob rejected',
  INFERENCE_REFUSED: 'Inference refused',
}

/** What each code carries in `data`, for the docs and the OpenRPC document. */
export const RPC_ERROR_DATA: Record<RpcErrorName, string> = {
  PARSE_ERROR: '{ reason }',
  INVALID_REQUEST: '{ reason, limit? }',
  METHOD_NOT_FOUND: '{ method }',
  INVALID_PARAMS: '{ field, reason }',
  INTERNAL_ERROR: '{ reason }',
  TX_REJECTED: '{ hash, code, codespace, log }',
  NOT_FOUND: '{ what, height?, hash? }',
  TIMEOUT: '{ hash, timeoutMs }',
  RATE_LIMITED: "{ limit: 'rate' | 'inFlight', retryAfterMs }",
  TOO_MANY_SUBSCRIPTIONS: "{ limit, scope: 'connection' | 'ip' }",
  HEIGHT_UNAVAILABLE: '{ height, earliest, latest } or, for pruned state, { height, reason }',
  WEBSOCKET_REQUIRED: '{ transport }',
  QUERY_FAILED: "{ codespace, reason, code? } (code: the module's error name, e.g. UNKNOWN_VALIDATOR)",
  UNAVAILABLE: '{}',
  INDEX_DISABLED: '{}',
  MEMPOOL_FULL: '{ hash, txs, maxTxs, bytes, maxBytes }',
  TOO_MANY_CONNECTIONS: "{ limit, scope: 'ip' }",
  REPLAY_BUSY: '{ requested, outstanding, limit }',
  BLOB_REJECTED:
    '{ code, ...context } (code TOO_LARGE { size, limit }, QUOTA_EXCEEDED { size, used, limit }, TRUNCATED { expected, received }, CORRUPT_BLOCK { cid, reason }, UNSUPPORTED_CID { cid, version, codec, hash })',
  INFERENCE_REFUSED:
    '{ code, ...context } (code SERVING_DISABLED {}, UNKNOWN_VERSION { subnet, version }, NOT_SERVABLE { subnet, version, reason }, MODEL_UNAVAILABLE { cid, reason }, INPUT_SHAPE { expected, actual }, INPUT_VALUE { index }, UNKNOWN_RECEIPT { receipt }, RECEIPT_MISMATCH { receipt, paid, requested }, RECEIPT_UNPAID { receipt, fee })',
}

/** The JSON-RPC error object. */
export interface RpcErrorObject {
  code: number
  message: string
  data?: unknown
}

/**
 * An error a method handler throws to answer with a JSON-RPC error. `data` must be JSON-safe;
 * anything else a handler throws becomes -32603 with the details only in the log.
 */
export class RpcError extends FedraError<RpcErrorName, Record<string, unknown>> {
  /** Appended to the standard message ("Invalid params: params.height: required"). */
  readonly detail: string | undefined

  constructor(code: RpcErrorName, data: Record<string, unknown> = {}, detail?: string) {
    super(code, detail ?? RPC_ERROR_MESSAGES[code], data)
    this.detail = detail
  }

  get numericCode(): number {
    return RPC_ERRORS[this.code]
  }

  toObject(): RpcErrorObject {
    const message = this.detail === undefined ? RPC_ERROR_MESSAGES[this.code] : `${RPC_ERROR_MESSAGES[this.code]}: ${this.detail}`
    return { code: RPC_ERRORS[this.code], message, data: this.context }
  }
}
