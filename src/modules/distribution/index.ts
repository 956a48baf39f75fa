import type { Module } from '../../state/index.js'
import { beginBlock } from './allocation.js'
import { distributionExpectedKeepers } from './expected-keepers.js'
import { distributionGenesis } from './genesis.js'
import { distributionMessages } from './handler.js'
import { distributionStakingHooks } from './hooks.js'
import { distributionInvariants } from './invariants.js'
import { DistributionKeeper } from './keeper.js'
import { MODULE } from './keys.js'
import { distributionParams } from './params.js'
import { distributionQueries } from './queries.js'

/**
 * Fee distribution (x/distribution, F1): each begin-block mints the emission and allocates the
 * fee collector's coins to the previous proposer, the community pool and the validators of the
 * last commit (commission apart); delegators withdraw lazily, through staking's hooks.
 */
export const distributionModule: Module<DistributionKeeper> = {
  name: MODULE,
  expects: distributionExpectedKeepers,
  messages: distributionMessages,
  queries: distributionQueries,
  genesis: distributionGenesis,
  params: distributionParams,
  keeper: (ctx) => new DistributionKeeper(ctx),
  hooks: [distributionStakingHooks],
  beginBlock: (ctx) => beginBlock(new DistributionKeeper(ctx)),
  invariants: distributionInvariants,
}

export { DistributionKeeper }
export {
  MsgWithdrawRewards,
  MsgWithdrawAllRewards,
  MsgWithdrawCommission,
  MsgSetWithdrawAddress,
  MsgFundCommunityPool,
  type MsgWithdrawRewardsValue,
  type MsgWithdrawAllRewardsValue,
  type MsgWithdrawCommissionValue,
  type MsgSetWithdrawAddressValue,
  type MsgFundCommunityPoolValue,
} from './messages.js'
export { DISTRIBUTION_ERRORS, type DistributionErrorCode } from './errors.js'
export { DISTRIBUTION_EVENTS } from './events.js'
export { MODULE as DISTRIBUTION, DISTRIBUTION_ACCOUNT } from './keys.js'
export { FEE_COLLECTOR } from './keys.js'
export { distributionParams, type DistributionParamsValue } from './params.js'
export { distributionStakingHooks } from './hooks.js'
export { owedByModule } from './invariants.js'
export { VALOPER_PREFIX } from './queries.js'
export type { DecCoin, DecCoins } from './dec-coins.js'
