import { accountGet, stateModuleQuery, stateQuery } from './state.js'
import { chainGenesis, chainGetBlock, chainGetBlockResults, chainGetCommit, chainGetValidators, chainHealth, chainStatus, netInfo } from './chain.js'
import { mempoolPending, txBroadcast, txGet, txSearch } from './tx.js'
import { rpcDiscover, subscribe, unsubscribe } from './subscriptions.js'
import { stakingDelegation, stakingDelegations, stakingParams, stakingPool, stakingRedelegations, stakingUnbondings, stakingValidator, stakingValidatorDelegations, stakingValidators } from './staking.js'
import { slashingParams, slashingSigningInfo, slashingSigningInfos } from './slashing.js'
import { rewardsParams, rewardsPayouts, rewardsPool, rewardsTotals, rewardsTreasury } from './rewards.js'
import { modelLatest, modelVersion, modelVersions, roundGet, roundRejectedUpdates, roundUpdates, subnetAllowList, subnetGet, subnetList, subnetMembers, subnetParams, trainingParams } from './training.js'
import { roundSecagg, subnetDpLedger } from './privacy.js'
import { contributionGetProof, contributionReceipt, contributionReceipts, reputationCommitments, reputationGet, reputationHistory, reputationList, reputationParams, reputationStandings } from './reputation.js'
import { datanetDeclarations, datanetGet, datanetGetRecordProof, datanetList, datanetParams, datanetRecord, datanetRecords, datanetVersion, datanetVersions } from './datanets.js'
import { lineageDiff, lineageGetAncestry, lineageGetContributors, lineageGetDescendants, lineageParams, lineageVersion, usageOwed, usagePool, usageReceipt, usageTotals } from './lineage.js'
import { govDeposits, govParams, govProposal, govProposals, govTally, govUpgradePlan, govAppliedUpgrades, govScope, govScopedProposal, govScopedProposals, govScopedTally, govVote, govVotes } from './gov.js'
import { distributionCommission, distributionCommunityPool, distributionOutstanding, distributionParams, distributionRewards, distributionWithdrawAddress } from './distribution.js'

/**
 * The core API by method name: what the server registers and what the client is typed by.
 * Module methods map onto module queries in src/rpc/handlers/modules.ts.
 */
export const FEDRA_API = {
  chain_status: chainStatus,
  chain_health: chainHealth,
  chain_getBlock: chainGetBlock,
  chain_getBlockResults: chainGetBlockResults,
  chain_getCommit: chainGetCommit,
  chain_getValidators: chainGetValidators,
  chain_genesis: chainGenesis,
  net_info: netInfo,
  tx_broadcast: txBroadcast,
  tx_get: txGet,
  tx_search: txSearch,
  mempool_pending: mempoolPending,
  state_query: stateQuery,
  state_moduleQuery: stateModuleQuery,
  account_get: accountGet,
  staking_validators: stakingValidators,
  staking_validator: stakingValidator,
  staking_delegation: stakingDelegation,
  staking_delegations: stakingDelegations,
  staking_validatorDelegations: stakingValidatorDelegations,
  staking_unbondings: stakingUnbondings,
  staking_redelegations: stakingRedelegations,
  staking_params: stakingParams,
  staking_pool: stakingPool,
  slashing_signingInfo: slashingSigningInfo,
  slashing_signingInfos: slashingSigningInfos,
  slashing_params: slashingParams,
  distribution_rewards: distributionRewards,
  distribution_commission: distributionCommission,
  distribution_outstanding: distributionOutstanding,
  distribution_communityPool: distributionCommunityPool,
  distribution_params: distributionParams,
  distribution_withdrawAddress: distributionWithdrawAddress,
  subnet_get: subnetGet,
  subnet_list: subnetList,
  subnet_members: subnetMembers,
  subnet_allowList: subnetAllowList,
  subnet_params: subnetParams,
  subnet_dpLedger: subnetDpLedger,
  round_get: roundGet,
  round_updates: roundUpdates,
  round_rejectedUpdates: roundRejectedUpdates,
  round_secagg: roundSecagg,
  model_version: modelVersion,
  model_versions: modelVersions,
  model_latest: modelLatest,
  training_params: trainingParams,
  reputation_params: reputationParams,
  reputation_get: reputationGet,
  reputation_list: reputationList,
  reputation_history: reputationHistory,
  reputation_commitments: reputationCommitments,
  reputation_standings: reputationStandings,
  contribution_receipt: contributionReceipt,
  contribution_receipts: contributionReceipts,
  contribution_getProof: contributionGetProof,
  rewards_params: rewardsParams,
  rewards_pool: rewardsPool,
  rewards_treasury: rewardsTreasury,
  rewards_payouts: rewardsPayouts,
  rewards_totals: rewardsTotals,
  datanet_params: datanetParams,
  datanet_get: datanetGet,
  datanet_list: datanetList,
  datanet_record: datanetRecord,
  datanet_records: datanetRecords,
  datanet_version: datanetVersion,
  datanet_versions: datanetVersions,
  datanet_getRecordProof: datanetGetRecordProof,
  datanet_declarations: datanetDeclarations,
  lineage_params: lineageParams,
  lineage_version: lineageVersion,
  lineage_getAncestry: lineageGetAncestry,
  lineage_getDescendants: lineageGetDescendants,
  lineage_getContributors: lineageGetContributors,
  lineage_diff: lineageDiff,
  usage_receipt: usageReceipt,
  usage_owed: usageOwed,
  usage_pool: usagePool,
  usage_totals: usageTotals,
  gov_params: govParams,
  gov_proposal: govProposal,
  gov_proposals: govProposals,
  gov_vote: govVote,
  gov_votes: govVotes,
  gov_deposits: govDeposits,
  gov_tally: govTally,
  gov_upgradePlan: govUpgradePlan,
  gov_appliedUpgrades: govAppliedUpgrades,
  gov_scope: govScope,
  gov_scopedProposal: govScopedProposal,
  gov_scopedProposals: govScopedProposals,
  gov_scopedTally: govScopedTally,
  subscribe,
  unsubscribe,
  'rpc.discover': rpcDiscover,
} as const

export type FedraApi = typeof FEDRA_API
export type FedraMethod = keyof FedraApi

export { StatusJson } from './chain.js'
export { STATE_PATH, Coins, stateKeyOf } from './state.js'
export { SUBSCRIPTION_KINDS, SubscriptionFilter } from './subscriptions.js'
export { MAX_TX_HEX_BYTES, TxSearchEvent } from './tx.js'
export { VALIDATOR_STATUSES } from './staking.js'
export { ROUND_PHASES } from './training.js'
export { receiptPath } from './reputation.js'
