import { t, type StructValue } from '../../codec/index.js'
import { Dec, type ModuleParams, bigintAt, decType, genesisError, objectAt, decAt } from '../../state/index.js'
import { distributionError } from './errors.js'

export const DistributionParamsType = t.struct('DistributionParams', 2220, 1, {
  communityTax: decType,
  baseProposerReward: decType,
  bonusProposerReward: decType,
  /** Units of the bond denomination minted at each begin-block that allocates. */
  emissionPerBlock: t.uint(),
  withdrawAddrEnabled: t.bool,
})
export type DistributionParamsValue = StructValue<typeof DistributionParamsType.fields>

const FIELDS = ['community_tax', 'base_proposer_reward', 'bonus_proposer_reward', 'emission_per_block', 'withdraw_addr_enabled'] as const

/**
 * `app_state.distribution.params`: `community_tax` ("0.02"), `base_proposer_reward` ("0.01"),
 * `bonus_proposer_reward` ("0.04"), `emission_per_block` (decimal string of units of the bond
 * denomination, "0"), `withdraw_addr_enabled` (true). Each rate lies in [0, 1] and the three
 * together are at most 1 (what is left goes to the validators of the last commit).
 */
export const distributionParams: ModuleParams<DistributionParamsValue> = {
  schema: DistributionParamsType,
  defaults: {
    communityTax: Dec.parse('0.02'),
    baseProposerReward: Dec.parse('0.01'),
    bonusProposerReward: Dec.parse('0.04'),
    emissionPerBlock: 0n,
    withdrawAddrEnabled: true,
  },
  fromJson(json, path) {
    const body = objectAt(json, path)
    for (const key of Object.keys(body))
      if (!(FIELDS as readonly string[]).includes(key)) throw genesisError(`${path}.${key}`, 'no such distribution param')
    const d = distributionParams.defaults
    const enabled = body.withdraw_addr_enabled
    if (enabled !== undefined && typeof enabled !== 'boolean') throw genesisError(`${path}.withdraw_addr_enabled`, 'must be true or false')
    return {
      communityTax: body.community_tax === undefined ? d.communityTax : decAt(body.community_tax, `${path}.community_tax`),
      baseProposerReward:
        body.base_proposer_reward === undefined ? d.baseProposerReward : decAt(body.base_proposer_reward, `${path}.base_proposer_reward`),
      bonusProposerReward:
        body.bonus_proposer_reward === undefined
          ? d.bonusProposerReward
          : decAt(body.bonus_proposer_reward, `${path}.bonus_proposer_reward`),
      emissionPerBlock:
        body.emission_per_block === undefined
          ? d.emissionPerBlock
          : bigintAt(body.emission_per_block, `${path}.emission_per_block`, { min: 0n, max: 2n ** 128n }),
      withdrawAddrEnabled: enabled ?? d.withdrawAddrEnabled,
    }
  },
  toJson: (p) => ({
    community_tax: p.communityTax.toString(),
    base_proposer_reward: p.baseProposerReward.toString(),
    bonus_proposer_reward: p.bonusProposerReward.toString(),
    emission_per_block: String(p.emissionPerBlock),
    withdraw_addr_enabled: p.withdrawAddrEnabled,
  }),
  validate(p) {
    for (const [name, rate] of [
      ['community_tax', p.communityTax],
      ['base_proposer_reward', p.baseProposerReward],
      ['bonus_proposer_reward', p.bonusProposerReward],
    ] as const) {
      if (rate.isNegative() || rate.gt(Dec.ONE))
        throw distributionError('INVALID_PARAMS', `${name} ${rate.toString()} is not within [0, 1]`, { param: name })
    }
    const sum = p.communityTax.add(p.baseProposerReward).add(p.bonusProposerReward)
    if (sum.gt(Dec.ONE))
      throw distributionError(
        'INVALID_PARAMS',
        `community_tax + base_proposer_reward + bonus_proposer_reward = ${sum.toString()} exceeds 1`,
        {},
      )
    if (p.emissionPerBlock < 0n)
      throw distributionError('INVALID_PARAMS', 'emission_per_block is negative', { param: 'emission_per_block' })
  },
}
