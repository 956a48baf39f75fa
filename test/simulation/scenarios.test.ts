import assert from 'node:assert/strict'
import { calmScenario, hiddenDecisionScenario, proposersOfHeightOne } from './sim/scripted.js'
import { Simulation, runScenario } from './sim/simulation.js'

describe('simulator: named scenarios', function () {
  this.timeout(30_000)

  it('proposer crash: the others time out, decide in a later round, and the proposer catches up after restart', () => {
    const [proposer] = proposersOfHeightOne(4, 1) as [number]
    const sim = new Simulation(calmScenario(4, { crashes: [{ node: proposer, at: 0, restartAt: 400 }], healTime: 400 }))
    const result = sim.run()
    assert.deepEqual(result.safetyViolations, [])
    assert.equal(result.livenessFailure, null)
    assert.ok(sim.node(0).app.committedBlock(1)!.commit.round >= 1, 'height 1 needed a round change')
    assert.ok(sim.node(proposer).app.height >= 3, 'the restarted proposer caught up')
  })

  it('hidden lock: a value decided by one node behind a partial partition is the one the others decide', () => {
    const sim = new Simulation(hiddenDecisionScenario(false))
    const result = sim.run()
    assert.deepEqual(result.safetyViolations, [])
    assert.equal(result.livenessFailure, null)
    const ids = [0, 1, 2, 3].map((i) => sim.node(i).app.committedBlock(1)!)
    assert.equal(new Set(ids.map((c) => c.commit.blockId)).size, 1)
    assert.ok(Math.max(...ids.map((c) => c.commit.round)) >= 1, 'the others decided it in a later round, held by their locks')
  })

  it('round skipping: a validator cut off for many rounds jumps to the others on +1/3 higher-round votes', () => {
    // Until t=300 no proposal arrives anywhere and validator 0 hears nobody: the others go
    // through rounds on nil polkas; validator 0 sits in round 0. When it hears them again it
    // adopts their round (L55) instead of timing out every round in between.
    const roundsVotedBy0 = new Set<number>()
    const sim = new Simulation(
      calmScenario(4, {
        targetHeight: 1,
        healTime: 300,
        partitions: [{ start: 0, end: 300, groups: [[0], [1, 2, 3]] }],
        schedule: (m, from, _to, time) => {
          if (m.type === 'vote' && from === 0 && m.vote.height === 1) roundsVotedBy0.add(m.vote.round)
          return m.type === 'proposal' && time < 300 ? 'drop' : undefined
        },
      }),
    )
    const result = sim.run()
    assert.deepEqual(result.safetyViolations, [])
    assert.equal(result.livenessFailure, null)
    const rounds = [...roundsVotedBy0].sort((x, y) => x - y)
    assert.ok(result.maxDecisionRound >= 3, `decided in round ${result.maxDecisionRound}`)
    assert.equal(rounds[0], 0)
    assert.ok(rounds.length < result.maxDecisionRound, `validator 0 voted in rounds ${rounds.join(',')}: it skipped some`)
  })

  it('equivocation evidence from a double-voting validator is committed in a block and handed to execution', () => {
    const sim = new Simulation(calmScenario(4, { byzantine: [{ node: 3, behaviour: 'doubleVote' }], targetHeight: 5 }))
    const result = sim.run()
    assert.deepEqual(result.safetyViolations, [])
    assert.equal(result.livenessFailure, null)
    const events = sim.node(0).app.evidenceEvents
    assert.ok(events.length > 0)
    assert.ok(events.every((e) => e.voteA.validator === 'val03' && e.voteA.valueId !== e.voteB.valueId))
  })

  it('an invalid proposal is never committed', () => {
    const result = runScenario(calmScenario(4, { byzantine: [{ node: 0, behaviour: 'invalidProposal' }], targetHeight: 8 }))
    assert.deepEqual(result.safetyViolations, [])
    assert.equal(result.livenessFailure, null)
  })

  it('a crashed validator restarts from its WAL mid-height without double-signing', () => {
    for (let at = 1; at <= 12; at++) {
      const result = runScenario(
        calmScenario(4, { maxDelay: 3, crashes: [{ node: 2, at, restartAt: at + 5 }], healTime: at + 5, targetHeight: 4 }),
      )
      assert.deepEqual(result.safetyViolations, [], `crash at ${at}`)
      assert.equal(result.livenessFailure, null, `crash at ${at}`)
    }
  })
})
