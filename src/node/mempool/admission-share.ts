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

// At capacity admission takes about half of a validator's time (docs/perf.md, tx-path), so the
// bound sits above that: it binds only when the offered load is well past what the chain commits.
export const DEFAULT_ADMISSION_SHARE: Readonly<AdmissionShareConfig> = Object.freeze({ maxShare: 0.65, saturated: 0.9, windowMs: 500 })

/**
 * Load shedding for transactions arriving by gossip. Admitting one costs a signature check and
 * more (~0.2 ms on the machines measured), and gossip delivers whatever peers send: offered a
 * multiple of what the chain commits, a validator spent nearly all its time admitting
 * transactions, and its proposals, votes and commits queued behind them on the one event loop
 * (issue 16: a height took 12 s when the load tripled). So while the loop is saturated, admission
 * may take about `maxShare` of its busy time: each window the fraction of batches it keeps is
 * scaled by maxShare / the share admission took, and grows back by a quarter per window once the
 * loop is no longer saturated or admission is within its share. An unsaturated loop keeps
 * everything, so this never sheds a load the node can carry.
 *
 * Which batches are kept is decided by a rank in [0, 1) the caller derives from the batch's own
 * bytes (TxGossip: its last four, part of a signature): every node receives the same relayed
 * batch, so nodes that shed keep nested sets of the same batches, and a proposer's block holds
 * transactions the other validators mostly admitted (and verified) already, instead of ones
 * they must verify while executing the proposal.
 */
export class AdmissionShare {
  readonly config: Readonly<AdmissionShareConfig>
  readonly #clock: LoopClock
  #start: { at: number; active: number }
  #spent = 0
  #keep = 1
  /** Batches dropped since the start. */
  dropped = 0

  constructor(config: Partial<AdmissionShareConfig> = {}, clock: LoopClock = NODE_LOOP_CLOCK) {
    this.config = Object.freeze({ ...DEFAULT_ADMISSION_SHARE, ...config })
    this.#clock = clock
    this.#start = { at: clock.now(), active: clock.active() }
  }

  /** The fraction of batches kept now. */
  get keep(): number {
    this.#roll()
    return this.#keep
  }

  /** Whether a batch of this rank (in [0, 1), from its bytes) may be admitted now; counts a refusal. */
  allows(rank: number): boolean {
    const allowed = rank < this.keep
    if (!allowed) this.dropped++
    return allowed
  }

  /** Admitting a batch took `ms` of the loop's time. */
  spent(ms: number): void {
    this.#spent += ms
  }

  #roll(): void {
    const now = this.#clock.now()
    const wall = now - this.#start.at
    if (wall < this.config.windowMs) return
    const active = this.#clock.active()
    const busy = active - this.#start.active
    const share = busy > 0 ? this.#spent / busy : 0
    if (busy / wall >= this.config.saturated && share > this.config.maxShare)
      this.#keep = Math.max(MIN_KEEP, (this.#keep * this.config.maxShare) / share)
    else this.#keep = Math.min(1, this.#keep * 1.25 ** Math.floor(wall / this.config.windowMs))
    this.#start = { at: now, active }
    this.#spent = 0
  }
}

/** Never shed everything: some transactions still get in, and the share is still measured. */
const MIN_KEEP = 0.02

/** A batch's rank for `AdmissionShare.allows`: its last four bytes (part of its last transaction's signature) as a fraction. */
export function batchRank(data: Uint8Array): number {
  if (data.length < 4) return 0
  const at = data.length - 4
  return (((data[at]! << 24) >>> 0) + (data[at + 1]! << 16) + (data[at + 2]! << 8) + data[at + 3]!) / 2 ** 32
}
