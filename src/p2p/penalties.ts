/**
 * The application's penalty book: points the node adds when a peer sends something bad over
 * request/response (a block that fails validation, a blob whose hash does not match). Gossipsub
 * reads it as the app-specific score (P5, weight 1), so these points pull the peer's score
 * towards the graylist threshold just like rejected gossip does.
 *
 * Points decay exponentially so an honest peer that once served a stale answer recovers;
 * the clock is passed in so tests can move time.
 */
export class PenaltyBook {
  readonly #halfLifeMs: number
  readonly #now: () => number
  readonly #entries = new Map<string, { points: number; at: number }>()

  constructor(options: { halfLifeMs: number; now: () => number }) {
    this.#halfLifeMs = options.halfLifeMs
    this.#now = options.now
  }

  add(peerId: string, points: number): number {
    const total = this.points(peerId) + Math.max(0, points)
    this.#entries.set(peerId, { points: total, at: this.#now() })
    return total
  }

  /** Current (decayed) points; forgets a peer once its points are negligible. */
  points(peerId: string): number {
    const entry = this.#entries.get(peerId)
    if (entry === undefined) return 0
    const decayed = entry.points * 0.5 ** ((this.#now() - entry.at) / this.#halfLifeMs)
    if (decayed < 0.01) {
      this.#entries.delete(peerId)
      return 0
    }
    return decayed
  }

  /** As gossipsub wants it: higher is better. */
  score(peerId: string): number {
    const points = this.points(peerId)
    return points === 0 ? 0 : -points
  }
}

/** Peers disconnected for a bad score, refused until their ban runs out. */
export class BanList {
  readonly #now: () => number
  readonly #until = new Map<string, number>()

  constructor(now: () => number) {
    this.#now = now
  }

  ban(peerId: string, durationMs: number): void {
    this.#until.set(peerId, this.#now() + durationMs)
  }

  isBanned(peerId: string): boolean {
    const until = this.#until.get(peerId)
    if (until === undefined) return false
    if (until > this.#now()) return true
    this.#until.delete(peerId)
    return false
  }
}
