import { t, type StructValue } from '../../codec/index.js'
import { Dec, type ModuleParams, ModuleError, bigintAt, boolAt, decAt, decType, genesisError, objectAt } from '../../state/index.js'
import { govError } from './errors.js'

export const GovParamsType = t.struct('GovParams', 2330, 1, {
  minDeposit: t.uint(),
  expeditedMinDeposit: t.uint(),
  maxDepositPeriod: t.u64,
  votingPeriod: t.u64,
  expeditedVotingPeriod: t.u64,
  quorum: decType,
  threshold: decType,
  vetoThreshold: decType,
  expeditedThreshold: decType,
  burnVoteQuorum: t.bool,
  burnProposalDepositPrevote: t.bool,
  burnVoteVeto: t.bool,
  minInitialDepositRatio: decType,
})
export type GovParamsValue = StructValue<typeof GovParamsType.fields>

const DAY = 86_400_000n
const MAX_AMOUNT = 2n ** 128n
/** About 292 million years of milliseconds: a period no block time overflows when added. */
const MAX_PERIOD = 2n ** 63n - 1n
const FIELDS = [
  'min_deposit',
  'expedited_min_deposit',
  'max_deposit_period',
  'voting_period',
  'expedited_voting_period',
  'quorum',
  'threshold',
  'veto_threshold',
  'expedited_threshold',
  'burn_vote_quorum',
  'burn_proposal_deposit_prevote',
  'burn_vote_veto',
  'min_initial_deposit_ratio',
] as const

/**
 * `app_state.gov.params` (x/gov v1's Params, periods in ms of block time, deposits in units of the
 * bond denomination; defaults are x/gov's):
 *   min_deposit                  total deposit that opens the voting period; "10000000" (10 FDR)
 *   expedited_min_deposit        the same for an expedited proposal, above min_deposit; "50000000"
 *   max_deposit_period           how long a proposal may gather deposits; "172800000" (2 days)
 *   voting_period                "172800000" (2 days)
 *   expedited_voting_period      below voting_period; "86400000" (1 day)
 *   quorum                       part of the bonded tokens that must vote (abstain counts); "0.334"
 *   threshold                    part of the non-abstaining power voting yes above which it passes; "0.5"
 *   veto_threshold               part of the voting power on no_with_veto above which it is vetoed; "0.334"
 *   expedited_threshold          threshold of an expedited proposal, above threshold; "0.667"
 *   burn_vote_quorum             burn the deposits of a proposal that missed quorum; false
 *   burn_proposal_deposit_prevote  burn the deposits of a proposal whose deposit period ended unfunded; false
 *   burn_vote_veto               burn the deposits of a vetoed proposal; true
 *   min_initial_deposit_ratio    the initial deposit must be at least this part of the minimum; [0, 1]; "0"
 * A devnet sets short periods here in genesis (e.g. "60000" for one minute).
 */
