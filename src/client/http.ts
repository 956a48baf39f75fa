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
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      })
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError'
      // Name the address: "fetch failed" alone leaves a user guessing which node was tried.
      const reason = describeFetchError(error)
      const what = timedOut ? `no answer from ${this.url} within ${this.#timeoutMs} ms` : `cannot reach ${this.url}: ${reason}`
      throw new ClientError(timedOut ? 'TIMEOUT' : 'TRANSPORT', `${method}: ${what}`, { method, reason, url: this.url }, { cause: error })
    }
    const text = await res.text()
    if (res.status === 204) return null
    try {
      return JSON.parse(text) as JsonRpcResponse
    } catch {
      throw new ClientError('TRANSPORT', `${method}: ${this.url} answered HTTP ${res.status} without a JSON body`, {
        method,
        status: res.status,
        url: this.url,
      })
    }
  }

  close(): void {}
}

/** fetch's own message is "fetch failed"; the cause says what happened (ECONNREFUSED 127.0.0.1:26657). */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  if (cause?.code !== undefined)
    return cause.code === 'ECONNREFUSED'
      ? 'connection refused (is a node running there?)'
      : `${cause.code}${cause.message ? ` (${cause.message})` : ''}`
  return cause?.message ?? (error as Error).message
}
