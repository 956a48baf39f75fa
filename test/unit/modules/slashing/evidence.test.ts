import assert from 'node:assert/strict'
import { JAILED_FOREVER, signingInfoKey } from '../../../../src/modules/slashing/index.js'
import { Dec } from '../../../../src/state/index.js'
import { POWER, SlashingChain, consensusOf, eventsOf, hexOf } from './harness.js'

const WINDOW = { signedBlocksWindow: 10n, minSignedPerWindow: Dec.parse('0.5') }

function chainAt(height: number): SlashingChain {
  const chain = new SlashingChain(WINDOW)
  chain.bond(0)
  chain.bond(1)
  chain.blocks(height - 1)
  return chain
}

describe('slashing double-sign evidence (x/evidence HandleEquivocationEvidence)', () => {
  it('slashes slash_fraction_double_sign with the power at the offence, at the height the offending set was chosen', () => {
    const chain = chainAt(20)
    chain.block({ evidence: [chain.evidence(0, 18, 7n)] })
    assert.deepEqual(chain.staking.slashes, [
      { consensusAddress: hexOf(consensusOf(0)), infractionHeight: 17, power: 7n, fraction: '0.05' },
    ])
  })

  it('jails and tombstones the offender: jailed until the end of time', () => {
    const chain = chainAt(20)
    const events = chain.block({ evidence: [chain.evidence(0, 18)] })
    assert.deepEqual(chain.staking.jails, [hexOf(consensusOf(0))])
    assert.equal(chain.info(0).tombstoned, true)
    assert.equal(chain.info(0).jailed_until, String(JAILED_FOREVER))
    assert.deepEqual(
      eventsOf(events, 'slash').map((e) => [e.reason, e.power, e.infraction_height]),
      [['double_sign', String(POWER), '17']],
    )
    assert.equal(eventsOf(events, 'tombstone').length, 1)
  })

  it('slashes and tombstones a validator already jailed for downtime without jailing it twice', () => {
    const chain = chainAt(11)
    chain.blocks(6, { missing: [0] })
    assert.equal(chain.staking.jails.length, 1)
    chain.block({ evidence: [chain.evidence(0, 15)] })
    assert.equal(chain.staking.jails.length, 1)
    assert.deepEqual(
      chain.staking.slashes.map((s) => s.fraction),
      ['0.01', '0.05'],
    )
    assert.equal(chain.info(0).tombstoned, true)
  })

  it('counts a second piece of evidence against the same validator once, in the same block or later', () => {
    const chain = chainAt(20)
    const events = chain.block({ evidence: [chain.evidence(0, 18), chain.evidence(0, 19)] })
    assert.deepEqual(
      eventsOf(events, 'evidence_refused').map((e) => e.reason),
      ['ALREADY_TOMBSTONED'],
    )
    const later = chain.block({ evidence: [chain.evidence(0, 20)] })
    assert.deepEqual(
      eventsOf(later, 'evidence_refused').map((e) => [e.reason, e.infraction_height]),
      [['ALREADY_TOMBSTONED', '20']],
    )
    assert.equal(chain.staking.slashes.length, 1)
  })

  it('refuses evidence older than evidence max age (in blocks) as EVIDENCE_TOO_OLD, accepts it at exactly the max age', () => {
    const chain = chainAt(200)
    chain.evidenceMaxAge = 100
    const old = chain.block({ evidence: [chain.evidence(0, 100)] }) // at 201: age 101
    assert.deepEqual(eventsOf(old, 'evidence_refused'), [
      { address: eventsOf(old, 'evidence_refused')[0]!.address, infraction_height: '100', reason: 'EVIDENCE_TOO_OLD' },
    ])
    assert.equal(chain.staking.slashes.length, 0)
    assert.equal(chain.info(0).tombstoned, false)
    chain.block({ evidence: [chain.evidence(0, 102)] }) // at 202: age 100
    assert.equal(chain.info(0).tombstoned, true)
  })

  it('refuses evidence against a consensus address staking does not know as UNKNOWN_VALIDATOR', () => {
    const chain = chainAt(20)
    const stranger = { kind: 'duplicate-vote' as const, validator: new Uint8Array(20).fill(0xee), height: 19, power: 5n, totalPower: 40n }
    const events = chain.block({ evidence: [stranger] })
    assert.deepEqual(
      eventsOf(events, 'evidence_refused').map((e) => e.reason),
      ['UNKNOWN_VALIDATOR'],
    )
    assert.equal(chain.staking.slashes.length, 0)
  })

  it('refuses evidence against an unbonded validator as VALIDATOR_UNBONDED', () => {
    const chain = chainAt(20)
    chain.staking.byConsensus(consensusOf(0))!.status = 'unbonded'
    const events = chain.block({ evidence: [chain.evidence(0, 19)] })
    assert.deepEqual(
      eventsOf(events, 'evidence_refused').map((e) => e.reason),
      ['VALIDATOR_UNBONDED'],
    )
  })

  it('refuses evidence against a validator slashing never saw bonded as NO_SIGNING_INFO', () => {
    const chain = chainAt(20)
    const v = chain.staking.bond(chain.context(), new Uint8Array(20).fill(0x51), new Uint8Array(20).fill(0x52), 10n)
    chain.slashingContext().moduleStore().delete(signingInfoKey(v.consensusAddress))
    const events = chain.block({
      evidence: [{ kind: 'duplicate-vote', validator: v.consensusAddress, height: 19, power: 10n, totalPower: 50n }],
    })
    assert.deepEqual(
      eventsOf(events, 'evidence_refused').map((e) => e.reason),
      ['NO_SIGNING_INFO'],
    )
    assert.equal(chain.staking.slashes.length, 0)
  })

  it('handles evidence before liveness: a validator tombstoned in a block is not also slashed for downtime in it', () => {
    const chain = chainAt(11)
    chain.blocks(5, { missing: [0] }) // one more miss would jail for downtime
    chain.block({ missing: [0], evidence: [chain.evidence(0, 15)] })
    assert.deepEqual(
      chain.staking.slashes.map((s) => s.fraction),
      ['0.05'],
    )
  })

  it('never slashes a tombstoned validator for downtime, even if staking lets it back', () => {
    const chain = chainAt(20)
    chain.block({ evidence: [chain.evidence(0, 19)] })
    chain.staking.byConsensus(consensusOf(0))!.jailed = false
    chain.blocks(30, { missing: [0] })
    assert.equal(chain.staking.slashes.length, 1)
  })

  it('keeps the signing info of a tombstoned validator when staking removes it; deletes the others', () => {
    const chain = chainAt(20)
    chain.block({ missing: [1], evidence: [chain.evidence(0, 19)] })
    chain.staking.remove(chain.context(), chain.staking.byConsensus(consensusOf(0))!.operator)
    chain.staking.remove(chain.context(), chain.staking.byConsensus(consensusOf(1))!.operator)
    chain.assertInvariants()
    assert.equal(chain.info(0).tombstoned, true)
    assert.throws(() => chain.info(1), /NO_SIGNING_INFO/)
  })
})
