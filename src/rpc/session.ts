import { ConnectionBudget, type RpcLimits } from './limits.js'

export type Transport = 'http' | 'ws'

/**
 * One client connection: a TCP socket carrying HTTP requests, or a WebSocket. It holds the
 * connection's rate budget and, for a WebSocket, the way to push notifications and to be
 * closed when it reads too slowly.
 */
export class Session {
  readonly id: number
  readonly transport: Transport
  /** The client's network address (per-address limits); `unknown` when the socket had none. */
  readonly address: string
  readonly budget: ConnectionBudget
  readonly #abort = new AbortController()
  readonly #closeHandlers: (() => void)[] = []
  readonly #push: ((text: string) => void) | undefined
  readonly #buffered: () => number
  readonly #terminate: (code: number, reason: string) => void

  constructor(options: {
    id: number
    transport: Transport
    address?: string
    limits: RpcLimits
    now: () => number
    push?: (text: string) => void
    buffered?: () => number
    terminate: (code: number, reason: string) => void
  }) {
    this.id = options.id
    this.transport = options.transport
    this.address = options.address ?? 'unknown'
    this.budget = new ConnectionBudget(options.limits, options.now)
    this.#push = options.push
    this.#buffered = options.buffered ?? (() => 0)
    this.#terminate = options.terminate
  }

  get signal(): AbortSignal {
    return this.#abort.signal
  }

  get open(): boolean {
    return !this.#abort.signal.aborted
  }

  /** Bytes queued on the socket and not yet written. */
  get bufferedAmount(): number {
    return this.#buffered()
  }

  /** Sends a server-initiated message (WebSocket only); false if the session is gone. */
  push(text: string): boolean {
    if (!this.open || this.#push === undefined) return false
    this.#push(text)
    return true
  }

  onClose(handler: () => void): void {
    if (!this.open) handler()
    else this.#closeHandlers.push(handler)
  }

  /** Closes the connection (the transport then calls `closed`). */
  close(code: number, reason: string): void {
    this.#terminate(code, reason)
    this.closed()
  }

  /** The transport saw the connection end: run the close handlers once. */
  closed(): void {
    if (!this.open) return
    this.#abort.abort()
    for (const handler of this.#closeHandlers.splice(0)) handler()
  }
}
