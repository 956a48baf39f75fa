import NodeWebSocket from 'ws'
import { ClientError } from './errors.js'
import { checkResponse } from './response.js'

/** The WHATWG WebSocket surface the client uses: a browser's WebSocket, and the `ws` package in Node 20. */
interface Socket {
  readonly readyState: number
  send(data: string): void
  close(): void
  addEventListener(type: 'open' | 'error' | 'close', listener: (event?: unknown) => void): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  removeEventListener(type: 'open' | 'error' | 'close', listener: (event?: unknown) => void): void
}

const OPEN = 1
/** A browser (and Node ≥ 22) has a global WebSocket; a bundle for the browser never calls `ws`. */
const GlobalWebSocket = (globalThis as { WebSocket?: new (url: string) => Socket }).WebSocket
const openSocket = (url: string): Socket =>
  GlobalWebSocket !== undefined ? new GlobalWebSocket(url) : (new NodeWebSocket(url, { perMessageDeflate: false }) as unknown as Socket)

/** Closes at once: `ws` can drop the TCP connection without the closing handshake (terminate); a browser closes. */
function discard(socket: Socket): void {
  socket.close()
  ;(socket as { terminate?: () => void }).terminate?.()
}

export interface ReconnectOptions {
  /** First delay before reconnecting, ms (doubles up to maxDelayMs). */
  initialDelayMs: number
  maxDelayMs: number
}

export interface SubscriptionNotification<R = unknown> {
  height: number
  seq: number
  result: R
}

export interface SubscriptionOptions {
  /** Replay from this height (the server bounds how far back). */
  fromHeight?: number
  /** Called when a resume could not reach back far enough: heights from..to-1 were not replayed. */
  onGap?: (gap: { from: number; to: number }) => void
  onError?: (error: Error) => void
}

interface Pending {
  resolve(value: unknown): void
  reject(error: Error): void
  timer: NodeJS.Timeout
  method: string
}

/**
 * A subscription that outlives its WebSocket: it remembers the (height, seq) of the last item
 * delivered, resubscribes from that height after a reconnect, and drops what it already saw,
 * so the handler sees every item once and in order.
 */
export class ClientSubscription<R = unknown> {
  readonly kind: string
  readonly filter: Record<string, unknown> | undefined
  readonly #handler: (n: SubscriptionNotification<R>) => void
  readonly #options: SubscriptionOptions
  readonly #connection: WsTransport
  serverId: string | null = null
  /** Height the stream started at (from the server's answer). */
  nextHeight = 0
  lastHeight: number | undefined
  lastSeq = -1
  #active = true

  constructor(
    connection: WsTransport,
    kind: string,
    filter: Record<string, unknown> | undefined,
    handler: (n: SubscriptionNotification<R>) => void,
    options: SubscriptionOptions,
  ) {
    this.#connection = connection
    this.kind = kind
    this.filter = filter
    this.#handler = handler
    this.#options = options
  }

  get active(): boolean {
    return this.#active
  }

  /** Where to resume: the last height delivered (its later items are still due), or where the stream began. */
  get resumeHeight(): number | undefined {
    if (this.lastHeight !== undefined) return this.lastHeight
    return this.serverId === null ? this.#options.fromHeight : this.nextHeight
  }

