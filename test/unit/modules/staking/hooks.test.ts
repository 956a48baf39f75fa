import assert from 'node:assert/strict'
import { STAKING, type SlashingStakingKeeper } from '../../../../src/modules/slashing/expected-keepers.js'
import { STAKING as DISTRIBUTION_STAKING, type DistributionStakingKeeper } from '../../../../src/modules/distribution/expected-keepers.js'
import { type Bonds, STAKING_HOOKS, type StakingHooks, type StakingKeeper } from '../../../../src/modules/staking/index.js'
import { type Module, expectKeeper, implementHooks } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { Harness, MILLION, UNBONDING, addr, coin, consAddr, dec, testKey } from './harness.js'

// The keeper satisfies every contract by type (the registry checks the methods at build).
export type KeeperMeetsContracts = StakingKeeper extends SlashingStakingKeeper & DistributionStakingKeeper & Bonds ? true : never
const meets: KeeperMeetsContracts = true
void meets

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').slice(0, 6)
const calls: string[] = []
const BONDS = expectKeeper<Bonds>('staking', { bond: true, beginUnbond: true, slashBond: true, bondedAmount: true, unbondingAmount: true })

/** Records every staking hook, and declares every contract's methods (so the registry checks the keeper has them all). */
const recorder: Module<null> = {
  name: 'recorder',
  expects: [STAKING, DISTRIBUTION_STAKING, BONDS],
  messages: [],
  queries: {},
  keeper: () => null,
  genesis: { validate: () => ({}), init: () => undefined, export: () => ({}) },
  invariants: {},
  hooks: [
    implementHooks(STAKING_HOOKS, (): StakingHooks => {
      const rec =
        (name: string) =>
        (...args: unknown[]) =>
          void calls.push(`${name}(${args.map((a) => (a instanceof Uint8Array ? hex(a) : String(a))).join(',')})`)
      return {
        afterValidatorCreated: rec('afterValidatorCreated'),
        afterValidatorBonded: rec('afterValidatorBonded'),
        afterValidatorBeginUnbonding: rec('afterValidatorBeginUnbonding'),
        afterValidatorRemoved: rec('afterValidatorRemoved'),
        beforeDelegationCreated: rec('beforeDelegationCreated'),
        beforeDelegationSharesModified: rec('beforeDelegationSharesModified'),
        beforeDelegationRemoved: rec('beforeDelegationRemoved'),
        afterDelegationModified: rec('afterDelegationModified'),
        beforeValidatorSlashed: rec('beforeValidatorSlashed'),
      }
    }),
  ],
}

describe('staking hooks and contracts', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('fires the StakingHooks where x/staking does, and another module reaches the keeper through the slashing contract', async () => {
    const h = await Harness.open(dirs.next(), {}, 8, [recorder], { hooks: [{ point: STAKING_HOOKS, subscriber: 'recorder' }] })
    const [v, d, c] = [hex(addr(0)), hex(addr(5)), hex(consAddr(0))]
    calls.length = 0
    h.createValidator(0, 10n * MILLION)
    assert.deepEqual(calls.splice(0), [
      `afterValidatorCreated(${v})`,
      `beforeDelegationCreated(${v},${v})`,
      `afterDelegationModified(${v},${v})`,
    ])
    h.endBlock()
    assert.deepEqual(calls.splice(0), [`afterValidatorBonded(${c},${v})`])
    h.tx((k) => k.delegate(addr(5), addr(0), coin(MILLION)))
    h.tx((k) => k.delegate(addr(5), addr(0), coin(MILLION)))
    assert.deepEqual(calls.splice(0), [
      `beforeDelegationCreated(${d},${v})`,
      `afterDelegationModified(${d},${v})`,
      `beforeDelegationSharesModified(${d},${v})`,
      `afterDelegationModified(${d},${v})`,
    ])
    h.tx((k) => k.undelegate(addr(5), addr(0), coin(2n * MILLION)))
    assert.deepEqual(calls.splice(0), [`beforeDelegationSharesModified(${d},${v})`, `beforeDelegationRemoved(${d},${v})`])
    // Slashing's view of the keeper, through its declared contract.
    const slashing = h.ctx('recorder').keeper(STAKING) as SlashingStakingKeeper
    assert.equal(slashing.powerReduction(), MILLION)
    assert.equal(slashing.validatorByConsensusAddress(consAddr(0))!.tokens, 10n * MILLION)
    slashing.slash(consAddr(0), h.height, 10n, dec('0.1'))
    assert.deepEqual(calls.splice(0), [`beforeValidatorSlashed(${v},0.1)`])
    slashing.jail(consAddr(0))
    h.endBlock()
    assert.deepEqual(calls.splice(0), [`afterValidatorBeginUnbonding(${c},${v})`])
    h.endBlock(UNBONDING)
    h.endBlock()
    assert.equal(h.keeper.validator(addr(0))!.status, 'unbonded')
    h.tx((k) => k.undelegate(addr(0), addr(0), coin(9n * MILLION)))
    assert.deepEqual(calls.splice(0), [
      `beforeDelegationSharesModified(${v},${v})`,
      `beforeDelegationRemoved(${v},${v})`,
      `afterValidatorRemoved(${c},${v})`,
    ])
    // Bonds another module makes carry its name.
    const bonds = h.ctx('recorder').keeper(BONDS)
    bonds.bond(addr(6), 'x', 10n)
    assert.deepEqual(
      [...h.keeper.allBonds()].map((b) => b.purpose),
      ['recorder:x'],
    )
    assert.equal(testKey(6).publicKey.address.startsWith('fedra1'), true)
    await h.close()
  })
})
