/**
 * Minimal benchmark harness: run a workload a few times after a warm-up, keep the best
 * rate (the least disturbed by the other core's load), and print it with its ratio to a
 * baseline measured in the same process.
 */
export interface Measurement {
  name: string
  opsPerSecond: number
  secondsPerRun: number
}

export async function measure(
  name: string,
  ops: number,
  run: () => Promise<void> | void,
  options: { repeats?: number; warmup?: number } = {},
): Promise<Measurement> {
  const { repeats = 5, warmup = 1 } = options
  for (let i = 0; i < warmup; i++) await run()
  let best = Infinity
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint()
    await run()
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    best = Math.min(best, seconds)
  }
  return { name, opsPerSecond: ops / best, secondsPerRun: best }
}

export function report(result: Measurement, baseline?: Measurement, unit = 'ops/s'): void {
  const rate = result.opsPerSecond.toLocaleString('en-US', { maximumFractionDigits: 0 })
  const ratio = baseline === undefined ? '' : `  ratio ${(result.opsPerSecond / baseline.opsPerSecond).toFixed(2)}× ${baseline.name}`
  console.log(`${result.name.padEnd(44)} ${rate.padStart(14)} ${unit}${ratio}`)
}
