import { ClientError } from './errors.js'
import { type JsonRpcResponse, checkResponse } from './response.js'

/** JSON-RPC over HTTP POST, with keep-alive through the global fetch. */
export class HttpTransport {
  readonly url: string
  readonly #timeoutMs: number
  #nextId = 1

  constructor(url: string, timeoutMs: number) {
    this.url = url
    this.#timeoutMs = timeoutMs
  }

  async call(method: string, params: unknown): Promise<unknown> {
    const id = this.#nextId++
    const response = await this.#post(JSON.stringify({ jsonrpc: '2.0', id, method, params }), method)
    return checkResponse(response, id, method)
  }

  /** Sends raw body text and returns the parsed answer (null for 204); tests and the fuzzer use it. */
  async #post(body: string, method: string): Promise<unknown> {
    let res: Response
    try {
      res = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(this.#timeoutMs) })
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError'
      throw new ClientError(timedOut ? 'TIMEOUT' : 'TRANSPORT', `${method}: ${(error as Error).message}`, { method, reason: (error as Error).message }, { cause: error })
    }
    const text = await res.text()
    if (res.status === 204) return null
    try {
      return JSON.parse(text) as JsonRpcResponse
    } catch {
      throw new ClientError('TRANSPORT', `${method}: HTTP ${res.status} without a JSON body`, { method, status: res.status })
    }
  }

  close(): void {}
}
