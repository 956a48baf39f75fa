import type { Context } from '../../state/index.js'
import { GovBooks } from './books.js'
import { emitUpgradeApplied } from './events.js'

/**
 * Gov's begin-block (x/upgrade's PreBlocker, state side): at the scheduled plan's height the
 * plan becomes a done record `{ name, height }` and is cleared, before any transaction of that
 * block runs. Only a node whose binary has the upgrade gets this far: every other node halts
 * before executing the block (src/node/upgrade.ts), so this is the same on every node that
 * executes it. A plan whose height lies below the block (only a genesis can hold one) is applied
 * at the first block too, so a chain never runs past a plan it did not apply.
 */
export function applyDueUpgrade(ctx: Context): void {
  const books = new GovBooks(ctx.moduleStore())
  const plan = books.upgradePlan()
  if (plan === undefined || plan.height > BigInt(ctx.block.height)) return
  const applied = { name: plan.name, height: BigInt(ctx.block.height) }
  books.setApplied(applied)
  books.setUpgradePlan(undefined)
  emitUpgradeApplied(ctx, applied, plan.proposal)
}
