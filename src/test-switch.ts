/**
 * Test-only switches for the fault harness (docs/reliability.md). A switch is on only when
 * FEDRA_TEST=1 and FEDRA_TEST_PLANT names it (a comma-separated list), so a production node,
 * which never sets FEDRA_TEST, cannot turn one on by a stray variable. The planted bugs exist so
 * that a harness test can show the harness catches them; none of them is a feature.
 */
export type TestSwitch =
  /** Planted bug: the signer guard neither appends a signed vote to the WAL nor saves the signer state file before the vote leaves. */
  | 'skip-signer-fsync'
  /** Planted bug: the training module accepts every aggregate without recomputing it (model.ts verifyAggregate). */
  | 'accept-aggregate'
  /** The p2p host does not announce its listen addresses (identify), so peers dial only the addresses they were configured with: the harness's fault proxies. */
  | 'p2p-no-announce'
  /** After every commit the node runs every module's invariants (Application.assertInvariants) and stops on the first broken one, as Cosmos' crisis module does. */
  | 'assert-invariants'

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
const active: ReadonlySet<string> =
  env.FEDRA_TEST === '1'
    ? new Set(
        (env.FEDRA_TEST_PLANT ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      )
    : new Set()

/** Whether the test switch is on for this process (read once, at load). */
export const testSwitch = (name: TestSwitch): boolean => active.has(name)

/** Where a crash-consistency run may SIGKILL a node (FEDRA_TEST_CRASH=POINT:N[:FRACTION]). */
export type CrashPoint =
  /** A vote or proposal signed and made durable (WAL + signer state), not yet returned to be sent. */
  | 'sign-proposal'
  | 'sign-prevote'
  | 'sign-precommit'
  /** Inside a WAL append: FRACTION of the record written, the rest never (a torn write). */
  | 'wal-write'
  /** A decided block executed, its state batch not yet written. */
  | 'commit-before'
  /** The state batch written, nothing after it (commit listeners, the next height's WAL marker). */
  | 'commit-after'

const crash = (() => {
  const spec = env.FEDRA_TEST === '1' ? (env.FEDRA_TEST_CRASH ?? '') : ''
  const match = /^([a-z-]+):(\d+)(?::(0(?:\.\d+)?|1))?$/.exec(spec)
  return match === null ? null : { point: match[1]!, after: Number(match[2]), fraction: Number(match[3] ?? '0.5'), seen: 0 }
})()

/**
 * Test-only: the N-th time the process passes `point` it kills itself with SIGKILL, right there
 * (kill -9 at that instant: no handler, no flush). `torn` runs first with FRACTION, for a write
 * cut part-way. A no-op unless FEDRA_TEST=1 and FEDRA_TEST_CRASH names the point.
 */
export function crashPoint(point: CrashPoint, torn?: (fraction: number) => void): void {
  if (crash === null || crash.point !== point || ++crash.seen < crash.after) return
  torn?.(crash.fraction)
  process.kill(process.pid, 'SIGKILL')
}
