import type { Logger } from 'pino'
import { CryptoError } from '../crypto/errors.js'
import { IndexerError } from '../indexer/errors.js'
import { StateError } from '../state/errors.js'
import { ModuleError } from '../state/tx-errors.js'
import { RpcError, type RpcErrorObject } from './errors.js'
import { BodyError, parseBody } from './json.js'
import type { RpcLimits } from './limits.js'
import type { CallContext, MethodTable } from './method.js'
import type { Session } from './session.js'

const NULL_ID = 'null'

function errorText(idText: string, error: RpcErrorObject): string {
  return `{"jsonrpc":"2.0","id":${idText},"error":${JSON.stringify(error)}}`
}

// Any JSON number is a legal id, also one too large for a double (1e400 parses to Infinity).
const isId = (id: unknown): boolean => id === null || typeof id === 'string' || typeof id === 'number'

/**
 * Maps what a handler threw to the error the client sees. Typed errors of lower layers that
 * a client can act on get their own codes; anything else is -32603 and only logged.
 */
export function toRpcError(error: unknown, log: Logger, method: string): RpcError {
  if (error instanceof RpcError) return error
  if (error instanceof StateError && error.code === 'VERSION_PRUNED') {
    return new RpcError(
      'HEIGHT_UNAVAILABLE',
      { height: error.context.height ?? null, reason: 'state at this height is not kept' },
      error.message.replace(/^[A-Z_]+: /, ''),
    )
  }
  if (error instanceof StateError && error.code === 'UNKNOWN_MODULE')
    return new RpcError('QUERY_FAILED', { codespace: 'state', reason: error.message }, error.message)
  if (error instanceof CryptoError && error.code === 'BAD_ADDRESS')
    return new RpcError('QUERY_FAILED', { codespace: 'crypto', reason: error.message }, error.message)
  // A module's own refusal of a query (unknown validator, bad address): its codespace and code, as a tx failure carries them.
  if (error instanceof ModuleError)
    return new RpcError(
      'QUERY_FAILED',
      { codespace: error.context.codespace, code: error.code, reason: error.plainMessage },
      error.plainMessage,
    )
  if (error instanceof StateError && error.code === 'NOT_PROVABLE')
    return new RpcError('QUERY_FAILED', { codespace: 'state', code: error.code, reason: error.plainMessage }, error.plainMessage)
  if (error instanceof StateError && error.code === 'DEC_INVALID')
    return new RpcError('QUERY_FAILED', { codespace: 'state', code: error.code, reason: error.plainMessage }, error.plainMessage)
  if (error instanceof IndexerError && error.code === 'DISABLED')
    return new RpcError('INDEX_DISABLED', {}, error.message.replace(/^[A-Z_]+: /, ''))
  if (error instanceof IndexerError && error.code === 'BAD_CURSOR') {
    return new RpcError(
      'INVALID_PARAMS',
      { field: 'params.cursor', reason: 'not a cursor this server handed out' },
      'params.cursor: not a cursor this server handed out',
    )
  }
  log.error({ err: error, method }, 'RPC handler failed')
  return new RpcError('INTERNAL_ERROR', { reason: 'the server failed to answer; see its log' })
}

/**
 * Transport-independent JSON-RPC 2.0: takes a body as text, answers with the response text,
 * or null when nothing must be sent (only notifications). Batches run concurrently and their
 * responses keep the order of the requests.
 */
export class Dispatcher {
  readonly #table: MethodTable
  readonly #limits: RpcLimits
  readonly #log: Logger

  constructor(table: MethodTable, limits: RpcLimits, log: Logger) {
    this.#table = table
    this.#limits = limits
    this.#log = log
  }

  async handle(text: string, session: Session): Promise<string | null> {
    let parsed
    try {
      parsed = parseBody(text, this.#limits.maxJsonDepth)
    } catch (error) {
      if (!(error instanceof BodyError)) throw error
      if (error.kind === 'parse') return errorText(NULL_ID, new RpcError('PARSE_ERROR', { reason: error.message }).toObject())
      return errorText(NULL_ID, new RpcError('INVALID_REQUEST', { reason: error.message, limit: this.#limits.maxJsonDepth }).toObject())
    }
    const { value, rawIds } = parsed
    if (!Array.isArray(value)) return this.#handleOne(value, rawIds.get(0), session)
    if (value.length === 0) return errorText(NULL_ID, new RpcError('INVALID_REQUEST', { reason: 'empty batch' }).toObject())
    if (value.length > this.#limits.maxBatchSize) {
      return errorText(
        NULL_ID,
        new RpcError(
          'INVALID_REQUEST',
          { reason: `batch of ${value.length} requests`, limit: this.#limits.maxBatchSize },
          `batch larger than ${this.#limits.maxBatchSize}`,
        ).toObject(),
      )
    }
    const responses = await Promise.all(value.map((request, i) => this.#handleOne(request, rawIds.get(i), session)))
    const sent = responses.filter((r): r is string => r !== null)
    return sent.length === 0 ? null : `[${sent.join(',')}]`
  }

  async #handleOne(request: unknown, rawId: string | undefined, session: Session): Promise<string | null> {
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      return errorText(NULL_ID, new RpcError('INVALID_REQUEST', { reason: 'a request is a JSON object' }).toObject())
    }
    const r = request as Record<string, unknown>
    const hasId = Object.hasOwn(r, 'id')
    const idOk = !hasId || isId(r.id)
    // The id is echoed as its literal text, so 12345678901234567890, 1e400 or "\u00e9" come back unchanged.
    const idText = hasId && idOk ? (rawId ?? JSON.stringify(r.id) ?? NULL_ID) : NULL_ID
    const invalid = (reason: string) => errorText(idText, new RpcError('INVALID_REQUEST', { reason }).toObject())
    if (!idOk) return errorText(NULL_ID, new RpcError('INVALID_REQUEST', { reason: 'id must be a string, a number or null' }).toObject())
    if (r.jsonrpc !== '2.0') return invalid('jsonrpc must be exactly "2.0"')
    if (typeof r.method !== 'string') return invalid('method must be a string')
    if (r.params !== undefined && (typeof r.params !== 'object' || r.params === null))
      return invalid('params must be an array or an object')

    const notification = !hasId
    const answer = (error: RpcError): string | null => (notification ? null : errorText(idText, error.toObject()))
    const retryAfterMs = session.budget.take()
    if (retryAfterMs !== null) return answer(new RpcError('RATE_LIMITED', { limit: 'rate', retryAfterMs }))
    const entry = this.#table.get(r.method)
    if (entry === undefined) return answer(new RpcError('METHOD_NOT_FOUND', { method: r.method.slice(0, 128) }))
    if (entry.spec.transport === 'ws' && session.transport !== 'ws')
      return answer(new RpcError('WEBSOCKET_REQUIRED', { transport: session.transport }, `${entry.spec.name} needs a WebSocket connection`))
    if (!session.budget.enter()) return answer(new RpcError('RATE_LIMITED', { limit: 'inFlight', retryAfterMs: 100 }))
    try {
      const params = entry.parseParams(r.params)
      const ctx: CallContext = { transport: session.transport, session, signal: session.signal }
      const result = await entry.handler(params, ctx)
      if (notification) return null
      return `{"jsonrpc":"2.0","id":${idText},"result":${JSON.stringify(result) ?? 'null'}}`
    } catch (error) {
      return answer(toRpcError(error, this.#log, entry.spec.name))
    } finally {
      session.budget.leave()
    }
  }
}
