import assert from 'node:assert/strict'
import { DEFAULT_TIMEOUTS, NIL_ROUND, timeoutDuration } from '../../../src/consensus/index.js'
import { ADDRESSES, CoreUnderTest, V, W, broadcastVotes } from './harness.js'

/** A validator that does not propose in rounds 0 and 1, so every proposal comes from a peer. */
function follower(): CoreUnderTest {
  const probe = new CoreUnderTest(ADDRESSES[0])
  const self = ADDRESSES.find((a) => a !== probe.proposerOf(0) && a !== probe.proposerOf(1) && a !== probe.proposerOf(2))!
  return new CoreUnderTest(self)
}

describe('consensus core: Algorithm 1', () => {
  it('schedules timeoutPropose when it is not the proposer (L21)', () => {
    const core = follower()
    assert.deepEqual(
      core.log.filter((e) => e.kind === 'scheduleTimeout').map((e) => e.kind === 'scheduleTimeout' && e.timeout.step),
      ['propose'],
    )
  })

  it('asks for a value when it proposes without a valid value (L18)', () => {
    const first = new CoreUnderTest(ADDRESSES[0])
    const core = new CoreUnderTest(first.proposerOf(0))
    assert.ok(core.log.some((e) => e.kind === 'getValue' && e.round === 0))
    const effects = core.input({ kind: 'proposeValue', height: 1, round: 0, valueId: V })
    assert.ok(effects.some((e) => e.kind === 'broadcastProposal' && e.proposal.valueId === V && e.proposal.polRound === NIL_ROUND))
  })

  it('prevotes a valid fresh proposal (L22–L24) and nil for an invalid one (L26)', () => {
    const core = follower()
    assert.deepEqual(broadcastVotes(core.propose(0, V)), [{ type: 'prevote', round: 0, valueId: V }])
    const other = follower()
    assert.deepEqual(broadcastVotes(other.propose(0, V, -1, false)), [{ type: 'prevote', round: 0, valueId: null }])
  })

  it('prevotes nil for a proposal whose time is too far ahead (proposer-based time)', () => {
    const core = follower()
    assert.deepEqual(broadcastVotes(core.propose(0, V, -1, true, false)), [{ type: 'prevote', round: 0, valueId: null }])
  })

  it('waits for valid(v) before prevoting', () => {
    const core = follower()
    const effects = core.input({
      kind: 'proposal',
      proposal: { height: 1, round: 0, valueId: V, polRound: -1, proposer: core.proposerOf(0), signature: new Uint8Array() },
      timely: true,
    })
    assert.deepEqual(broadcastVotes(effects), [])
    assert.ok(effects.some((e) => e.kind === 'validateBlock' && e.valueId === V))
  })

  it('prevotes nil on timeoutPropose (L57–L60) and ignores a stale timeout', () => {
    const core = follower()
    assert.deepEqual(broadcastVotes(core.timeout('propose', 1)), [])
    assert.deepEqual(broadcastVotes(core.timeout('propose', 0)), [{ type: 'prevote', round: 0, valueId: null }])
    assert.equal(core.state.step, 'prevote')
  })

  it('locks and precommits on a polka for the proposal (L36–L43)', () => {
    const core = follower()
    core.propose(0, V)
    const effects = core.votes('prevote', 0, V, core.others().slice(0, 2))
    assert.deepEqual(broadcastVotes(effects), [{ type: 'precommit', round: 0, valueId: V }])
    assert.equal(core.state.lockedValue, V)
    assert.equal(core.state.lockedRound, 0)
    assert.equal(core.state.validValue, V)
  })

  it('schedules timeoutPrevote on +2/3 prevotes of mixed values (L34) and precommits nil when it fires (L61–L64)', () => {
    const core = follower()
    core.propose(0, V)
    const [b, c] = core.others()
    core.vote('prevote', 0, null, b!)
    const effects = core.vote('prevote', 0, W, c!)
    assert.ok(effects.some((e) => e.kind === 'scheduleTimeout' && e.timeout.step === 'prevote'))
    assert.deepEqual(broadcastVotes(core.timeout('prevote')), [{ type: 'precommit', round: 0, valueId: null }])
  })

  it('precommits nil on a nil polka (L44–L46)', () => {
    const core = follower()
    core.timeout('propose')
    const effects = core.votes('prevote', 0, null, core.others().slice(0, 2))
    assert.deepEqual(broadcastVotes(effects), [{ type: 'precommit', round: 0, valueId: null }])
  })

  it('moves to the next round when timeoutPrecommit fires after +2/3 precommits (L47, L65–L67)', () => {
    const core = follower()
    core.timeout('propose')
    core.votes('prevote', 0, null, core.others().slice(0, 2))
    const effects = core.votes('precommit', 0, null, core.others().slice(0, 2))
    const scheduled = effects.find((e) => e.kind === 'scheduleTimeout' && e.timeout.step === 'precommit')
    assert.ok(scheduled)
    core.timeout('precommit')
    assert.equal(core.state.round, 1)
    assert.equal(core.state.step, 'propose')
  })

  it('decides when +2/3 precommit a valid value it holds (L49–L51), from any round', () => {
    const core = follower()
    core.propose(0, V)
    core.timeout('propose')
    core.votes('prevote', 0, null, core.others())
    core.votes('precommit', 0, null, core.others())
    core.timeout('precommit')
    assert.equal(core.state.round, 1)
    const effects = core.votes('precommit', 0, V, core.others())
    const decide = effects.find((e) => e.kind === 'decide')
    assert.ok(decide && decide.kind === 'decide' && decide.valueId === V && decide.round === 0 && decide.precommits.length === 3)
    assert.equal(core.state.step, 'commit')
  })

  it('does not decide on +2/3 precommits for an invalid value (L50)', () => {
    const core = follower()
    core.propose(0, V, -1, false)
    const effects = core.votes('precommit', 0, V, core.others())
    assert.ok(!effects.some((e) => e.kind === 'decide'))
  })

  it('reports two different votes by one validator as an equivocation', () => {
    const core = follower()
    const [b] = core.others()
    core.vote('prevote', 0, V, b!)
    const effects = core.vote('prevote', 0, W, b!)
    assert.ok(effects.some((e) => e.kind === 'equivocation' && e.first.valueId === V && e.second.valueId === W))
  })

  it('grows every timeout with the round', () => {
    for (const step of ['propose', 'prevote', 'precommit'] as const) {
      assert.ok(timeoutDuration(DEFAULT_TIMEOUTS, step, 3) > timeoutDuration(DEFAULT_TIMEOUTS, step, 0))
    }
  })

  it('is deterministic: the same inputs give the same effects', () => {
    const run = (): string => {
      const core = follower()
      core.propose(0, V)
      core.votes('prevote', 0, V, core.others())
      core.votes('precommit', 0, V, core.others())
      return JSON.stringify(core.log)
    }
    assert.equal(run(), run())
  })

  it('counts the polka vote of an equivocator that filled its slot with junk first, once a proposal stands on it (L28)', () => {
    const core = follower()
    const proposer1 = core.proposerOf(1)
    const [equivocator, honest] = core.others([proposer1]) as [string, string]
    // Round 0: the equivocator spends its three prevote slots on junk, then prevotes V; V's
    // polka is the proposer of round 1, the other honest peer and the equivocator.
    core.votes('prevote', 0, null, [equivocator])
    core.vote('prevote', 0, W, equivocator)
    core.vote('prevote', 0, 'cc'.repeat(32), equivocator)
    core.timeout('propose', 0)
    core.votes('prevote', 0, V, [proposer1, honest])
    core.vote('prevote', 0, V, equivocator) // past the cap: dropped while nothing stands on V
    core.votes('precommit', 0, null, [proposer1, honest])
    core.timeout('precommit', 0)
    assert.equal(core.state.round, 1)
    // Round 1: V re-proposed with validRound 0, its polka relayed again after the proposal.
    const effects = core.propose(1, V, 0)
    effects.push(...core.vote('prevote', 0, V, equivocator))
    assert.deepEqual(broadcastVotes(effects), [{ type: 'prevote', round: 1, valueId: V }])
  })
})
