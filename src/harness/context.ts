import type { DevnetNode } from '../devnet/layout.js'
import type { NodeProcess } from '../devnet/process.js'
import type { SeededRandom } from '../fl/random.js'
import type { Manifest } from './manifest.js'
import type { MemorySample } from './memory-trend.js'

/** One node of a run: its layout, its process, and what the harness knows of it. */
export interface Member {
  name: string
  node: DevnetNode
  process: NodeProcess
  validator: boolean
  /** The consensus address (fedra1…) of a validator, null for a full node. */
  address: string | null
  started: boolean
  /** Exits the harness caused itself (a crash step's self-kill) are not failures. */
  expectExit: boolean
  env: Record<string, string>
}

/**
 * What a step or a check of a run may use of the run (src/harness/run.ts owns the state): the
 * manifest, the nodes, their status reads, a checked restart, and the records a step adds to.
 */
export interface RunContext {
  readonly manifest: Manifest
  readonly random: SeededRandom
  /** Nodes a step is taking down now: the load goes elsewhere. */
  readonly busy: Set<string>
  /** Failures of the restart checks (a restarted node below its height, another root, a signer state gone back). */
  readonly restartChecks: string[]
  /** Exits no step caused (a fatal error, a broken invariant). */
  readonly unexpected: readonly string[]
  out(line: string): void
  /** The member of that name. @throws HarnessError NODE_UNKNOWN */
  member(name: string): Member
  members(): Member[]
  running(): Member[]
  statuses(members: readonly Member[]): ReturnType<typeof statusesOf>
  height(member: Member): Promise<number>
  /** Starts a killed member again and checks it comes back no lower than `heightBefore` with the others' root; the line says how. */
  restart(member: Member, heightBefore: number, rootBefore: string | null, extra?: Record<string, string>): Promise<string>
  /** The RSS samples per node name (a restarted node's processes in one series). */
  rssByNode(): Map<string, MemorySample[]>
}

/** Every member's status, null where a read timed out. */
export function statusesOf(members: readonly Member[]) {
  return Promise.all(members.map((m) => m.process.status(2000)))
}
