import { performance } from 'node:perf_hooks'

/** How busy the event loop was and for how long (perf_hooks' eventLoopUtilization, ms). */
export interface LoopClock {
  now(): number
  /** Cumulative ms the event loop spent outside its idle wait (`eventLoopUtilization().active`). */
  active(): number
}

export const NODE_LOOP_CLOCK: LoopClock = {
  now: () => performance.now(),
  active: () => performance.eventLoopUtilization().active,
}

export interface AdmissionShareConfig {
  /** Most of the event loop's busy time gossip admission may take while the loop is saturated. */
  maxShare: number
  /** The loop counts as saturated above this utilisation (busy time over wall time). */
  saturated: number
  /** Measured over windows of this many ms. */
  windowMs: number
}

export const DEFAULT_ADMISSION_SHARE: Readonly<AdmissionShareConfig> = Object.freeze({ maxShare: 0.5, saturated: 0.9, windowMs: 500 })

/**
 * Load shedding for transactions arriving by gossip. Admitting one costs a signature check and
 * more (~0.2 ms on the machines measured), and gossip delivers whatever peers send: offered a
 * multiple of what the chain commits, a validator spent nearly all its time admitting
 * transactions, and its proposals, votes and commits queued behind them on the one event loop
 * (issue 16: a height took 12 s when the load tripled). So while the loop is saturated, admission
 * may take at most `maxShare` of its busy time; past that a batch is dropped unread (gossip
 * 'ignore': not relayed, nobody blamed) until the share falls again. An unsaturated loop admits
 * everything, so this never refuses a load the node can carry.
 *
 * The verdict of a window is decided from the window before while the current one is young, so
 * a burst at the start of a window is judged by the last one's load.
 */
export class AdmissionShare {
  readonly config: Readonly<AdmissionShareConfig>
  readonly #clock: LoopClock
  #start: { at: number; active: number }
  #spent = 0
  #previous = { utilisation: 0, share: 0 }
  /** Batches dropped since the start. */
  dropped = 0

  constructor(config: Partial<AdmissionShareConfig> = {}, clock: LoopClock = NODE_LOOP_CLOCK) {
    this.config = Object.freeze({ ...DEFAULT_ADMISSION_SHARE, ...config })
    this.#clock = clock
    this.#start = { at: clock.now(), active: clock.active() }
  }

  /** Whether a batch may be admitted now; counts a refusal. */
  allows(): boolean {
    const now = this.#clock.now()
    const active = this.#clock.active()
    const wall = now - this.#start.at
    const busy = active - this.#start.active
    if (wall >= this.config.windowMs) {
      this.#previous = { utilisation: busy / wall, share: busy > 0 ? this.#spent / busy : 0 }
      this.#start = { at: now, active }
      this.#spent = 0
    }
    const young = wall < this.config.windowMs / 2 || wall >= this.config.windowMs
    const load = young ? this.#previous : { utilisation: busy / wall, share: busy > 0 ? this.#spent / busy : 0 }
    const allowed = load.utilisation < this.config.saturated || load.share <= this.config.maxShare
    if (!allowed) this.dropped++
    return allowed
  }

  /** Admitting a batch took `ms` of the loop's time. */
  spent(ms: number): void {
    this.#spent += ms
  }

  /** Runs `admit` as admission work, measured. */
  measure<T>(admit: () => T): T {
    const started = this.#clock.now()
    try {
      return admit()
    } finally {
      this.spent(this.#clock.now() - started)
    }
  }
}
