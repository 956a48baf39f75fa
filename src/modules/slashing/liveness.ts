import type { CommitVote, Context } from '../../state/index.js'
import { STAKING } from './expected-keepers.js'
import { emitJail, emitLiveness, emitSlash } from './events.js'
import { type SlashingParamsValue, minSignedBlocks } from './params.js'
import type { SigningInfos } from './signing-infos.js'

/**
 * Heights between a block's validator set and the end-block that chose it (CometBFT applies
 * updates returned at H's end-block from H+2: Cosmos' ValidatorUpdateDelay).
 */
export const VALIDATOR_UPDATE_DELAY = 1

/**
 * x/slashing HandleValidatorSignature for one vote of the previous block's commit: records
 * whether the validator signed in its sparse window bitmap (one key read, at most one write),
 * and once the validator is past its first full window and has missed more than
 * `window − min_signed_blocks` blocks of it, slashes `slash_fraction_downtime` of its stake at
 * the height that stake was bonded for that commit, jails it until block time +
 * `downtime_jail_duration`, and resets its window.
 *
 * Skipped: a validator staking does not know and a jailed one (as Cosmos: its misses do not
 * count while it is out of the set); one without signing info (x/slashing panics there); and a
 * tombstoned one even if staking were to let it back: it is never punished for downtime again.
 */
export function handleValidatorSignature(ctx: Context, books: SigningInfos, params: SlashingParamsValue, vote: CommitVote): void {
  const staking = ctx.keeper(STAKING)
  const validator = staking.validatorByConsensusAddress(vote.validator)
  if (validator === undefined || validator.jailed) return
  const info = books.get(vote.validator)
  if (info === undefined || info.tombstoned) return

  const height = BigInt(ctx.block.height)
  const window = params.signedBlocksWindow
  const index = info.indexOffset % window
  info.indexOffset += 1n

  const previous = books.missed(vote.validator, index)
  const missed = !vote.signed
  if (!previous && missed) {
    books.setMissed(vote.validator, index, true)
    info.missedBlocksCounter += 1n
  } else if (previous && !missed) {
    books.setMissed(vote.validator, index, false)
    info.missedBlocksCounter -= 1n
  }
  if (missed) emitLiveness(ctx, vote.validator, info.missedBlocksCounter)

  // x/slashing: a validator is judged only once a full window has passed since it started.
  const minHeight = info.startHeight + window
  const maxMissed = window - minSignedBlocks(params)
  if (height > minHeight && info.missedBlocksCounter > maxMissed) {
    // The commit being read is of H−1, signed by the set chosen at H−1−delay's end-block.
    const distributionHeight = ctx.block.height - VALIDATOR_UPDATE_DELAY - 1
    const burned = staking.slash(vote.validator, distributionHeight, vote.power, params.slashFractionDowntime)
    emitSlash(ctx, vote.validator, vote.power, 'missing_signature', distributionHeight, burned)
    staking.jail(vote.validator)
    info.jailedUntil = ctx.block.time + params.downtimeJailDuration
    emitJail(ctx, vote.validator, info.jailedUntil)
    // Reset, so that it is not jailed again for the same misses the moment it rebonds.
    info.missedBlocksCounter = 0n
    info.indexOffset = 0n
    books.clearMissed(vote.validator)
  }
  books.set(vote.validator, info)
}
