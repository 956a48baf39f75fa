import { Dec, type Context, type Module } from '../../../../src/state/index.js'
import type { SlashingStakingKeeper } from '../../../../src/modules/slashing/expected-keepers.js'
import { STAKING_HOOKS } from '../../../../src/modules/staking/hooks.js'
import type { DelegationView, ValidatorView } from '../../../../src/modules/staking/views.js'

const id = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

export interface SlashCall {
  consensusAddress: string
  infractionHeight: number
  power: bigint
  fraction: string
}

/**
 * Test-only staking: validators and self-delegations in plain maps (not the store), every
 * slash, jail and unjail recorded, and afterValidatorBonded / afterValidatorRemoved fired
 * through the real hook point so slashing's subscription runs as it will with x/staking.
 */
export class FakeStaking {
  readonly validators = new Map<string, ValidatorView>()
  readonly delegations = new Map<string, DelegationView>()
  readonly slashes: SlashCall[] = []
  readonly jails: string[] = []
  readonly unjails: string[] = []
  readonly powerReductionValue = 1_000_000n

  readonly module: Module<SlashingStakingKeeper> = {
    name: 'staking',
    messages: [],
    queries: {},
    genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
    keeper: () => this.keeper(),
    invariants: {},
  }

  byConsensus(consensusAddress: Uint8Array): ValidatorView | undefined {
    return [...this.validators.values()].find((v) => id(v.consensusAddress) === id(consensusAddress))
  }

  keeper(): SlashingStakingKeeper {
    return {
      validatorByConsensusAddress: (address) => this.#copy(this.byConsensus(address)),
      validator: (operator) => this.#copy(this.validators.get(id(operator))),
      delegation: (delegator, operator) => this.delegations.get(`${id(delegator)}/${id(operator)}`),
      slash: (address, infractionHeight, power, fraction) => {
        this.slashes.push({ consensusAddress: id(address), infractionHeight, power, fraction: fraction.toString() })
        const validator = this.byConsensus(address)
        if (validator === undefined) return 0n
        const burned = fraction.mulInt(power * this.powerReductionValue).truncate()
        const taken = burned > validator.tokens ? validator.tokens : burned
        validator.tokens -= taken
        return taken
      },
      jail: (address) => {
        this.jails.push(id(address))
        const validator = this.byConsensus(address)
        if (validator !== undefined) validator.jailed = true
      },
      unjail: (address) => {
        this.unjails.push(id(address))
        const validator = this.byConsensus(address)
        if (validator !== undefined) validator.jailed = false
      },
      powerReduction: () => this.powerReductionValue,
    }
  }

  #copy(validator: ValidatorView | undefined): ValidatorView | undefined {
    return validator === undefined ? undefined : { ...validator }
  }

  /** Adds a bonded validator with a self-delegation of all its tokens, and fires afterValidatorBonded in `ctx` (the framework's). */
  bond(ctx: Context, operator: Uint8Array, consensusAddress: Uint8Array, tokens: bigint, minSelfDelegation = 1n): ValidatorView {
    const validator: ValidatorView = {
      operator,
      consensusAddress,
      consensusPubKey: new Uint8Array(32).fill(consensusAddress[0]!),
      moniker: `v-${id(operator).slice(0, 6)}`,
      status: 'bonded',
      jailed: false,
      tokens,
      delegatorShares: Dec.fromInt(tokens),
      commissionRate: Dec.parse('0.1'),
      minSelfDelegation,
    }
    this.validators.set(id(operator), validator)
    this.delegations.set(`${id(operator)}/${id(operator)}`, { delegator: operator, validator: operator, shares: Dec.fromInt(tokens) })
    ctx.forModule('staking').hooks(STAKING_HOOKS).afterValidatorBonded(consensusAddress, operator)
    return validator
  }

  /** Deletes the validator and fires afterValidatorRemoved. */
  remove(ctx: Context, operator: Uint8Array): void {
    const validator = this.validators.get(id(operator))!
    this.validators.delete(id(operator))
    ctx.forModule('staking').hooks(STAKING_HOOKS).afterValidatorRemoved(validator.consensusAddress, operator)
  }

  get(operator: Uint8Array): ValidatorView {
    return this.validators.get(id(operator))!
  }
}
