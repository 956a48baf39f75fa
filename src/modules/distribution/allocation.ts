import { Dec, moduleAddress } from '../../state/index.js'
import { FEE_COLLECTOR } from './keys.js'
import { type DecCoins, addDecCoins, fromCoins, mulDecTruncate, subDecCoins } from './dec-coins.js'
import { emitAllocation, emitProposerReward } from './events.js'
import type { DistributionKeeper } from './keeper.js'
import { DISTRIBUTION_ACCOUNT } from './keys.js'

/**
 * Begin-block (x/distribution's BeginBlocker before v0.50). With the previous block's commit
 * known: mint `emission_per_block` of the bond denomination into the distribution account, move
 * everything the fee collector holds there, and allocate the sum to the previous proposer, the
 * community pool and the validators of the last commit. Then remember this block's proposer for
 * the next block. Without a last commit (the first block) nothing is minted or moved: the fees
 * wait for the next block.
 */
export function beginBlock(keeper: DistributionKeeper): void {
  const { block } = keeper.ctx
  if (block.lastCommit !== null) {
    const params = keeper.params()
    const collected = fromCoins(keeper.bank.balances(moduleAddress(FEE_COLLECTOR)))
    if (collected.length > 0)
      keeper.bank.sendModuleToModule(
        FEE_COLLECTOR,
        DISTRIBUTION_ACCOUNT,
        collected.map((c) => ({ denom: c.denom, amount: c.amount.truncate() })),
      )
    let emitted: DecCoins = []
    if (params.emissionPerBlock > 0n) {
      const coins = [{ denom: keeper.staking.bondDenom(), amount: params.emissionPerBlock }]
      keeper.bank.mint(DISTRIBUTION_ACCOUNT, coins)
      emitted = fromCoins(coins)
    }
    allocateTokens(keeper, addDecCoins(collected, emitted))
  }
  keeper.setPreviousProposer(block.proposer)
}

/**
 * x/distribution's AllocateTokens over `rewards` (already in the distribution account). With P
 * the total power of the last commit's votes and S the power of those that signed:
 *   proposer:   rewards × (base + bonus × S/P), to the previous proposer;
 *   validators: rewards × (1 − that − community_tax), each vote's validator taking power/P of it;
 *   community:  everything else — the tax, the truncations, the share of a proposer or vote that
 *               staking does not know, and all of it when P is zero.
 * Every product truncates, so the parts never exceed the whole.
 */
export function allocateTokens(keeper: DistributionKeeper, rewards: DecCoins): void {
  if (rewards.length === 0) return
  const votes = keeper.ctx.block.lastCommit?.votes ?? []
  const total = votes.reduce((sum, v) => sum + v.power, 0n)
  if (total === 0n) {
    keeper.addToCommunityPool(rewards)
    return
  }
  const params = keeper.params()
  const signed = votes.reduce((sum, v) => (v.signed ? sum + v.power : sum), 0n)
  const totalDec = Dec.fromInt(total)
  let remaining = rewards

  const proposerMultiplier = params.baseProposerReward.add(params.bonusProposerReward.mul(Dec.fromInt(signed).quo(totalDec)))
  const previous = keeper.previousProposer()
  const proposer = previous === undefined ? undefined : keeper.staking.validatorByConsensusAddress(previous)
  if (proposer !== undefined && keeper.hasValidator(proposer.operator)) {
    const reward = mulDecTruncate(rewards, proposerMultiplier)
    allocateToValidator(keeper, proposer, reward)
    if (reward.length > 0) emitProposerReward(keeper.ctx, proposer.operator, reward)
    remaining = subDecCoins(remaining, reward)
  }

  const forVotes = mulDecTruncate(rewards, Dec.ONE.sub(proposerMultiplier).sub(params.communityTax))
  for (const vote of votes) {
    const validator = keeper.staking.validatorByConsensusAddress(vote.validator)
    if (validator === undefined || !keeper.hasValidator(validator.operator)) continue
    const reward = mulDecTruncate(forVotes, Dec.fromInt(vote.power).quo(totalDec))
    allocateToValidator(keeper, validator, reward)
    remaining = subDecCoins(remaining, reward)
  }
  keeper.addToCommunityPool(remaining)
}

function allocateToValidator(
  keeper: DistributionKeeper,
  validator: Parameters<DistributionKeeper['allocateToValidator']>[0],
  tokens: DecCoins,
): void {
  if (tokens.length === 0) return
  const { commission, shared } = keeper.allocateToValidator(validator, tokens)
  emitAllocation(keeper.ctx, validator.operator, commission, shared)
}
