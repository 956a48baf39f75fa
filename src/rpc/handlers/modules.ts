import { FEDRA_API, type FedraApi } from '../api/index.js'
import type { Handler, MethodTable } from '../method.js'
import type { HandlerDeps } from './deps.js'

type ModuleMethod = {
  [M in keyof FedraApi]: M extends `${'staking' | 'slashing' | 'distribution' | 'subnet' | 'round' | 'model' | 'training' | 'reputation' | 'contribution' | 'rewards' | 'datanet' | 'lineage' | 'usage' | 'gov' | 'dispute'}_${string}`
    ? M extends 'contribution_getProof'
      ? never
      : M
    : never
}[keyof FedraApi]

/** Each module method (staking_, slashing_, distribution_, subnet_, round_, model_, training_, reputation_, contribution_, rewards_, datanet_, lineage_, usage_, gov_, dispute_) and the module query that answers it. */
export const MODULE_QUERIES: { readonly [M in ModuleMethod]: readonly [module: string, query: string] } = {
  staking_validators: ['staking', 'validators'],
  staking_validator: ['staking', 'validator'],
  staking_delegation: ['staking', 'delegation'],
  staking_delegations: ['staking', 'delegations'],
  staking_validatorDelegations: ['staking', 'validatorDelegations'],
  staking_unbondings: ['staking', 'unbondings'],
  staking_redelegations: ['staking', 'redelegations'],
  staking_params: ['staking', 'params'],
  staking_pool: ['staking', 'pool'],
  slashing_signingInfo: ['slashing', 'signingInfo'],
  slashing_signingInfos: ['slashing', 'signingInfos'],
  slashing_params: ['slashing', 'params'],
  distribution_rewards: ['distribution', 'rewards'],
  distribution_commission: ['distribution', 'commission'],
  distribution_outstanding: ['distribution', 'outstanding'],
  distribution_communityPool: ['distribution', 'communityPool'],
  distribution_params: ['distribution', 'params'],
  distribution_withdrawAddress: ['distribution', 'withdrawAddress'],
  subnet_get: ['subnets', 'subnet'],
  subnet_list: ['subnets', 'subnets'],
  subnet_members: ['subnets', 'members'],
  subnet_allowList: ['subnets', 'allowList'],
  subnet_params: ['subnets', 'params'],
  subnet_dpLedger: ['training', 'dpLedger'],
  subnet_envelopeKeys: ['training', 'envelopeKeys'],
  round_get: ['training', 'round'],
  round_updates: ['training', 'updates'],
  round_rejectedUpdates: ['training', 'rejectedUpdates'],
  round_secagg: ['training', 'secaggRound'],
  model_version: ['training', 'version'],
  model_versions: ['training', 'versions'],
  model_latest: ['training', 'latestVersion'],
  training_params: ['training', 'params'],
  reputation_params: ['reputation', 'params'],
  reputation_get: ['reputation', 'reputation'],
  reputation_list: ['reputation', 'reputations'],
  reputation_history: ['reputation', 'history'],
  reputation_commitments: ['reputation', 'commitments'],
  reputation_standings: ['reputation', 'standings'],
  contribution_receipt: ['reputation', 'receipt'],
  contribution_receipts: ['reputation', 'receipts'],
  rewards_params: ['rewards', 'params'],
  rewards_pool: ['rewards', 'pool'],
  rewards_treasury: ['rewards', 'treasury'],
  rewards_payouts: ['rewards', 'payouts'],
  rewards_totals: ['rewards', 'totals'],
  datanet_params: ['datanets', 'params'],
  datanet_get: ['datanets', 'datanet'],
  datanet_list: ['datanets', 'datanets'],
  datanet_record: ['datanets', 'record'],
  datanet_records: ['datanets', 'records'],
  datanet_version: ['datanets', 'version'],
  datanet_versions: ['datanets', 'versions'],
  datanet_getRecordProof: ['datanets', 'record_proof'],
  datanet_declarations: ['datanets', 'declarations'],
  lineage_params: ['lineage', 'params'],
  lineage_version: ['lineage', 'version'],
  lineage_getAncestry: ['lineage', 'ancestry'],
  lineage_getDescendants: ['lineage', 'descendants'],
  lineage_getContributors: ['lineage', 'contributors'],
  lineage_diff: ['lineage', 'diff'],
  usage_receipt: ['lineage', 'receipt'],
  usage_owed: ['lineage', 'owed'],
  usage_pool: ['lineage', 'pool'],
  usage_totals: ['lineage', 'totals'],
  gov_params: ['gov', 'params'],
  gov_proposal: ['gov', 'proposal'],
  gov_proposals: ['gov', 'proposals'],
  gov_vote: ['gov', 'vote'],
  gov_votes: ['gov', 'votes'],
  gov_deposits: ['gov', 'deposits'],
  gov_tally: ['gov', 'tally'],
  gov_upgradePlan: ['gov', 'upgrade_plan'],
  gov_appliedUpgrades: ['gov', 'applied_upgrades'],
  gov_scope: ['gov', 'scope'],
  gov_scopedProposal: ['gov', 'scoped_proposal'],
  gov_scopedProposals: ['gov', 'scoped_proposals'],
  gov_scopedTally: ['gov', 'scoped_tally'],
  dispute_get: ['disputes', 'dispute'],
  dispute_list: ['disputes', 'list'],
}

/**
 * The module methods: the params (already validated by the
 * method's schema) go to the module query as they are, and the answer comes back with the
 * latest committed height beside it (the height of the state it was read from). A module's refusal (UNKNOWN_VALIDATOR, NO_DELEGATION…)
 * is QUERY_FAILED with its codespace and code (dispatcher toRpcError).
 */
export function registerModuleMethods(table: MethodTable, { backend }: HandlerDeps): void {
  for (const name of Object.keys(MODULE_QUERIES) as ModuleMethod[]) {
    const [module, query] = MODULE_QUERIES[name]
    const handler = async (params: Record<string, unknown>) => {
      // The query reads the latest state: a height seen before and after it is the one it read
      // (a block committed in between makes it read again, a few times at most).
      let before = (await backend.status()).latestHeight
      for (let attempt = 0; ; attempt++) {
        const answer = (await backend.queryApp(module, query, params)) as Record<string, unknown>
        const after = (await backend.status()).latestHeight
        if (after === before || attempt === 2) return { height: after, ...answer }
        before = after
      }
    }
    table.add(FEDRA_API[name], handler as unknown as Handler<FedraApi[typeof name]>)
  }
}
