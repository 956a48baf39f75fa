import type { Context } from '../../state/index.js'
import { handleEquivocation } from './evidence.js'
import { handleValidatorSignature } from './liveness.js'
import { SigningInfos } from './signing-infos.js'
import { SlashingKeeper } from './keeper.js'

/**
 * Slashing's begin-block (x/evidence's BeginBlocker, then x/slashing's): the block's evidence
 * first, so a validator tombstoned here is jailed before its votes are read and is never also
 * slashed for downtime; then one liveness step per vote of the previous block's commit. A
 * signed_blocks_window changed since the last block first resets every validator's window.
 */
export function slashingBeginBlock(ctx: Context): void {
  const books = new SigningInfos(ctx.moduleStore())
  const params = new SlashingKeeper(ctx).params()
  if (books.window() !== params.signedBlocksWindow) books.resetWindows(params.signedBlocksWindow)
  for (const evidence of ctx.block.evidence) handleEquivocation(ctx, books, params, evidence)
  for (const vote of ctx.block.lastCommit?.votes ?? []) handleValidatorSignature(ctx, books, params, vote)
}
