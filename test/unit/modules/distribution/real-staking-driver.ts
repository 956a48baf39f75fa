import { t, type StructValue } from '../../../../src/codec/index.js'
import { decodeAddress } from '../../../../src/crypto/index.js'
import {
  MsgCreateValidator,
  MsgDelegate,
  MsgUndelegate,
  STAKING_MODULE_ACCOUNTS,
  consensusAddressOf,
  stakingModule,
} from '../../../../src/modules/staking/index.js'
import { Dec, type MessageHandler, type Module, expectKeeper } from '../../../../src/state/index.js'
import { testKey } from '../../../helpers/chain.js'
import { type DistributionChain, addressOf } from './harness.js'
import type { StakingDriver } from './reference-model.js'

/**
 * The same 52-block reference scenario against the real x/staking port. Slashes come from a
 * test-only `slasher` module calling staking's keeper as slashing will (infraction at the current
 * height, power = tokens with power_reduction 1, so the fraction is of the validator's tokens).
 */
const MsgTestSlash = t.struct('test/MsgTestSlash', 975, 1, {
  consensusAddress: t.fixedBytes(20),
  power: t.uint(),
  fraction: t.string({ max: 40 }),
})
const SLASHING_STAKING = expectKeeper<{
  slash(consensusAddress: Uint8Array, infractionHeight: number, power: bigint, fraction: Dec): bigint
}>('staking', { slash: true })
const slasherModule: Module<null> = {
  name: 'slasher',
  expects: [SLASHING_STAKING],
  messages: [
    {
      type: MsgTestSlash,
      handle: (ctx, m: StructValue<typeof MsgTestSlash.fields>) =>
        void ctx.keeper(SLASHING_STAKING).slash(m.consensusAddress, ctx.block.height, m.power, Dec.parse(m.fraction)),
    } satisfies MessageHandler,
  ],
  queries: {},
  genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
  keeper: () => null,
  invariants: {},
}

export const BOND = 'ustake'
const consensusKey = (i: number) => testKey(100 + i).publicKey.bytes
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

export function snapshot(chain: DistributionChain) {
  const list = (chain.query('staking', 'validators') as { validators: any[] }).validators
  const validators = list.map((v) => ({
    operator: hex(decodeAddress(v.operator, 'fedravaloper')),
    consensusAddress: hex(decodeAddress(v.consensus_address)),
    tokens: BigInt(v.tokens),
    shares: Dec.parse(v.delegator_shares).raw,
    commissionRate: Dec.parse(v.commission.rate),
  }))
  const delegations = list.flatMap((v) =>
    (chain.query('staking', 'validatorDelegations', { validator: v.operator }) as { delegations: any[] }).delegations.map((d) => ({
      delegator: hex(decodeAddress(d.delegator)),
      validator: hex(decodeAddress(d.validator, 'fedravaloper')),
      shares: Dec.parse(d.shares).raw,
    })),
  )
  return { validators, delegations }
}

export const realDriver = (): StakingDriver => ({
  options: {
    staking: stakingModule,
    extraModules: [slasherModule],
    stakingAccounts: STAKING_MODULE_ACCOUNTS,
    bondDenom: BOND,
    appState: { staking: { params: { bond_denom: BOND, power_reduction: '1', unbonding_time: '1000000' } } },
  },
  bondDenom: BOND,
  consensusAddress: (i) => consensusAddressOf(consensusKey(i)),
  createValidator: (chain, i, commissionRate, amount) =>
    chain.tx(i, [
      {
        type: MsgCreateValidator,
        value: {
          pubKey: consensusKey(i),
          moniker: `v${i}`,
          commissionRate: Dec.parse(commissionRate),
          commissionMaxRate: Dec.ONE,
          commissionMaxChangeRate: Dec.parse('0.01'),
          minSelfDelegation: 1n,
          value: { denom: BOND, amount },
        },
      },
    ]),
  delegate: (chain, delegator, validator, amount) =>
    chain.tx(
      delegator,
      [{ type: MsgDelegate, value: { validator: addressOf(validator), amount: { denom: BOND, amount } } }],
      250n + (amount % 500n),
    ),
  undelegate: (chain, delegator, validator, amount) => {
    // staking refuses more than the delegation is worth (the fake caps): ask for at most its worth
    const { validators, delegations } = snapshot(chain)
    const v = validators.find((x) => x.operator === hex(addressOf(validator)))!
    const d = delegations.find((x) => x.validator === v.operator && x.delegator === hex(addressOf(delegator)))!
    const worth = (v.tokens * d.shares) / v.shares
    return chain.tx(
      delegator,
      [
        {
          type: MsgUndelegate,
          value: { validator: addressOf(validator), amount: { denom: BOND, amount: amount < worth ? amount : worth } },
        },
      ],
      260n + (amount % 300n),
    )
  },
  slash: (chain, validator, fraction) => {
    const v = snapshot(chain).validators.find((x) => x.operator === hex(addressOf(validator)))!
    return chain.tx(20, [
      { type: MsgTestSlash, value: { consensusAddress: consensusAddressOf(consensusKey(validator)), power: v.tokens, fraction } },
    ])
  },
  snapshot,
})
