import type { Module } from '../../state/index.js'
import { rewardsExpectedKeepers } from './expected-keepers.js'
import { rewardsGenesis } from './genesis.js'
import { rewardsMessages } from './handler.js'
import { rewardsInvariants } from './invariants.js'
import { RewardsKeeper } from './keeper.js'
import { MODULE, REWARDS_ACCOUNT } from './keys.js'
import { rewardsParams } from './params.js'
import { rewardsQueries } from './queries.js'
import { reputationHooks } from './settlement.js'

/**
 * Rewards (DESIGN §6 step 5, issue 21): each subnet has a reward pool — the per-round emission
 * minted when a round settles, plus anyone's MsgFundSubnetPool — split by the subnet's reward
 * split when reputation has scored a round (REPUTATION_HOOKS.roundScored): trainers ∝ consensus
 * score × capped samples, the aggregator, the scorers ∝ dividends, and the subnet's data
 * treasury; harmful trainers slashed. Paid directly into accounts; no begin- or end-block.
 */
export const rewardsModule: Module<RewardsKeeper> = {
  name: MODULE,
  expects: rewardsExpectedKeepers,
  messages: rewardsMessages,
  queries: rewardsQueries,
  genesis: rewardsGenesis,
  params: rewardsParams,
  keeper: (ctx) => new RewardsKeeper(ctx),
  hooks: [reputationHooks],
  invariants: rewardsInvariants,
}

/** The module account rewards owns, as the composition table must list it: `minter` for the per-round emission. */
export const REWARDS_MODULE_ACCOUNTS = {
  [REWARDS_ACCOUNT]: { owner: MODULE, permissions: ['minter'] },
} as const

export { RewardsKeeper }
export { MODULE as REWARDS_MODULE, REWARDS_ACCOUNT } from './keys.js'
export {
  MsgFundSubnetPool,
  RoundPayouts,
  TrainerPayout,
  ScorerPayout,
  RewardsTotals,
  type MsgFundSubnetPoolValue,
  type RoundPayoutsValue,
  type TrainerPayoutValue,
  type ScorerPayoutValue,
  type RewardsTotalsValue,
} from './messages.js'
export { REWARDS_ERRORS, type RewardsErrorCode } from './errors.js'
export { REWARDS_EVENTS } from './events.js'
export { rewardsParams, type RewardsParamsValue } from './params.js'
export { rewardsInvariants, settlementBroken } from './invariants.js'
export { largestRemainder, splitPool, type Allocator, type Claim, type Split } from './split.js'
export { settleRewards, reputationHooks, reputationHooksWith, qualityOf, isHarmful } from './settlement.js'
