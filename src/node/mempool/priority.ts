/** What ordering looks at: the bid, the arrival, and the hash as the last tie-breaker. */
export interface Ranked {
  readonly fee: bigint
  readonly gasWanted: bigint
  /** Arrival order in this pool, unique per transaction. */
  readonly seq: number
  /** Lowercase hex, so string order is byte order. */
  readonly hash: string
}

/**
 * Priority is the fee per unit of gas limit, compared exactly as a rational (a.fee × b.gas vs
 * b.fee × a.gas), because a block is bounded by gas and that is the price a transaction pays
 * for its share of it. Gas limits are never zero: every transaction pays intrinsic gas.
 * Returns > 0 when `a` pays more per gas than `b`.
 */
export function comparePriority(a: Pick<Ranked, 'fee' | 'gasWanted'>, b: Pick<Ranked, 'fee' | 'gasWanted'>): number {
  const left = a.fee * b.gasWanted
  const right = b.fee * a.gasWanted
  return left > right ? 1 : left < right ? -1 : 0
}

/** Block order: higher priority first, then earlier arrival, then lower hash. Negative when `a` goes first. */
export function compareForBlock(a: Ranked, b: Ranked): number {
  const byPriority = comparePriority(b, a)
  if (byPriority !== 0) return byPriority
  if (a.seq !== b.seq) return a.seq - b.seq
  return a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0
}
