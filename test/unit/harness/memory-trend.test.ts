import assert from 'node:assert/strict'
import { type MemorySample, memoryBounded, memoryTrend } from '../../../src/harness/memory-trend.js'

const MIB = 1024
/** A series sampled every 5 s for `minutes`, RSS (MiB) given by `mib(t)` with t in minutes. */
function series(minutes: number, mib: (t: number) => number): MemorySample[] {
  return Array.from({ length: minutes * 12 + 1 }, (_, i) => ({ at: 1_000_000 + i * 5000, rssKiB: Math.round(mib(i / 12) * MIB) }))
}
/** Deterministic GC-like swing: ±20 MiB inside each minute. */
const swing = (t: number) => 20 * Math.sin(t * 12 * 2.1)

describe('harness memory trend (the soak check of issue 26)', () => {
  it('finds no growth in a node that warms up and then holds steady under GC swings', () => {
    const trend = memoryTrend(series(30, (t) => (t < 3 ? 110 + 35 * t : 215) + swing(t)))!
    assert.ok(Math.abs(trend.slopeMiBPerHour) < 10, `slope ${trend.slopeMiBPerHour}`)
    assert.equal(trend.windows, 15)
  })

  it('measures a leak of 2 MiB a minute as ~120 MiB/h and fails the check on it', () => {
    const leaky = series(30, (t) => 150 + 2 * t + swing(t))
    const trend = memoryTrend(leaky)!
    assert.ok(Math.abs(trend.slopeMiBPerHour - 120) < 5, `slope ${trend.slopeMiBPerHour}`)
    assert.ok(trend.quarterPeaksMiB[3]! > trend.quarterPeaksMiB[2]!)
    const verdict = memoryBounded(
      new Map([
        ['validator0', series(30, () => 200)],
        ['validator1', leaky],
      ]),
      60,
    )
    assert.equal(verdict.ok, false)
    assert.match(verdict.detail, /validator1 1[12]\d\.\d/)
    assert.doesNotMatch(verdict.detail, /validator0/)
  })

  it('does not take the saw-tooth of kills and restarts for growth', () => {
    // Killed every 4 minutes: back from 100 MiB to its 210 MiB level in about a minute.
    const restarted = series(30, (t) => Math.min(210, 100 + 110 * (t % 4)) + swing(t))
    const verdict = memoryBounded(new Map([['validator1', restarted]]), 60)
    assert.equal(verdict.ok, true, verdict.detail)
    assert.equal(verdict.judged, true)
  })

  it('does not judge a run too short to have a second half of whole minutes', () => {
    assert.equal(memoryTrend(series(4, (t) => 100 + 50 * t)), null)
    const verdict = memoryBounded(new Map([['validator0', series(4, (t) => 100 + 50 * t)]]), 60)
    assert.equal(verdict.judged, false)
    assert.equal(verdict.ok, true)
    assert.match(verdict.detail, /not judged/)
  })

  it('leaves out the last, partial minute (its peak would bias the fit low)', () => {
    const samples = series(20, () => 200).slice(0, -1)
    samples.push({ at: samples.at(-1)!.at + 10_000, rssKiB: 50 * MIB })
    assert.ok(Math.abs(memoryTrend(samples)!.slopeMiBPerHour) < 1e-9)
  })
})
