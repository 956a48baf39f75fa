import type { Application } from '../state/index.js'
import { NodeError } from './errors.js'

/**
 * The exit status of `fedra start` when the node halts for a software upgrade (x/upgrade's
 * "UPGRADE NEEDED" panic): distinct from a crash (1) and a usage error (2), so a supervisor such
 * as cosmovisor can tell it apart, swap the binary and restart with `--upgrade NAME`.
 */
export const UPGRADE_HALT_EXIT_CODE = 3

/** A scheduled upgrade as the node reads it from gov's state. */
export interface ScheduledUpgrade {
  name: string
  height: number
  info: string
}

/**
 * What the node does before executing block `next` (x/upgrade's PreBlocker, node side), given the
 * plan in the committed state and the upgrades this binary was started with (`--upgrade NAME`):
 * - `halt`: the plan is for this height and the binary lacks it: stop before executing it
 *   (UPGRADE "NAME" NEEDED);
 * - `early`: the binary has the planned upgrade but the plan's height is still ahead: refuse to run
 *   (x/upgrade's BINARY UPDATED BEFORE TRIGGER), since it would execute the blocks before it as the
 *   new binary;
 * - `run`: anything else (no plan, a plan further ahead the binary does not have yet, or a binary
 *   that has it at its height: gov's begin-block then records it applied).
 */
export function upgradeVerdict(plan: ScheduledUpgrade | null, next: number, upgrades: ReadonlySet<string>): 'run' | 'halt' | 'early' {
  if (plan === null) return 'run'
  const has = upgrades.has(plan.name)
  if (plan.height <= next) return has ? 'run' : 'halt'
  return has ? 'early' : 'run'
}

/** The upgrade gov scheduled, read from the committed state; null on a chain without gov or without a plan. */
export function scheduledUpgrade(state: Application): ScheduledUpgrade | null {
  if (!state.registry.has('gov')) return null
  const { plan } = state.query('gov', 'upgrade_plan') as { plan: { name: string; height: string; info: string } | null }
  return plan === null ? null : { name: plan.name, height: Number(plan.height), info: plan.info }
}

/** The error (and log line) of a node that must stop for `plan`, or refuses to run it early. */
export function upgradeError(verdict: 'halt' | 'early', plan: ScheduledUpgrade): NodeError {
  if (verdict === 'halt') {
    return new NodeError(
      'UPGRADE_NEEDED',
      `UPGRADE "${plan.name}" NEEDED at height ${plan.height}: ${plan.info}`.trimEnd().replace(/:$/, ''),
      { height: plan.height, upgrade: plan.name },
    )
  }
  return new NodeError(
    'UPGRADE_TOO_EARLY',
    `started with --upgrade ${plan.name}, which is scheduled for height ${plan.height}, not reached yet: run the old binary until it halts there`,
    {
      height: plan.height,
      upgrade: plan.name,
    },
  )
}

/** Why a node with `upgrades` must not execute the block after `state`'s committed height, or null (ChainApp.upgradeHalt). */
export function upgradeHaltOf(state: Application, upgrades: ReadonlySet<string>): NodeError | null {
  const plan = scheduledUpgrade(state)
  const verdict = upgradeVerdict(plan, state.height + 1, upgrades)
  return verdict === 'run' ? null : upgradeError(verdict, plan!)
}
