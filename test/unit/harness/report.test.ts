import assert from 'node:assert/strict'
import { soakReport } from '../../../src/harness/report.js'
import type { RunResult } from '../../../src/harness/run.js'

/** A run of `minutes` with one steady node and one leaking 2 MiB a minute, sampled every 5 s. */
function run(minutes: number): RunResult {
  const rss = Array.from({ length: minutes * 12 + 1 }, (_, i) => [
    { at: i * 5000, node: 'validator0', rssKiB: 200 * 1024 },
    { at: i * 5000, node: 'validator1', rssKiB: (150 + (2 * i) / 12) * 1024 },
  ]).flat()
  return {
    manifest: 'kill-restart',
    ok: true,
    checks: [{ name: 'memory-bounded', ok: false, detail: 'RSS still growing' }],
    steps: [],
    figures: {
      durationMs: minutes * 60_000,
      height: 100,
      acceptedTxs: 10,
      refusedTxs: 0,
      rebroadcastTxs: 0,
      txPerSecond: 1,
      roundsCompleted: 0,
      roundMs: [],
      restarts: 0,
      proxyBytes: 0,
    },
    rss,
  }
}

describe('harness soak report', () => {
  it('prints the fitted second-half trend and the quarter peaks of each node', () => {
    const report = soakReport(run(30), 30)
    const row = (node: string) => report.split('\n').find((l) => l.startsWith(`| ${node} |`))!
    assert.match(row('validator0'), /\| 0\.0 \(15 min\) \| 200 \/ 200 \/ 200 \/ 200 \|$/)
    assert.match(row('validator1'), /\| 120\.0 \(15 min\) \| 165 \/ 180 \/ 195 \/ 210 \|$/)
    assert.match(report, /memory-bounded: RSS still growing/)
  })

  it('says a run is too short for a trend', () => {
    assert.match(soakReport(run(4), 4), /\| validator0 \| 49 \| 200 \| 200 \| 200 \| too short \| — \|/)
  })
})
