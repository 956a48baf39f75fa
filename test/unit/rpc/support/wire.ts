/** Raw JSON-RPC traffic for tests: bodies as text over HTTP and WebSocket, and response checks. */
import { type IncomingHttpHeaders, request } from 'node:http'
import { pino } from 'pino'
import WebSocket from 'ws'
import { ClientError } from '../../../../src/client/index.js'

export const silentLog = pino({ level: 'silent' })

export interface HttpAnswer {
  status: number
  headers: IncomingHttpHeaders
  text: string
}

/** POSTs `body` as is; rejects only when the connection fails or is closed without an answer. */
export function post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A WebSocket that hands out incoming messages in order, for request/answer tests. */
export class RawWs {
  readonly socket: WebSocket
  readonly #queue: string[] = []
  readonly #waiting: ((text: string) => void)[] = []
  closeCode: number | null = null
  readonly closed: Promise<number>

  private constructor(socket: WebSocket) {
    this.socket = socket
    socket.on('message', (data) => {
      const text = data.toString()
      const waiter = this.#waiting.shift()
      if (waiter !== undefined) waiter(text)
      else this.#queue.push(text)
    })
    this.closed = new Promise((resolve) =>
      socket.on('close', (code) => {
        this.closeCode = code
        resolve(code)
      }),
    )
    socket.on('error', () => {})
  }

  static open(url: string): Promise<RawWs> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false })
      socket.once('open', () => resolve(new RawWs(socket)))
      socket.once('error', reject)
    })
  }

  send(text: string | Buffer): void {
    this.socket.send(text)
  }

  /** The next message, or rejects after `timeoutMs`. */
  next(timeoutMs = 3000): Promise<string> {
    const queued = this.#queue.shift()
    if (queued !== undefined) return Promise.resolve(queued)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiting.indexOf(deliver)
        if (i >= 0) this.#waiting.splice(i, 1)
        reject(new Error(`no WebSocket message within ${timeoutMs} ms`))
      }, timeoutMs)
      const deliver = (text: string) => {
        clearTimeout(timer)
        resolve(text)
      }
      this.#waiting.push(deliver)
    })
  }

  /** Sends and returns the next message (the answer, when nothing else is in flight). */
  async ask(text: string, timeoutMs?: number): Promise<string> {
    this.send(text)
    return this.next(timeoutMs)
  }

  close(): void {
    this.socket.terminate()
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Whether `value` is one JSON-RPC 2.0 Response object (spec §5). Returns the problem or null. */
export function responseProblem(value: unknown): string | null {
  if (!isObject(value)) return 'not an object'
  if (value.jsonrpc !== '2.0') return 'jsonrpc is not "2.0"'
  if (!Object.hasOwn(value, 'id')) return 'no id'
  const id = value.id
  if (!(id === null || typeof id === 'string' || typeof id === 'number')) return 'id of a wrong type'
  const hasResult = Object.hasOwn(value, 'result')
  const hasError = Object.hasOwn(value, 'error')
  if (hasResult === hasError) return 'needs exactly one of result and error'
  for (const key of Object.keys(value)) if (!['jsonrpc', 'id', 'result', 'error'].includes(key)) return `extra member ${key}`
  if (hasError) {
    const error = value.error
    if (!isObject(error)) return 'error is not an object'
    if (typeof error.code !== 'number' || !Number.isInteger(error.code)) return 'error.code is not an integer'
    if (typeof error.message !== 'string') return 'error.message is not a string'
  }
  return null
}

/** A single response or a non-empty batch of them: null when valid, else the problem. */
export function answerProblem(text: string): string | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return `not JSON: ${text.slice(0, 80)}`
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return 'empty batch response'
    for (const item of value) {
      const problem = responseProblem(item)
      if (problem !== null) return `batch item: ${problem}`
    }
    return null
  }
  return responseProblem(value)
}

/** The response without `error.data`, to compare with the specification's examples. */
export function withoutData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutData)
  if (isObject(value) && isObject(value.error)) {
    const { data: _data, ...error } = value.error
    return { ...value, error }
  }
  return value
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `predicate` every 5 ms until it holds or `timeoutMs` passes. */
export async function until(predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`)
    await sleep(5)
  }
}

/** Runs `fn` and returns the ClientError (a JSON-RPC error answer) it must throw. */
export async function rpcError(fn: () => Promise<unknown>): Promise<ClientError> {
  try {
    await fn()
  } catch (error) {
    if (error instanceof ClientError) return error
    throw error
  }
  throw new Error('expected a JSON-RPC error')
}
