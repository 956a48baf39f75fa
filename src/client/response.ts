import { ClientError } from './errors.js'

export interface JsonRpcResponse {
  jsonrpc: '2.0'
  id: string | number | null
  result?: unknown
  error?: { code: number; message: string; data?: unknown }
}

/** Unwraps one response: its result, or a ClientError RPC_ERROR carrying the server's code and data. */
export function checkResponse(response: unknown, id: number, method: string): unknown {
  if (typeof response !== 'object' || response === null || Array.isArray(response)) {
    throw new ClientError('BAD_RESPONSE', `${method}: the answer is not a JSON-RPC response`, { method })
  }
  const r = response as JsonRpcResponse
  if (r.jsonrpc !== '2.0' || (r.id !== id && r.id !== null))
    throw new ClientError('BAD_RESPONSE', `${method}: answer for another request`, { method })
  if (r.error !== undefined) {
    const { code, message, data } = r.error
    throw new ClientError('RPC_ERROR', `${method}: ${message} (${code})`, { method, rpcCode: code, data })
  }
  if (!Object.hasOwn(r, 'result')) throw new ClientError('BAD_RESPONSE', `${method}: response without result or error`, { method })
  return r.result
}
