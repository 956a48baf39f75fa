/**
 * Every limit the server enforces, all configurable. Defaults suit a public full node on a
 * small machine; a devnet can raise them.
 */
export interface RpcLimits {
  /** Largest HTTP body or WebSocket message, bytes (larger: HTTP 413 / WebSocket close 1009). */
  maxBodyBytes: number
  /** Most requests in one batch (more: one -32600 error for the whole batch). */
  maxBatchSize: number
  /** Deepest JSON nesting accepted (deeper: -32600). */
  maxJsonDepth: number
  /** Open TCP connections, HTTP and WebSocket together (more: the new socket is closed at once). */
  maxConnections: number
  /** Connections one client address may hold open, HTTP and WebSocket together (more: HTTP 429 with -32011, then closed). */
  maxConnectionsPerIp: number
  /** Subscriptions one WebSocket may hold (more: -32004). */
  maxSubscriptionsPerClient: number
  /** Subscriptions all WebSockets of one client address may hold together (more: -32004, scope ip). */
  maxSubscriptionsPerIp: number
  /** Calls per second per connection, sustained (token bucket; over it: -32003). */
  ratePerSecond: number
  /** Calls a connection may make in a burst above the sustained rate. */
  rateBurst: number
  /** Calls one connection may have running at once (more: -32003). */
  maxInFlightPerConnection: number
  /** Bytes queued to a WebSocket that does not read; beyond it the socket is closed (4008 slow consumer). */
  maxSendBufferBytes: number
  /** How far back `subscribe` with fromHeight may replay, blocks. */
  maxReplayBlocks: number
  /** Blocks the server may owe all replaying subscriptions together (a replay that would pass it: -32012). */
  replayBacklogBlocks: number
  /** Blocks per second all replays together may read from the store (a token bucket shared by every replay). */
  replayBlocksPerSecond: number
  /** Notification bytes per second all replays together may send (their serialising and sending is the cost a big block has). */
  replayBytesPerSecond: number
  /** Blocks one replay serves before it yields the event loop and waits its turn again. */
  replayChunkBlocks: number
  /** tx_broadcast commit: default wait for inclusion, ms. */
  commitTimeoutMs: number
  /** tx_broadcast commit: the most a client may ask to wait, ms. */
  maxCommitTimeoutMs: number
  /** A WebSocket that answers no ping within this long is closed, ms. */
  wsIdleTimeoutMs: number
  /** chain_health reports unhealthy when the latest block is older than this, ms. */
  staleAfterMs: number
  /** Largest blob `POST /blobs` accepts and `GET /blobs/<cid>` or blob_get serve, bytes (more: HTTP 413 / -32013 TOO_LARGE). */
  maxBlobBytes: number
}

export const DEFAULT_LIMITS: RpcLimits = {
  maxBodyBytes: 1024 * 1024 + 4096,
  maxBatchSize: 100,
  maxJsonDepth: 64,
  maxConnections: 1000,
  maxConnectionsPerIp: 64,
  maxSubscriptionsPerClient: 64,
  maxSubscriptionsPerIp: 256,
  ratePerSecond: 1000,
  rateBurst: 2000,
  maxInFlightPerConnection: 256,
  maxSendBufferBytes: 8 * 1024 * 1024,
  maxReplayBlocks: 1000,
  replayBacklogBlocks: 8192,
  replayBlocksPerSecond: 1000,
  replayBytesPerSecond: 4 * 1024 * 1024,
  replayChunkBlocks: 8,
  commitTimeoutMs: 30_000,
  maxCommitTimeoutMs: 120_000,
  wsIdleTimeoutMs: 60_000,
  staleAfterMs: 60_000,
  maxBlobBytes: 64 * 1024 * 1024,
}