export const govParams: ModuleParams<GovParamsValue> = {
  schema: GovParamsType,
  defaults: {
    minDeposit: 10_000_000n,
    expeditedMinDeposit: 50_000_000n,
    maxDepositPeriod: 2n * DAY,
    votingPeriod: 2n * DAY,
    expeditedVotingPeriod: DAY,
    quorum: Dec.parse('0.334'),
    threshold: Dec.parse('0.5'),
    vetoThreshold: Dec.parse('0.334'),
    expeditedThreshold: Dec.parse('0.667'),
    burnVoteQuorum: false,
    burnProposalDepositPrevote: false,
    burnVoteVeto: true,
    minInitialDepositRatio: Dec.ZERO,
  },
  fromJson(json, path) {
    const body = objectAt(json, path)
    const d = govParams.defaults
    for (const key of Object.keys(body))
      if (!(FIELDS as readonly string[]).includes(key)) throw genesisError(`${path}.${key}`, 'no such gov param')
    const at = (field: string) => `${path}.${field}`
    const amount = (field: string, fallback: bigint) =>
      body[field] === undefined ? fallback : bigintAt(body[field], at(field), { min: 0n, max: MAX_AMOUNT })
    const period = (field: string, fallback: bigint) =>
      body[field] === undefined ? fallback : bigintAt(body[field], at(field), { min: 0n, max: MAX_PERIOD })
    const dec = (field: string, fallback: Dec) => (body[field] === undefined ? fallback : decAt(body[field], at(field)))
    const flag = (field: string, fallback: boolean) => (body[field] === undefined ? fallback : boolAt(body[field], at(field)))
    const value: GovParamsValue = {
      minDeposit: amount('min_deposit', d.minDeposit),
      expeditedMinDeposit: amount('expedited_min_deposit', d.expeditedMinDeposit),
      maxDepositPeriod: period('max_deposit_period', d.maxDepositPeriod),
      votingPeriod: period('voting_period', d.votingPeriod),
      expeditedVotingPeriod: period('expedited_voting_period', d.expeditedVotingPeriod),
      quorum: dec('quorum', d.quorum),
      threshold: dec('threshold', d.threshold),
      vetoThreshold: dec('veto_threshold', d.vetoThreshold),
      expeditedThreshold: dec('expedited_threshold', d.expeditedThreshold),
      burnVoteQuorum: flag('burn_vote_quorum', d.burnVoteQuorum),
      burnProposalDepositPrevote: flag('burn_proposal_deposit_prevote', d.burnProposalDepositPrevote),
      burnVoteVeto: flag('burn_vote_veto', d.burnVoteVeto),
      minInitialDepositRatio: dec('min_initial_deposit_ratio', d.minInitialDepositRatio),
    }
    try {
      govParams.validate(value)
    } catch (error) {
      if (!(error instanceof ModuleError)) throw error
      throw genesisError(`${path}.${String(error.context.param)}`, error.message)
    }
    return value
  },
  toJson: (p) => ({
    min_deposit: String(p.minDeposit),
    expedited_min_deposit: String(p.expeditedMinDeposit),
    max_deposit_period: String(p.maxDepositPeriod),
    voting_period: String(p.votingPeriod),
    expedited_voting_period: String(p.expeditedVotingPeriod),
    quorum: p.quorum.toString(),
    threshold: p.threshold.toString(),
    veto_threshold: p.vetoThreshold.toString(),
    expedited_threshold: p.expeditedThreshold.toString(),
    burn_vote_quorum: p.burnVoteQuorum,
    burn_proposal_deposit_prevote: p.burnProposalDepositPrevote,
    burn_vote_veto: p.burnVoteVeto,
    min_initial_deposit_ratio: p.minInitialDepositRatio.toString(),
  }),
  // x/gov v1 Params.ValidateBasic, periods in ms.
  validate(p) {
    const refuse = (param: string, why: string) => {
      throw govError('INVALID_PARAMS', `${param} ${why}`, { param })
    }
    const positiveUnit = (d: Dec) => d.gt(Dec.ZERO) && d.lte(Dec.ONE)
    if (p.minDeposit < 1n || p.minDeposit > MAX_AMOUNT) refuse('min_deposit', 'must lie in [1, 2^128]')
    if (p.expeditedMinDeposit <= p.minDeposit || p.expeditedMinDeposit > MAX_AMOUNT)
      refuse('expedited_min_deposit', 'must exceed min_deposit (and be at most 2^128)')
    for (const [param, value] of [
      ['max_deposit_period', p.maxDepositPeriod],
      ['voting_period', p.votingPeriod],
      ['expedited_voting_period', p.expeditedVotingPeriod],
    ] as const) {
      if (value < 1n || value > MAX_PERIOD) refuse(param, 'must lie in [1, 2^63 − 1] ms')
    }
    if (p.expeditedVotingPeriod >= p.votingPeriod) refuse('expedited_voting_period', 'must be shorter than voting_period')
    if (p.quorum.isNegative() || p.quorum.gt(Dec.ONE)) refuse('quorum', 'must lie in [0, 1]')
    if (!positiveUnit(p.threshold)) refuse('threshold', 'must lie in (0, 1]')
    if (!positiveUnit(p.vetoThreshold)) refuse('veto_threshold', 'must lie in (0, 1]')
    if (!positiveUnit(p.expeditedThreshold)) refuse('expedited_threshold', 'must lie in (0, 1]')
    if (p.expeditedThreshold.lte(p.threshold)) refuse('expedited_threshold', 'must exceed threshold')
    if (p.minInitialDepositRatio.isNegative() || p.minInitialDepositRatio.gt(Dec.ONE))
      refuse('min_initial_deposit_ratio', 'must lie in [0, 1]')
  },
}

/** The deposit that opens a proposal's voting period. */
export const minDepositOf = (p: GovParamsValue, expedited: boolean): bigint => (expedited ? p.expeditedMinDeposit : p.minDeposit)

/** The voting period of a proposal. */
export const votingPeriodOf = (p: GovParamsValue, expedited: boolean): bigint => (expedited ? p.expeditedVotingPeriod : p.votingPeriod)
