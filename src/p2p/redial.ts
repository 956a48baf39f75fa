import type { Logger } from '../log/index.js'

export interface Timers {
  set(ms: number, fire: () => void): unknown
  clear(handle: unknown): void
}

export const realTimers: Timers = {
  set: (ms, fire) => {
    const handle = setTimeout(fire, ms)
    // A pending redial must not keep a process alive that is otherwise done.
    handle.unref()
    return handle
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

export interface RedialTarget {
  peerId: string
  /** Every configured address of the peer; a dial tries them all. */
  addresses: string[]
}

export interface RedialerConfig {
  targets: RedialTarget[]
  /** `signal` aborts when the redialer stops, so no dial outlives the host. */
  dial(target: RedialTarget, signal: AbortSignal): Promise<void>
  isConnected(peerId: string): boolean
  /** A banned peer is not dialled, only retried later. */
  isBanned(peerId: string): boolean
  baseMs: number
  maxMs: number
  timers: Timers
  /** In [0, 1); spreads retries so restarted nodes do not all dial in the same instant. */
  random: () => number
  now: () => number
  log: Logger
}

interface TargetState {
  target: RedialTarget
  failures: number
  connectedAt: number | null
  timer: unknown
  dialling: boolean
}

/**
 * Keeps the bootstrap peers connected for the whole life of the host. libp2p's own reconnect
 * queue gives up after a few tries and then forgets the peer; a validator set is small and
 * fixed, so here a bootstrap peer is retried forever with exponential backoff capped at maxMs,
 * restarting from baseMs whenever a connection drops, so a peer that restarts is back within
 * a few seconds.
 */
export class BootstrapRedialer {
  readonly #config: RedialerConfig
  readonly #states = new Map<string, TargetState>()
  #running = false
  /**
   * One controller per dial in flight, all aborted by stop(). Not one shared signal: libp2p's dial
   * queue adds two abort listeners to the signal of every dial it holds, so with 6+ bootstrap
   * targets dialled at once a shared signal passed Node's 10-listener warning
   * (MaxListenersExceededWarning in every node of a 7-validator devnet).
   */
  readonly #dials = new Set<AbortController>()

  constructor(config: RedialerConfig) {
    this.#config = config
    for (const target of config.targets)
      this.#states.set(target.peerId, { target, failures: 0, connectedAt: null, timer: null, dialling: false })
  }

  start(): void {
    this.#running = true
    for (const state of this.#states.values()) this.#schedule(state, 0)
  }

  stop(): void {
    this.#running = false
    for (const dial of this.#dials) dial.abort()
    this.#dials.clear()
    for (const state of this.#states.values()) this.#cancel(state)
  }

  isTarget(peerId: string): boolean {
    return this.#states.has(peerId)
  }

  peerConnected(peerId: string): void {
    const state = this.#states.get(peerId)
    if (state === undefined) return
    state.connectedAt = this.#config.now()
    this.#cancel(state)
  }

  peerDisconnected(peerId: string): void {
    const state = this.#states.get(peerId)
    if (state === undefined || !this.#running) return
    // A connection that the peer drops at once (it is full, or it banned us) must not turn into
    // a dial loop at baseMs: only a connection that lasted restarts the backoff.
    const lasted = state.connectedAt === null ? 0 : this.#config.now() - state.connectedAt
    state.failures = lasted >= this.#config.maxMs ? 0 : state.failures + 1
    state.connectedAt = null
    this.#schedule(state, this.#delay(state))
  }

  #delay(state: TargetState): number {
    const backoff = Math.min(this.#config.maxMs, this.#config.baseMs * 2 ** Math.min(state.failures, 20))
    return Math.round(backoff * (0.8 + 0.4 * this.#config.random()))
  }

  #schedule(state: TargetState, ms: number): void {
    if (!this.#running || state.dialling) return
    this.#cancel(state)
    state.timer = this.#config.timers.set(ms, () => {
      state.timer = null
      void this.#attempt(state)
    })
  }

  #cancel(state: TargetState): void {
    if (state.timer !== null) this.#config.timers.clear(state.timer)
    state.timer = null
  }

  async #attempt(state: TargetState): Promise<void> {
    const { peerId } = state.target
    if (!this.#running || this.#config.isConnected(peerId)) return
    if (this.#config.isBanned(peerId)) {
      this.#schedule(state, this.#config.maxMs)
      return
    }
    state.dialling = true
    const dial = new AbortController()
    this.#dials.add(dial)
    try {
      await this.#config.dial(state.target, dial.signal)
    } catch (error) {
      state.failures += 1
      this.#config.log.debug(
        { peer: peerId, failures: state.failures, err: error instanceof Error ? error.message : String(error) },
        'bootstrap dial failed',
      )
    } finally {
      state.dialling = false
      this.#dials.delete(dial)
    }
    // The dial may have "succeeded" onto a connection that closed at once; check again later.
    if (!this.#config.isConnected(peerId)) this.#schedule(state, this.#delay(state))
  }
}
