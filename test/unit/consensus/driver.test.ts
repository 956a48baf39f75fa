import assert from 'node:assert/strict'
import { type ConsensusApp, type ConsensusMessage, MemorySignerState, MemoryWal, blockId } from '../../../src/consensus/index.js'
import { SimApplication } from '../../simulation/sim/app.js'
import {
  GENESIS,
  blockBy,
  driverFor,
  keys,
  manualClock,
  ownVotes,
  peers,
  proposalOf,
  proposerIndex,
  self,
  sets,
  voteFrom,
} from './driver-harness.js'

/** The sim app, but execution of a proposed block answers only when the test says so (a large block being executed). */
function slowApplication(inner: SimApplication): { app: ConsensusApp; finishExecution(): void } {
  const pending: Array<() => void> = []
  const app: ConsensusApp = {
    tip: () => inner.tip(),
    prepareBlock: (context) => inner.prepareBlock(context),
    processBlock: (block) => new Promise((resolve) => pending.push(() => resolve(inner.processBlock(block)))),
    commitBlock: (block, commit) => inner.commitBlock(block, commit),
    committedBlock: (height) => inner.committedBlock(height),
    validatorsAt: (height) => inner.validatorsAt(height),
  }
  return { app, finishExecution: () => pending.splice(0).forEach((release) => release()) }
}

describe('consensus driver', () => {
  it('replays its WAL after a crash: the lock survives and the same signed precommit is sent again', () => {
    const app = new SimApplication('sim', keys[self]!.address, sets, GENESIS)
    const wal = new MemoryWal()
    const signerState = new MemorySignerState()
    const sent: ConsensusMessage[] = []
    const driver = driverFor({ app, wal, signerState, sent })
    driver.start()
    const { proposal, block } = proposalOf(proposerIndex, blockBy(proposerIndex))
    driver.receive(keys[proposerIndex]!.address, { type: 'proposal', proposal, block })
    for (const i of peers.slice(0, 2)) driver.receive(keys[i]!.address, { type: 'vote', vote: voteFrom(i, 'prevote', proposal.valueId) })
    assert.equal(driver.coreState.lockedRound, 0)
    const precommit = sent.find((m) => m.type === 'vote' && m.vote.type === 'precommit')
    assert.ok(precommit && precommit.type === 'vote' && precommit.vote.valueId === proposal.valueId)

    driver.stop()
    wal.crash() // power cut: whatever was not synced is gone
    const resent: ConsensusMessage[] = []
    const restarted = driverFor({ app, wal, signerState, sent: resent })
    restarted.start()
    assert.equal(restarted.coreState.lockedRound, 0)
    assert.equal(restarted.coreState.lockedValue, proposal.valueId)
    const again = resent.find((m) => m.type === 'vote' && m.vote.type === 'precommit')
    assert.ok(again && again.type === 'vote')
    assert.deepEqual(again.vote.signature, precommit.vote.signature)
  })

  it('drops votes with a bad signature before they reach the core', () => {
    const driver = driverFor()
    driver.start()
    const forged = { ...voteFrom(peers[0]!, 'prevote', null, 3), signature: new Uint8Array(16) }
    const other = { ...voteFrom(peers[1]!, 'prevote', null, 3), signature: new Uint8Array(16) }
    driver.receive(keys[peers[0]!]!.address, { type: 'vote', vote: forged })
    driver.receive(keys[peers[1]!]!.address, { type: 'vote', vote: other })
    assert.equal(driver.round, 0, 'forged votes must not trigger a round skip')
    driver.receive(keys[peers[0]!]!.address, { type: 'vote', vote: voteFrom(peers[0]!, 'prevote', null, 3) })
    driver.receive(keys[peers[1]!]!.address, { type: 'vote', vote: voteFrom(peers[1]!, 'prevote', null, 3) })
    assert.equal(driver.round, 3)
  })

  it('decides and commits from a peer commit certificate when it missed the votes', () => {
    const app = new SimApplication('sim', keys[self]!.address, sets, GENESIS)
    const driver = driverFor({ app })
    driver.start()
    const block = blockBy(proposerIndex)
    const id = blockId(block.header)
    const precommits = peers.map((i) => voteFrom(i, 'precommit', id))
    driver.receive(keys[peers[0]!]!.address, {
      type: 'commit',
      block,
      commit: { height: 1, round: 0, blockId: id, signatures: precommits.map((v) => ({ validator: v.validator, signature: v.signature })) },
    })
    assert.equal(app.height, 1)
    assert.equal(app.blockIds()[0], id)
    assert.equal(driver.height, 2)
  })

  it("does not prevote nil on a propose timeout while it is still executing the round's proposal", async () => {
    const { app, finishExecution } = slowApplication(new SimApplication('sim', keys[self]!.address, sets, GENESIS))
    const clock = manualClock()
    const sent: ConsensusMessage[] = []
    const driver = driverFor({ app, clock, sent })
    driver.start()
    const { proposal, block } = proposalOf(proposerIndex, blockBy(proposerIndex))
    driver.receive(keys[proposerIndex]!.address, { type: 'proposal', proposal, block })
    clock.fireAll() // timeoutPropose(0) expires mid-execution
    assert.deepEqual(ownVotes(sent), [], 'no vote while executing')
    finishExecution()
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(
      ownVotes(sent).map((v) => [v.type, v.round, v.valueId]),
      [['prevote', 0, proposal.valueId]],
    )
  })

  it('a propose timeout with no proposal in execution still prevotes nil (L57–L60)', () => {
    const clock = manualClock()
    const sent: ConsensusMessage[] = []
    const driver = driverFor({ clock, sent })
    driver.start()
    clock.fireAll()
    assert.deepEqual(
      ownVotes(sent).map((v) => [v.type, v.round, v.valueId]),
      [['prevote', 0, null]],
    )
  })

  it('logs no timeout of a round it has left: the WAL holds only inputs the core uses', () => {
    const clock = manualClock()
    const wal = new MemoryWal()
    const driver = driverFor({ clock, wal })
    driver.start()
    // +1/3 of the power votes in round 2: L55 moves the node there; round 0's timer is still pending.
    for (const i of peers.slice(0, 2)) driver.receive(keys[i]!.address, { type: 'vote', vote: voteFrom(i, 'prevote', null, 2) })
    assert.equal(driver.round, 2)
    clock.fireAll()
    const timeouts = wal.entries().flatMap((e) => (e.kind === 'input' && e.input.kind === 'timeout' ? [e.input.timeout.round] : []))
    assert.deepEqual(timeouts, [2])
  })
})