/** What each limit bounds, for docs/rpc.md. */
export const LIMIT_DOCS: Record<keyof RpcLimits, string> = {
  maxBodyBytes:
    'largest HTTP body or WebSocket message, bytes; larger: HTTP 413 with a -32600 error and the connection closed, or WebSocket close 1009',
  maxBatchSize: 'most requests in one batch; more: one -32600 error for the whole batch',
  maxJsonDepth: 'deepest JSON nesting; deeper: -32600',
  maxConnections: 'open TCP connections, HTTP and WebSocket together; more: the new socket is closed at once',
  maxConnectionsPerIp:
    'connections one client address may hold open, HTTP and WebSocket together; more: HTTP 429 with a -32011 error as the body, then closed (behind a reverse proxy every client has its address: raise it there)',
  maxSubscriptionsPerClient: 'subscriptions one WebSocket may hold; more: -32004 (scope connection)',
  maxSubscriptionsPerIp: 'subscriptions all WebSockets of one client address may hold together; more: -32004 (scope ip)',
  ratePerSecond: 'calls per second per connection, sustained (token bucket, each call of a batch counts); over it: -32003',
  rateBurst: 'calls a connection may make at once above the sustained rate',
  maxInFlightPerConnection: 'calls one connection may have running at once; more: -32003',
  maxSendBufferBytes: 'bytes queued to a WebSocket that does not read; beyond it the socket is closed with 4008 (slow consumer)',
  maxReplayBlocks: 'how far back subscribe with fromHeight may replay, blocks; further: -32005',
  replayBacklogBlocks: 'blocks the server may owe all replaying subscriptions together; a subscribe whose replay would pass it: -32012',
  replayBlocksPerSecond: 'blocks per second all replays together may read from the store; replays wait for this budget, below consensus',
  replayBytesPerSecond:
    'notification bytes per second all replays together may send; a replay that went over waits until the budget has refilled',
  replayChunkBlocks: 'blocks one replay serves before it yields the event loop and queues behind the other replays',
  commitTimeoutMs: 'tx_broadcast commit: default wait for inclusion, ms',
  maxCommitTimeoutMs: 'tx_broadcast commit: the longest wait a client may ask for, ms',
  wsIdleTimeoutMs: 'ping interval; a WebSocket that answers no ping by the next one is closed (4000), ms',
  staleAfterMs: 'chain_health reports unhealthy when the latest block is older than this, ms',
  maxBlobBytes:
    'largest blob POST /blobs accepts (a larger Content-Length: HTTP 413 before the body is read) and GET /blobs/<cid> or blob_get serve; -32013 with data.code TOO_LARGE',
}

export function resolveLimits(overrides: Partial<RpcLimits> = {}): RpcLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides }
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`RPC limit ${name} must be a positive number, got ${String(value)}`)
  }
  return limits
}

/**
 * One connection's budget: a token bucket for the call rate (refilled continuously from the
 * injected clock) and a count of calls in flight.
 */
export class ConnectionBudget {
  readonly #rate: number
  readonly #burst: number
  readonly #maxInFlight: number
  readonly #now: () => number
  #tokens: number
  #updated: number
  #inFlight = 0

  constructor(limits: Pick<RpcLimits, 'ratePerSecond' | 'rateBurst' | 'maxInFlightPerConnection'>, now: () => number) {
    this.#rate = limits.ratePerSecond
    this.#burst = limits.rateBurst
    this.#maxInFlight = limits.maxInFlightPerConnection
    this.#now = now
    this.#tokens = limits.rateBurst
    this.#updated = now()
  }

  /** Takes one call's token; returns null, or how long until one is available (ms). */
  take(): number | null {
    const now = this.#now()
    // A clock that steps back refills nothing (rather than draining the bucket).
    this.#tokens = Math.min(this.#burst, this.#tokens + (Math.max(0, now - this.#updated) * this.#rate) / 1000)
    this.#updated = now
    if (this.#tokens >= 1) {
      this.#tokens -= 1
      return null
    }
    return Math.ceil(((1 - this.#tokens) * 1000) / this.#rate)
  }

  enter(): boolean {
    if (this.#inFlight >= this.#maxInFlight) return false
    this.#inFlight++
    return true
  }

  leave(): void {
    this.#inFlight--
  }
}
