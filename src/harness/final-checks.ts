import { waitFor } from '../devnet/process.js'
import { type ChainView, type CheckResult, longest } from './checks.js'
import type { Member, RunContext } from './context.js'
import { type TipReading, inStep } from './in-step.js'
import { memoryBounded } from './memory-trend.js'

/**
 * The checks of the nodes themselves at the end of a run: module invariants, no unexpected exit,
 * every node in step with the others (re-read until the progress timeout), every node answering,
 * and memory bounded over the run's second half. `view` is the chain as read once from `running`.
 */
export async function nodeChecks(ctx: RunContext, running: readonly Member[], view: ChainView): Promise<CheckResult[]> {
  const checks: CheckResult[] = []
  const broken = running.filter((m) => m.process.logTail(400).some((l) => l.includes('INVARIANT_BROKEN'))).map((m) => m.name)
  checks.push({
    name: 'invariants',
    ok: broken.length === 0 && !ctx.unexpected.some((u) => u.includes('INVARIANT_BROKEN')),
    detail:
      broken.length === 0
        ? `every module invariant held after every block on ${running.length} nodes (assert-invariants)`
        : `broken on ${broken.join(', ')}`,
  })
  checks.push({
    name: 'no-unexpected-exit',
    ok: ctx.unexpected.length === 0,
    detail: ctx.unexpected.length === 0 ? 'no node exited on its own' : ctx.unexpected.slice(0, 5).join('; '),
  })
  const tips = view.tips
  const reference = longest(view)
  // In step: a node that stopped following (it computes another state root than the block
  // it was given, say) falls behind for good; name it, with what its log says.
  // The view was read once; a node behind but progressing (a restarted one, the twin's peer)
  // gets until the progress timeout to reach the highest tip read then. Polling, no sleep.
  const readings: TipReading[] = [tips]
  const answered = running.filter((m) => tips.has(m.name))
  await waitFor(
    'every node within 3 blocks of the highest tip',
    async () => {
      const now = await ctx.statuses(answered)
      readings.push(new Map(answered.flatMap((m, i) => (now[i] == null ? [] : [[m.name, now[i]!.height] as const]))))
      return inStep(readings, 3).ok
    },
    ctx.manifest.checks.progressTimeoutMs,
    250,
  ).catch(() => undefined)
  const verdict = inStep(readings, 3)
  const top = verdict.target
  const lastTip = new Map(verdict.behind.map((b) => [b.name, b]))
  const behind = running.filter((m) => lastTip.has(m.name))
  checks.push({
    name: 'in-step',
    ok: behind.length === 0,
    detail:
      behind.length === 0
        ? `every node within 3 blocks of height ${top} (${readings.length} readings)`
        : behind
            .map(
              (m) =>
                `${m.name} at ${lastTip.get(m.name)!.last} (${lastTip.get(m.name)!.first} when the check began) after ${ctx.manifest.checks.progressTimeoutMs} ms, below ${top} − 3: ${(
                  m.process
                    .logTail(400)
                    .reverse()
                    .find((l) => /state root|MISMATCH|mismatch|reproduce/.test(l)) ?? ''
                ).slice(0, 240)}`,
            )
            .join('; '),
  })
  // All answer: a node whose one status read of the view timed out (a busy event loop, a
  // restart just finishing) is asked again until the progress timeout; one that never answers fails.
  let silent = ctx.members().filter((m) => m.started && !tips.has(m.name))
  const silentAtFirst = silent.length
  await waitFor(
    'every started node to answer a status read',
    async () => {
      const now = await ctx.statuses(silent)
      silent = silent.filter((_, i) => now[i] == null)
      return silent.length === 0
    },
    ctx.manifest.checks.progressTimeoutMs,
    250,
  ).catch(() => undefined)
  checks.push({
    name: 'all-answer',
    ok: silent.length === 0,
    detail:
      silent.length === 0
        ? `${tips.size + silentAtFirst} nodes answered${silentAtFirst > 0 ? ` (${silentAtFirst} after a re-read)` : ''} (reference ${reference}@${reference === undefined ? '?' : tips.get(reference)})`
        : `${silent.map((m) => m.name).join(', ')} did not answer within ${ctx.manifest.checks.progressTimeoutMs} ms`,
  })
  const memory = memoryBounded(ctx.rssByNode(), ctx.manifest.checks.maxRssGrowthMiBPerHour)
  checks.push({ name: 'memory-bounded', ok: memory.ok, detail: memory.detail })
  return checks
}
