import assert from 'node:assert/strict'
import { SLASHING_ERRORS, type SlashingErrorCode } from '../../../../src/modules/slashing/index.js'
import { Dec, ModuleError } from '../../../../src/state/index.js'
import { SlashingChain, consensusOf, eventsOf, hexOf, operatorOf, timeAt } from './harness.js'

const WINDOW = { signedBlocksWindow: 10n, minSignedPerWindow: Dec.parse('0.5') }
const refusedWith = (code: SlashingErrorCode, message: RegExp) => (e: unknown) =>
  e instanceof ModuleError &&
  e.code === code &&
  e.context.numericCode === SLASHING_ERRORS[code] &&
  e.context.codespace === 'slashing' &&
  message.test(e.message)

/** Validator 0 jailed for downtime at height 17, until timeAt(17) + 600 s. */
function jailed(minSelfDelegation = 1n): SlashingChain {
  const chain = new SlashingChain(WINDOW)
  chain.bond(0, undefined, minSelfDelegation)
  chain.blocks(10)
  chain.blocks(6, { missing: [0] })
  assert.equal(chain.staking.get(operatorOf(0)).jailed, true)
  return chain
}
const RELEASE = timeAt(17) + 600_000n

describe('MsgUnjail (x/slashing Unjail)', () => {
  it('lets a validator back once its jail period is over', () => {
    const chain = jailed()
    const events = chain.unjail(0, RELEASE)
    assert.deepEqual(chain.staking.unjails, [hexOf(consensusOf(0))])
    assert.equal(chain.staking.get(operatorOf(0)).jailed, false)
    assert.equal(eventsOf(events, 'unjail').length, 1)
  })

  it('refuses a signer that operates no validator (NO_VALIDATOR)', () => {
    const chain = jailed()
    assert.throws(() => chain.unjail(5, RELEASE), refusedWith('NO_VALIDATOR', /operates no validator/))
  })

  it('refuses a validator without a self-delegation (MISSING_SELF_DELEGATION)', () => {
    const chain = jailed()
    chain.staking.delegations.clear()
    assert.throws(() => chain.unjail(0, RELEASE), refusedWith('MISSING_SELF_DELEGATION', /no self-delegation/))
  })

  it('refuses a self-delegation worth less than min_self_delegation (SELF_DELEGATION_TOO_LOW)', () => {
    const chain = jailed(9_950_000n) // 10,000,000 tokens less the 1 % downtime slash: 9,900,000
    assert.throws(() => chain.unjail(0, RELEASE), refusedWith('SELF_DELEGATION_TOO_LOW', /9900000, below its min_self_delegation 9950000/))
  })

  it('accepts a self-delegation worth exactly min_self_delegation', () => {
    const chain = jailed(9_900_000n)
    chain.unjail(0, RELEASE)
    assert.equal(chain.staking.unjails.length, 1)
  })

  it('refuses a validator that is not jailed (VALIDATOR_NOT_JAILED)', () => {
    const chain = jailed()
    chain.bond(1)
    assert.throws(() => chain.unjail(1, RELEASE), refusedWith('VALIDATOR_NOT_JAILED', /is not jailed/))
  })

  it('refuses a validator still inside its jail period (VALIDATOR_STILL_JAILED)', () => {
    const chain = jailed()
    assert.throws(() => chain.unjail(0, RELEASE - 1n), refusedWith('VALIDATOR_STILL_JAILED', new RegExp(`jailed until ${RELEASE}`)))
    assert.equal(chain.staking.unjails.length, 0)
  })

  it('refuses a tombstoned validator for ever (VALIDATOR_TOMBSTONED)', () => {
    const chain = jailed()
    chain.block({ evidence: [chain.evidence(0, 16)] })
    assert.throws(() => chain.unjail(0, 2n ** 63n), refusedWith('VALIDATOR_TOMBSTONED', /can never be unjailed/))
  })

  it('after unjailing, the validator starts a fresh count: 5 more misses do not jail it again', () => {
    const chain = jailed()
    chain.unjail(0, RELEASE)
    chain.blocks(5, { missing: [0] })
    assert.equal(chain.staking.jails.length, 1)
    chain.block({ missing: [0] })
    assert.equal(chain.staking.jails.length, 2)
  })
})
