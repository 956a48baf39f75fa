import { existsSync, readFileSync, statSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { decodeSignerState } from '../consensus/index.js'
import { waitFor } from '../devnet/process.js'
import type { CrashPoint as NodeCrashPoint } from '../test-switch.js'
import type { RunContext } from './context.js'
import type { Step } from './manifest.js'

/**
 * The crash-consistency step: `iterations` times, the node is armed to kill itself at a point of
 * signing, the WAL or the commit (or killed from outside at a random instant), its WAL sometimes
 * cut at a random byte, and restarted; each restart must come back no lower than it was, with the
 * others' state root, and its signer state must never go back. Validators in `hold` stay
 * SIGSTOPped throughout, so the chain cannot commit without the crashing node and it crashes
 * mid-height.
 */
export async function crashStep(ctx: RunContext, step: Extract<Step, { kind: 'crash' }>, iterations: number): Promise<{ detail: string }> {
  const member = ctx.member(step.node)
  const groups: Record<string, NodeCrashPoint[]> = {
    sign: ['sign-prevote', 'sign-precommit', 'sign-proposal'],
    wal: ['wal-write'],
    commit: ['commit-before', 'commit-after'],
    any: ['sign-prevote', 'sign-precommit', 'wal-write', 'commit-before', 'commit-after'],
  }
  const points: NodeCrashPoint[] = groups[step.at] ?? [step.at as NodeCrashPoint]
  // Held (SIGSTOPped) for the whole step: the chain then cannot commit without the crashing node, so it crashes mid-height, not between heights it has no part in.
  const held = step.hold.map((n) => ctx.member(n)).filter((m) => m.process.running)
  const walPath = join(member.node.home, 'data', 'cs.wal', 'wal')
  const statePath = join(member.node.home, 'config', 'priv_validator_state.json')
  const counts = new Map<string, number>()
  let selfKills = 0
  let truncations = 0
  ctx.busy.add(member.name)
  member.expectExit = true
  for (const m of held) {
    process.kill(m.process.pid!, 'SIGSTOP')
    ctx.busy.add(m.name)
  }
  try {
    // The last status the node gave before each crash: what its restart must not go below.
    let last = await member.process.status(2000)
    const watch = async (): Promise<void> => {
      const now = await member.process.status(500)
      if (now !== null) last = now
    }
    for (let i = 0; i < iterations; i++) {
      await watch()
      const before = last
      await member.process.kill()
      const signedBefore = existsSync(statePath) ? decodeSignerState(readFileSync(statePath, 'utf8'), statePath) : null
      if (
        step.truncateWalEvery > 0 &&
        i % step.truncateWalEvery === step.truncateWalEvery - 1 &&
        existsSync(walPath) &&
        statSync(walPath).size > 0
      ) {
        truncateSync(walPath, ctx.random.int(statSync(walPath).size))
        truncations++
      }
      const outside = step.at === 'any' && ctx.random.int(4) === 0
      const point = points[ctx.random.int(points.length)]!
      const arm: Record<string, string> = outside
        ? {}
        : { FEDRA_TEST_CRASH: `${point}:${1 + ctx.random.int(3)}:${(ctx.random.int(1000) / 1000).toFixed(3)}` }
      const what = outside ? 'outside' : point
      counts.set(what, (counts.get(what) ?? 0) + 1)
      const line = await ctx.restart(member, before?.height ?? 0, before?.stateRoot ?? null, arm)
      if (signedBefore !== null && existsSync(statePath)) {
        const after = decodeSignerState(readFileSync(statePath, 'utf8'), statePath)
        if (after.height < signedBefore.height)
          ctx.restartChecks.push(`${member.name}: signer state went back from height ${signedBefore.height} to ${after.height}`)
      }
      if (outside) {
        // kill -9 from outside at a random instant of the next 0.2–2 s.
        const until = Date.now() + 200 + ctx.random.int(1800)
        while (Date.now() < until) await watch()
      } else {
        // The node kills itself when it reaches the point; a point it does not reach in time is left for an outside kill.
        await waitFor(
          `${member.name} to crash at ${point}`,
          async () => {
            if (member.process.running) await watch()
            return !member.process.running
          },
          20_000,
          20,
        ).catch(() => undefined)
      }
      if (!member.process.running) selfKills++
      ctx.out(`[harness] crash ${i + 1}/${iterations} (${what}): ${line}\n`)
    }
    await watch()
    const before = last
    await member.process.kill()
    const line = await ctx.restart(member, before?.height ?? 0, before?.stateRoot ?? null)
    const target = Math.max(...(await ctx.statuses(ctx.running().filter((m) => m !== member))).map((s) => s?.height ?? 0))
    await waitFor(
      `${member.name} caught up to ${target} after the crashes`,
      async () => (await ctx.height(member)) >= target,
      ctx.manifest.checks.progressTimeoutMs,
      200,
    )
    const by = [...counts].map(([k, n]) => `${n} ${k}`).join(', ')
    return {
      detail: `${iterations} crashes of ${member.name} (${by}; ${selfKills} down when the next began, ${truncations} WAL truncations); final ${line}; caught up to ${target}`,
    }
  } finally {
    member.expectExit = false
    ctx.busy.delete(member.name)
    for (const m of held) {
      if (m.process.running) process.kill(m.process.pid!, 'SIGCONT')
      ctx.busy.delete(m.name)
    }
  }
}