  deliver(n: SubscriptionNotification<R>): void {
    if (!this.#active) return
    if (this.lastHeight !== undefined && (n.height < this.lastHeight || (n.height === this.lastHeight && n.seq <= this.lastSeq))) return
    this.lastHeight = n.height
    this.lastSeq = n.seq
    try {
      this.#handler(n)
    } catch (error) {
      this.#options.onError?.(error as Error)
    }
  }

  gap(from: number, to: number): void {
    this.#options.onGap?.({ from, to })
  }

  failed(error: Error): void {
    this.#options.onError?.(error)
  }

  async unsubscribe(): Promise<void> {
    if (!this.#active) return
    this.#active = false
    await this.#connection.drop(this)
  }
}

/**
 * JSON-RPC over one WebSocket that reconnects by itself (with backoff) and resubscribes. Calls
 * in flight when the socket drops fail with CLOSED rather than being retried: a broadcast may
 * have reached the node, and only the caller knows if repeating it is safe.
 */
export class WsTransport {
  readonly url: string
  readonly #timeoutMs: number
  readonly #reconnect: ReconnectOptions
  readonly #pending = new Map<number, Pending>()
  readonly #subscriptions = new Set<ClientSubscription<any>>()
  readonly #byServerId = new Map<string, ClientSubscription<any>>()
  /**
   * Notifications for an id the client has not learnt yet: the subscribe answer and the first
   * notifications can arrive in one TCP read, and are then handled before the answer's promise
   * continuation registers the id.
   */
  readonly #early = new Map<string, SubscriptionNotification[]>()
  #earlyCount = 0
  #socket: Socket | null = null
  #connecting: Promise<Socket> | null = null
  #nextId = 1
  #closed = false
  #delay: number
  #reconnectTimer: NodeJS.Timeout | null = null
  /** Number of successful (re)connections; tests wait on it. */
  connections = 0
  onReconnect: (() => void) | undefined

  constructor(url: string, timeoutMs: number, reconnect: ReconnectOptions = { initialDelayMs: 100, maxDelayMs: 5000 }) {
    this.url = url
    this.#timeoutMs = timeoutMs
    this.#reconnect = reconnect
    this.#delay = reconnect.initialDelayMs
  }

  get connected(): boolean {
    return this.#socket !== null && this.#socket.readyState === OPEN
  }

  #open(): Promise<Socket> {
    if (this.#closed) return Promise.reject(new ClientError('CLOSED', 'the client is closed', {}))
    if (this.connected) return Promise.resolve(this.#socket!)
    if (this.#connecting !== null) return this.#connecting
    this.#connecting = new Promise<Socket>((resolve, reject) => {
      let socket: Socket
      try {
        socket = openSocket(this.url)
      } catch (error) {
        this.#connecting = null
        reject(
          new ClientError(
            'TRANSPORT',
            `cannot connect to ${this.url}: ${(error as Error).message}`,
            { reason: (error as Error).message, url: this.url },
            { cause: error },
          ),
        )
        return
      }
      // A browser's error event carries no reason (by the standard); `ws` adds a message.
      let failed = false
      const fail = (event?: unknown) => {
        if (failed) return
        failed = true
        this.#connecting = null
        socket.removeEventListener('open', opened)
        discard(socket)
        const reason = (event as { message?: string } | undefined)?.message || 'connection failed'
        reject(new ClientError('TRANSPORT', `cannot connect to ${this.url}: ${reason}`, { reason, url: this.url }))
      }
      const opened = () => {
        socket.removeEventListener('error', fail)
        this.#connecting = null
        this.#socket = socket
        this.#delay = this.#reconnect.initialDelayMs
        this.connections++
        socket.addEventListener('message', (event) => this.#onMessage(String(event.data)))
        socket.addEventListener('error', () => discard(socket))
        socket.addEventListener('close', () => this.#onClose(socket))
        resolve(socket)
      }
      socket.addEventListener('error', fail)
      socket.addEventListener('open', opened)
    })
    return this.#connecting
  }

  async call(method: string, params: unknown): Promise<unknown> {
    const socket = await this.#open()
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        reject(new ClientError('TIMEOUT', `${method}: no answer within ${this.#timeoutMs} ms`, { method }))
      }, this.#timeoutMs)
      this.#pending.set(id, {
        method,
        timer,
        resolve: (response) => {
          try {
            resolve(checkResponse(response, id, method))
          } catch (error) {
            reject(error)
          }
        },
        reject,
      })
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
    })
  }

  async subscribe<R>(
    kind: string,
    filter: Record<string, unknown> | undefined,
    handler: (n: SubscriptionNotification<R>) => void,
    options: SubscriptionOptions = {},
  ): Promise<ClientSubscription<R>> {
    const subscription = new ClientSubscription<R>(this, kind, filter, handler, options)
    await this.#start(subscription, options.fromHeight)
    this.#subscriptions.add(subscription)
    return subscription
  }

  async #start(subscription: ClientSubscription<any>, fromHeight: number | undefined): Promise<void> {
    const params: Record<string, unknown> = { kind: subscription.kind }
    if (subscription.filter !== undefined) params.filter = subscription.filter
    if (fromHeight !== undefined) params.fromHeight = fromHeight
    const answer = (await this.call('subscribe', params)) as { subscription: string; nextHeight: number }
    if (subscription.serverId !== null) this.#byServerId.delete(subscription.serverId)
    subscription.serverId = answer.subscription
    subscription.nextHeight = answer.nextHeight
    this.#byServerId.set(answer.subscription, subscription)
    const early = this.#early.get(answer.subscription)
    if (early !== undefined) {
      this.#early.delete(answer.subscription)
      this.#earlyCount -= early.length
      for (const n of early) subscription.deliver(n)
    }
  }

  async drop(subscription: ClientSubscription<any>): Promise<void> {
    this.#subscriptions.delete(subscription)
    const id = subscription.serverId
    if (id === null) return
    this.#byServerId.delete(id)
    if (this.connected) await this.call('unsubscribe', { subscription: id }).catch(() => {})
  }

  #onMessage(text: string): void {
    let message: Record<string, unknown>
    try {
      message = JSON.parse(text) as Record<string, unknown>
    } catch {
      return
    }
    if (Array.isArray(message)) {
      for (const item of message) this.#onMessage(JSON.stringify(item))
      return
    }
    if (message.method === 'subscription' && typeof message.params === 'object' && message.params !== null) {
      const p = message.params as { subscription: string; height: number; seq: number; result: unknown }
      const n = { height: p.height, seq: p.seq, result: p.result }
      const subscription = this.#byServerId.get(p.subscription)
      if (subscription !== undefined) subscription.deliver(n)
      else if (this.#earlyCount < 10_000) {
        const list = this.#early.get(p.subscription) ?? []
        list.push(n)
        this.#early.set(p.subscription, list)
        this.#earlyCount++
      }
      return
    }
    const pending = typeof message.id === 'number' ? this.#pending.get(message.id) : undefined
    if (pending === undefined) return
    this.#pending.delete(message.id as number)
    clearTimeout(pending.timer)
    pending.resolve(message)
  }

  #onClose(socket: Socket): void {
    if (this.#socket === socket) this.#socket = null
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer)
      pending.reject(new ClientError('CLOSED', `${pending.method}: the connection closed before the answer`, { method: pending.method }))
      this.#pending.delete(id)
    }
    this.#byServerId.clear()
    this.#early.clear()
    this.#earlyCount = 0
    if (!this.#closed && this.#subscriptions.size > 0) this.#scheduleReconnect()
  }

  #scheduleReconnect(): void {
    if (this.#reconnectTimer !== null || this.#closed) return
    const delay = this.#delay
    this.#delay = Math.min(this.#delay * 2, this.#reconnect.maxDelayMs)
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null
      void this.#resume()
    }, delay)
  }

  async #resume(): Promise<void> {
    try {
      await this.#open()
    } catch {
      this.#scheduleReconnect()
      return
    }
    for (const subscription of this.#subscriptions) {
      if (!subscription.active) continue
      const from = subscription.resumeHeight
      try {
        await this.#start(subscription, from)
      } catch (error) {
        if (error instanceof ClientError && error.is('HEIGHT_UNAVAILABLE') && from !== undefined) {
          // Too far behind to replay everything: restart from what the server still has.
          const earliest = (error.context.data as { earliest?: number } | undefined)?.earliest
          try {
            await this.#start(subscription, earliest)
            subscription.gap(from, earliest ?? subscription.nextHeight)
          } catch (retryError) {
            subscription.failed(retryError as Error)
          }
        } else if (error instanceof ClientError && error.code === 'CLOSED') {
          this.#scheduleReconnect()
          return
        } else {
          subscription.failed(error as Error)
        }
      }
    }
    this.onReconnect?.()
  }

  close(): void {
    this.#closed = true
    if (this.#reconnectTimer !== null) clearTimeout(this.#reconnectTimer)
    this.#subscriptions.clear()
    if (this.#socket !== null) discard(this.#socket)
    this.#socket = null
  }

  /**
   * Reconnects (and resubscribes) now instead of when the backoff timer fires: for a page that
   * learns it is online again, and for tests that must control when the client comes back.
   */
  reconnectNow(): void {
    if (this.#closed || this.connected || this.#reconnectTimer === null) return
    clearTimeout(this.#reconnectTimer)
    this.#reconnectTimer = null
    void this.#resume()
  }
}
