/** One reading of every node's tip (node → height); a node that did not answer is absent. */
export type TipReading = ReadonlyMap<string, number>

/** Where the in-step check stands after a sequence of tip readings. */
export interface InStepVerdict {
  ok: boolean
  /** The highest tip of the first reading: what every node must reach (less the tolerance). */
  target: number
  /** Nodes still more than `tolerance` below the target in the last reading, with their first and last tip. */
  behind: { name: string; first: number; last: number }[]
}

/**
 * In step: every node of the first reading is, in the last reading, within `tolerance` blocks of
 * the highest tip of the first reading. The target is fixed at the first reading so a node that
 * is behind but progressing can catch up while the others move on; a node that stopped stays
 * below it for good. Pure: the caller polls and decides when to stop.
 */
export function inStep(readings: readonly TipReading[], tolerance: number): InStepVerdict {
  const first = readings[0] ?? new Map<string, number>()
  const last = readings.at(-1) ?? first
  const target = Math.max(0, ...first.values())
  const behind = [...first]
    .map(([name, tip]) => ({ name, first: tip, last: Math.max(tip, last.get(name) ?? tip) }))
    .filter((n) => n.last < target - tolerance)
  return { ok: behind.length === 0, target, behind }
}
