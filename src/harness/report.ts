import { memoryTrend, samplesByNode } from './memory-trend.js'
import type { RunResult } from './run.js'

/** The run as text for a terminal: one line per step and per check. */
export function formatResult(result: RunResult): string {
  const lines = [
    `\n${result.ok ? 'PASS' : 'FAIL'} ${result.manifest} in ${(result.figures.durationMs / 1000).toFixed(1)} s, height ${result.figures.height}`,
  ]
  for (const s of result.steps) lines.push(`  step ${s.index} ${s.kind.padEnd(9)} ${s.ok ? 'ok  ' : 'FAIL'} ${s.detail}`)
  for (const c of result.checks) lines.push(`  check ${c.name.padEnd(18)} ${c.ok ? 'ok  ' : 'FAIL'} ${c.detail}`)
  const f = result.figures
  lines.push(
    `  load: ${f.acceptedTxs} transfers accepted (${f.txPerSecond.toFixed(2)}/s), ${f.refusedTxs} refused, ${f.rebroadcastTxs} re-sent; ${f.restarts} restarts; ${(f.proxyBytes / 1e6).toFixed(1)} MB through the proxies${f.roundsCompleted > 0 ? `; ${f.roundsCompleted} training rounds` : ''}`,
  )
  return `${lines.join('\n')}\n`
}

/** The soak report (Markdown): memory per node over time, throughput, round times, every check. */
export function soakReport(result: RunResult, minutes: number): string {
  const f = result.figures
  const byNode = samplesByNode(result.rss)
  const mib = (kib: number) => (kib / 1024).toFixed(0)
  const rows = [...byNode].map(([node, samples]) => {
    const kib = samples.map((s) => s.rssKiB)
    const trend = memoryTrend(samples)
    const fitted =
      trend === null
        ? 'too short'
        : `${trend.slopeMiBPerHour.toFixed(1)} (${trend.windows} min) | ${trend.quarterPeaksMiB.map((q) => q.toFixed(0)).join(' / ')}`
    return `| ${node} | ${kib.length} | ${mib(kib[0]!)} | ${mib(Math.max(...kib))} | ${mib(kib.at(-1)!)} | ${fitted}${trend === null ? ' | —' : ''} |`
  })
  const rounds = f.roundMs
  const failed = [
    ...result.steps.filter((s) => !s.ok).map((s) => `step ${s.index} ${s.kind}: ${s.detail}`),
    ...result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
  ]
  return [
    `# Soak: ${result.manifest}`,
    '',
    `${result.ok ? 'PASS' : 'FAIL'} · asked for ${minutes} min, ran ${(f.durationMs / 60_000).toFixed(1)} min · height ${f.height} · ${result.steps.length} steps · ${f.restarts} restarts`,
    '',
    '## Memory (RSS, MiB, sampled every 5 s)',
    '',
    '| node | samples | first | max | last | second-half trend, MiB/h (per-minute peaks fitted) | peak per quarter |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    "The trend is the least-squares slope through each minute's peak RSS over the second half of the run",
    '(start-up and warm-up excluded; a restarted process is back at its level within a minute or two);',
    "the `memory-bounded` check below fails a node above the manifest's `checks.max_rss_growth_mib_per_hour`.",
    '',
    '## Throughput',
    '',
    `- transfers accepted: ${f.acceptedTxs} (${f.txPerSecond.toFixed(2)}/s), refused: ${f.refusedTxs}, re-sent after a refusal: ${f.rebroadcastTxs}`,
    `- blocks: ${f.height} (${(f.height / (f.durationMs / 1000)).toFixed(2)}/s)`,
    `- bytes through the fault proxies: ${(f.proxyBytes / 1e6).toFixed(1)} MB`,
    rounds.length === 0
      ? '- training: none in this manifest'
      : `- training rounds: ${rounds.length}, round time (block time) min ${Math.min(...rounds)} ms, max ${Math.max(...rounds)} ms, mean ${Math.round(rounds.reduce((a, b) => a + b, 0) / rounds.length)} ms`,
    '',
    '## Steps',
    '',
    ...result.steps.map(
      (s) =>
        `- ${s.ok ? 'ok' : '**FAIL**'} ${s.index} ${s.kind} (${(s.ms / 1000).toFixed(1)} s${s.recoveryMs === undefined ? '' : `, recovery ${s.recoveryMs} ms`}): ${s.detail}`,
    ),
    '',
    '## Checks',
    '',
    ...result.checks.map((c) => `- ${c.ok ? 'ok' : '**FAIL**'} ${c.name}: ${c.detail}`),
    '',
    `## Check failures: ${failed.length}`,
    '',
    ...(failed.length === 0 ? ['none'] : failed.map((x) => `- ${x}`)),
    '',
  ].join('\n')
}
