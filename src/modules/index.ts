import { type Composition, ModuleRegistry } from '../state/index.js'
import { authModule } from './auth/index.js'
import { bankModule } from './bank/index.js'
import { DISTRIBUTION_ACCOUNT, FEE_COLLECTOR, distributionModule } from './distribution/index.js'
import { slashingModule } from './slashing/index.js'
import { STAKING_HOOKS, STAKING_MODULE_ACCOUNTS, stakingModule } from './staking/index.js'
import { SUBNETS_MODULE_ACCOUNTS, subnetsModule } from './subnets/index.js'
import { REPUTATION_HOOKS, reputationModule } from './reputation/index.js'
import { TRAINING_HOOKS, trainingModule } from './training/index.js'
import { REWARDS_MODULE_ACCOUNTS, rewardsModule } from './rewards/index.js'
import { DATANETS_MODULE_ACCOUNTS, datanetsModule } from './datanets/index.js'
import { LINEAGE_MODULE_ACCOUNTS, lineageModule } from './lineage/index.js'
import { DISPUTES_MODULE_ACCOUNTS, disputesModule } from './disputes/index.js'
import { GOV_MODULE_ACCOUNTS, GOV_PARAMS_AUTHORITIES, govModule } from './gov/index.js'

/** The modules of a Fedra chain, in registration order (genesis validation, queries, invariants). */
export function defaultModules() {
  return [
    authModule,
    bankModule,
    stakingModule,
    distributionModule,
    slashingModule,
    subnetsModule,
    trainingModule,
    reputationModule,
    rewardsModule,
    datanetsModule,
    lineageModule,
    disputesModule,
    govModule,
  ]
}

/**
 * How they fit together (Cosmos' app.go): one table of module accounts with their owners and
 * permissions, hook subscriptions, and the orders of genesis, begin-block and end-block. New
 * modules add their accounts, hooks and places here; the registry checks every seam when built.
 *
 * - The fee collector belongs to distribution, which empties it every begin-block (bank's fee
 *   payment credits it by the books, whoever owns it); distribution's own account mints the
 *   emission and holds outstanding rewards and the community pool.
 * - Staking's hooks go to distribution first (it withdraws a delegation's rewards before the
 *   shares change), then slashing, as Cosmos' app.go orders them.
 * - Genesis: bank before distribution (which checks its books against bank's balances) before
 *   staking (whose gen_validators fire distribution's hooks) before slashing (whose imported
 *   signing infos replace what the bonded hooks wrote) before subnets (which checks its members'
 *   bonds against staking's and its deposits against bank's balances) before training (which checks
 *   its rounds' subnets exist) before reputation (whose receipts name training's rounds).
 *   Training's begin-block opens and closes rounds by height.
 * - Training's round hooks go to reputation, which settles a round's scores (Yuma, receipts,
 *   reputations) in the begin-block that closes it; reputation's roundScored goes to rewards,
 *   which mints the round's emission into its account, pays the split and slashes harmful
 *   trainers in that same begin-block. Rewards' genesis comes after reputation's (and bank's,
 *   whose balance of its account it checks).
 * - Datanets holds deposits, pending bonds and treasuries in its account (genesis after bank's,
 *   whose balance it checks); it reads training's rounds and subnets' members for declarations.
 * - Lineage records a version when training accepts an aggregate (after reputation on that hook)
 *   and attributes it when reputation scores the round (after rewards on that hook: the round's
 *   payouts are settled first, and lineage only reads the scores); it reads datanets'
 *   declarations, so its genesis comes after datanets'. Use fees' validator part goes to the fee
 *   collector, which distribution empties in the next begin-block.
 * - Gov holds proposals' deposits in its account (`burner`: vetoed or unfunded deposits burn as
 *   its params say) and is the one params authority: a passed proposal changes any module's
 *   params through the ParamsKeeper. Its end-block tallies proposals whose voting ended, before
 *   staking's, so the tally reads the bonded set the previous block left (as x/gov's app.go).
 * - Disputes escrows bonds in its account (`minter` and `burner`: a refunded slash is minted back,
 *   a lost bond burned); it reads training's rounds and verdicts, so its genesis comes after
 *   training's (and bank's, whose balance of its account it checks). No begin- or end-block.
 * - Begin-block: distribution pays for the last commit before slashing jails anyone; end-block:
 *   staking last, so a jail or a slash this block becomes a validator update.
 */
export const DEFAULT_COMPOSITION: Composition = {
  moduleAccounts: {
    [FEE_COLLECTOR]: { owner: 'distribution', permissions: [] },
    [DISTRIBUTION_ACCOUNT]: { owner: 'distribution', permissions: ['minter'] },
    ...STAKING_MODULE_ACCOUNTS,
    ...SUBNETS_MODULE_ACCOUNTS,
    ...REWARDS_MODULE_ACCOUNTS,
    ...DATANETS_MODULE_ACCOUNTS,
    ...LINEAGE_MODULE_ACCOUNTS,
    ...DISPUTES_MODULE_ACCOUNTS,
    ...GOV_MODULE_ACCOUNTS,
  },
  hooks: [
    { point: STAKING_HOOKS, subscriber: 'distribution' },
    { point: STAKING_HOOKS, subscriber: 'slashing' },
    { point: TRAINING_HOOKS, subscriber: 'reputation' },
    { point: TRAINING_HOOKS, subscriber: 'lineage' },
    { point: REPUTATION_HOOKS, subscriber: 'rewards' },
    { point: REPUTATION_HOOKS, subscriber: 'lineage' },
  ],
  order: {
    initGenesis: [
      'auth',
      'bank',
      'distribution',
      'staking',
      'slashing',
      'subnets',
      'training',
      'reputation',
      'rewards',
      'datanets',
      'lineage',
      'disputes',
      'gov',
    ],
    // gov first: a software upgrade due at this height is recorded applied before anything else runs (x/upgrade's PreBlocker).
    beginBlock: [
      'gov',
      'auth',
      'bank',
      'distribution',
      'slashing',
      'subnets',
      'training',
      'reputation',
      'rewards',
      'datanets',
      'lineage',
      'disputes',
      'staking',
    ],
    endBlock: [
      'auth',
      'bank',
      'distribution',
      'slashing',
      'subnets',
      'training',
      'reputation',
      'rewards',
      'datanets',
      'lineage',
      'disputes',
      'gov',
      'staking',
    ],
  },
  paramsAuthorities: [...GOV_PARAMS_AUTHORITIES],
}

export function defaultRegistry(): ModuleRegistry {
  return new ModuleRegistry(defaultModules(), DEFAULT_COMPOSITION)
}

export {
  authModule,
  bankModule,
  stakingModule,
  distributionModule,
  slashingModule,
  subnetsModule,
  trainingModule,
  reputationModule,
  rewardsModule,
  datanetsModule,
  lineageModule,
  disputesModule,
  govModule,
}
export { MsgSend, Coin, BankKeeper, BANK_ERRORS, moduleAddress, type MsgSendValue, type CoinValue } from './bank/index.js'
export { FEE_COLLECTOR }
export { AuthKeeper, AUTH_ERRORS } from './auth/index.js'
