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
  const byNode = new Map<string, number[]>()
  for (const s of result.rss) byNode.set(s.node, [...(byNode.get(s.node) ?? []), s.rssKiB])
  const mib = (kib: number) => (kib / 1024).toFixed(0)
  const rows = [...byNode].map(([node, samples]) => {
    const first = samples[0]!
    const last = samples.at(-1)!
    return `| ${node} | ${samples.length} | ${mib(first)} | ${mib(Math.max(...samples))} | ${mib(last)} | ${((last - first) / 1024 / Math.max(1 / 60, f.durationMs / 3_600_000)).toFixed(1)} |`
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
    '| node | samples | first | max | last | (last − first) per hour, start-up included |',
    '|---|---|---|---|---|---|',
    ...rows,
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
