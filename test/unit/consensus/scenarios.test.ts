import assert from 'node:assert/strict'
import { ADDRESSES, CoreUnderTest, V, W, broadcastVotes } from './harness.js'

/**
 * Named scenarios of the paper at the level of one validator's core: each feeds the exact
 * messages of the scenario and checks what the validator sends.
 */
function validatorNotProposingIn(rounds: number[]): CoreUnderTest {
  const probe = new CoreUnderTest(ADDRESSES[0])
  const self = ADDRESSES.find((a) => rounds.every((r) => probe.proposerOf(r) !== a))!
  return new CoreUnderTest(self)
}

/** Round 0: v proposed, polka for v, this validator locks; nobody decides; on to round 1. */
function lockedInRoundZero(core: CoreUnderTest): void {
  core.propose(0, V)
  core.votes('prevote', 0, V, core.others().slice(0, 2))
  assert.equal(core.state.lockedRound, 0)
  core.votes('precommit', 0, null, core.others())
  core.timeout('precommit', 0)
  assert.equal(core.state.round, 1)
}

describe('consensus scenarios (core)', () => {
  it('lock: a locked validator prevotes nil for a different fresh value (L23)', () => {
    const core = validatorNotProposingIn([0, 1])
    lockedInRoundZero(core)
    assert.deepEqual(broadcastVotes(core.propose(1, W)), [{ type: 'prevote', round: 1, valueId: null }])
  })

  it('unlock via polka: a newer polka for another value moves the lock (L28–L30, L36–L39)', () => {
    const core = validatorNotProposingIn([0, 1, 2])
    lockedInRoundZero(core)
    // Round 1: w gets a polka from the others; we prevoted nil but now lock on w.
    core.propose(1, W)
    const relock = core.votes('prevote', 1, W, core.others())
    assert.deepEqual(broadcastVotes(relock), [{ type: 'precommit', round: 1, valueId: W }])
    assert.equal(core.state.lockedValue, W)
    assert.equal(core.state.lockedRound, 1)
    // Round 2: a re-proposal of w with polRound 1 ≥ lockedRound is prevoted (L29: lockedRound ≤ vr).
    core.votes('precommit', 1, null, core.others())
    core.timeout('precommit', 1)
    assert.deepEqual(broadcastVotes(core.propose(2, W, 1)), [{ type: 'prevote', round: 2, valueId: W }])
  })

  it('lock: a re-proposal backed by an older polka than the lock is refused (L29)', () => {
    const core = validatorNotProposingIn([0, 1, 2])
    core.propose(0, W)
    core.votes('prevote', 0, W, core.others().slice(0, 2)) // polka for w in round 0, lock w
    core.votes('precommit', 0, null, core.others())
    core.timeout('precommit', 0)
    core.propose(1, V)
    core.votes('prevote', 1, V, core.others()) // polka for v in round 1: relock on v
    assert.equal(core.state.lockedValue, V)
    core.votes('precommit', 1, null, core.others())
    core.timeout('precommit', 1)
    // w again with its round-0 polka: lockedRound 1 > vr 0 and lockedValue ≠ w.
    assert.deepEqual(broadcastVotes(core.propose(2, W, 0)), [{ type: 'prevote', round: 2, valueId: null }])
  })

  it('valid-value re-proposal: a proposer that saw a polka re-proposes that value with its round (L15–L16)', () => {
    const probe = new CoreUnderTest(ADDRESSES[0])
    const core = new CoreUnderTest(probe.proposerOf(1))
    core.timeout('propose', 0) // prevote nil
    core.propose(0, V)
    core.votes('prevote', 0, V, core.others())
    assert.equal(core.state.validValue, V)
    assert.equal(core.state.validRound, 0)
    core.votes('precommit', 0, null, core.others())
    const effects = core.timeout('precommit', 0)
    const proposal = effects.find((e) => e.kind === 'broadcastProposal')
    assert.ok(proposal && proposal.kind === 'broadcastProposal')
    assert.deepEqual([proposal.proposal.round, proposal.proposal.valueId, proposal.proposal.polRound], [1, V, 0])
    assert.ok(!effects.some((e) => e.kind === 'getValue'))
  })

  it('valid value without a lock: a polka seen after precommitting nil sets validValue only (L36, L42–L43)', () => {
    const core = validatorNotProposingIn([0])
    const [b, c, d] = core.others()
    core.timeout('propose', 0) // own prevote nil
    core.propose(0, V)
    core.vote('prevote', 0, null, b!)
    core.vote('prevote', 0, W, c!)
    core.timeout('prevote', 0) // precommit nil
    assert.equal(core.state.step, 'precommit')
    // b and c equivocate towards v: with d that is +2/3 for v (each message counts, L36).
    core.vote('prevote', 0, V, b!)
    core.vote('prevote', 0, V, c!)
    core.vote('prevote', 0, V, d!)
    assert.equal(core.state.validValue, V)
    assert.equal(core.state.validRound, 0)
    assert.equal(core.state.lockedRound, -1)
  })

  it('round skipping: +1/3 of the power voting in a higher round moves the validator there (L55–L56)', () => {
    const core = validatorNotProposingIn([0])
    const [b, c] = core.others()
    core.vote('prevote', 5, null, b!)
    assert.equal(core.state.round, 0, 'one validator of four is not +1/3')
    const effects = core.vote('precommit', 5, null, c!)
    assert.equal(core.state.round, 5)
    assert.equal(core.state.step, 'propose')
    assert.ok(
      effects.some(
        (e) => (e.kind === 'scheduleTimeout' && e.timeout.round === 5) || e.kind === 'getValue' || e.kind === 'broadcastProposal',
      ),
    )
  })

  it('round skipping does not go back to lower rounds', () => {
    const core = validatorNotProposingIn([0])
    core.votes('prevote', 3, null, core.others().slice(0, 2))
    assert.equal(core.state.round, 3)
    core.votes('prevote', 2, null, core.others())
    assert.equal(core.state.round, 3)
  })
})
