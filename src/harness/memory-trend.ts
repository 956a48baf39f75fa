/** One RSS reading of one node (its process may have been restarted in between). */
export interface MemorySample {
  at: number
  rssKiB: number
}

/** A node's memory over a run, judged by the trend of its second half. */
export interface MemoryTrend {
  /** Least-squares slope of the per-minute peaks over the second half, MiB per hour. */
  slopeMiBPerHour: number
  /** Per-minute windows the fit used. */
  windows: number
  /** Peak RSS of each quarter of the run, MiB (a leak shows as peaks that keep rising). */
  quarterPeaksMiB: number[]
}

const MINUTE_MS = 60_000

/** A run's RSS readings grouped by node name (a restarted node's processes in one series), in order. */
export function samplesByNode(readings: readonly (MemorySample & { node: string })[]): Map<string, MemorySample[]> {
  const byNode = new Map<string, MemorySample[]>()
  for (const r of readings) {
    let series = byNode.get(r.node)
    if (series === undefined) byNode.set(r.node, (series = []))
    series.push({ at: r.at, rssKiB: r.rssKiB })
  }
  return byNode
}

/**
 * The memory trend of one node: the samples are grouped into one-minute windows and each window's
 * peak kept — a restarted process starts low and climbs back within a minute or two, and GC
 * swings inside a window, so the peaks follow what the node holds rather than when it was last
 * killed — then a least-squares line is fitted through the peaks of the second half of the run
 * (the first half is start-up and warm-up). Null when the second half has fewer than `minWindows`
 * windows: too short to say anything about growth.
 */
export function memoryTrend(samples: readonly MemorySample[], minWindows = 5): MemoryTrend | null {
  if (samples.length === 0) return null
  const start = Math.min(...samples.map((s) => s.at))
  const end = Math.max(...samples.map((s) => s.at))
  const peaks = new Map<number, number>()
  for (const s of samples) {
    const w = Math.floor((s.at - start) / MINUTE_MS)
    peaks.set(w, Math.max(peaks.get(w) ?? 0, s.rssKiB))
  }
  const span = end - start
  const quarterPeaksMiB = [0, 1, 2, 3].map((q) => {
    const inQuarter = samples.filter((s) => Math.min(3, Math.floor(((s.at - start) / Math.max(1, span)) * 4)) === q)
    return inQuarter.length === 0 ? 0 : Math.max(...inQuarter.map((s) => s.rssKiB)) / 1024
  })
  // Whole windows of the second half only: the last, partial window's peak is biased low.
  const half = span / 2
  const lastWhole = Math.floor(span / MINUTE_MS) - 1
  const points = [...peaks].filter(([w]) => w * MINUTE_MS >= half && w <= lastWhole).map(([w, kib]) => [w + 0.5, kib / 1024] as const)
  if (points.length < minWindows) return null
  return { slopeMiBPerHour: slope(points) * 60, windows: points.length, quarterPeaksMiB }
}

/** Ordinary least squares slope of y on x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length
  const mx = points.reduce((a, [x]) => a + x, 0) / n
  const my = points.reduce((a, [, y]) => a + y, 0) / n
  let sxy = 0
  let sxx = 0
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my)
    sxx += (x - mx) * (x - mx)
  }
  return sxx === 0 ? 0 : sxy / sxx
}

/** The verdict over every node: growth above `maxMiBPerHour` in the second half is a failure. */
export function memoryBounded(
  byNode: ReadonlyMap<string, readonly MemorySample[]>,
  maxMiBPerHour: number,
): { ok: boolean; judged: boolean; detail: string; trends: Map<string, MemoryTrend | null> } {
  const trends = new Map([...byNode].map(([node, samples]) => [node, memoryTrend(samples)] as const))
  const judged = [...trends].filter((e): e is [string, MemoryTrend] => e[1] !== null)
  if (judged.length === 0)
    return { ok: true, judged: false, detail: 'not judged: too short for a trend (the second half needs 5 whole minutes)', trends }
  const growing = judged.filter(([, t]) => t.slopeMiBPerHour > maxMiBPerHour)
  const fmt = ([node, t]: [string, MemoryTrend]) => `${node} ${t.slopeMiBPerHour.toFixed(1)}`
  return {
    ok: growing.length === 0,
    judged: true,
    detail:
      growing.length === 0
        ? `second-half RSS trend within ${maxMiBPerHour} MiB/h on ${judged.length} nodes (MiB/h: ${judged.map(fmt).join(', ')})`
        : `RSS still growing in the second half, above ${maxMiBPerHour} MiB/h: ${growing.map(fmt).join(', ')} MiB/h`,
    trends,
  }
}
