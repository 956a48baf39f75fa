import assert from 'node:assert/strict'
import { pino } from 'pino'
import {
  type Block,
  type Clock,
  type ConsensusMessage,
  ConsensusDriver,
  MemoryWal,
  type Proposal,
  type Vote,
  blockId,
  dataHash,
  evidenceHash,
  genesisValidatorSets,
  lastCommitHash,
  proposerForRound,
  validatorSetHash,
} from '../../../src/consensus/index.js'
import { SimApplication } from '../../simulation/sim/app.js'
import { simKey, simSigner, simVerifier } from '../../simulation/sim/keys.js'
import { SIM_PARAMS } from '../../simulation/sim/scenario.js'

const keys = [0, 1, 2, 3].map(simKey)
const sets = genesisValidatorSets(keys.map((k) => ({ address: k.address, publicKey: k.publicKey, votingPower: 10n })))
const GENESIS = 1000
const proposerIndex = keys.findIndex((k) => k.address === proposerForRound(sets.validators, 0))
const self = [0, 1, 2, 3].find((i) => i !== proposerIndex)!
const peers = [0, 1, 2, 3].filter((i) => i !== self)

function manualClock(): Clock {
  const timers = new Map<number, () => void>()
  let next = 0
  return {
    now: () => GENESIS + 10,
    setTimer: (_ms, fire) => {
      timers.set(++next, fire)
      return next
    },
    clearTimer: (handle) => void timers.delete(handle as number),
  }
}

function proposalFromPeer(app: SimApplication): { proposal: Proposal; block: Block } {
  const tip = app.tip()
  const prepared = app.prepareBlock({ height: 1, round: 0, time: GENESIS + 1, proposer: keys[proposerIndex]!.address, evidence: [] })
  const block: Block = {
    header: {
      chainId: tip.chainId,
      height: 1,
      time: GENESIS + 1,
      prevBlockId: null,
      lastCommitHash: lastCommitHash(null),
      dataHash: dataHash(prepared.txs),
      evidenceHash: evidenceHash([]),
      stateRoot: prepared.stateRoot,
      validatorsHash: validatorSetHash(tip.validators),
      nextValidatorsHash: validatorSetHash(tip.nextValidators),
      proposer: keys[proposerIndex]!.address,
    },
    lastCommit: null,
    evidence: [],
    txs: prepared.txs,
  }
  const unsigned = { height: 1, round: 0, valueId: blockId(block.header), polRound: -1, proposer: keys[proposerIndex]!.address }
  return { proposal: { ...unsigned, signature: simSigner(keys[proposerIndex]!).signProposal(unsigned) }, block }
}

function voteFrom(index: number, type: Vote['type'], valueId: string | null, round = 0): Vote {
  const unsigned = { type, height: 1, round, valueId, validator: keys[index]!.address }
  return { ...unsigned, signature: simSigner(keys[index]!).signVote(unsigned) }
}

function node(app: SimApplication, wal: MemoryWal, sent: ConsensusMessage[]): ConsensusDriver {
  return new ConsensusDriver({
    params: SIM_PARAMS,
    app,
    wal,
    signer: simSigner(keys[self]!),
    verifier: simVerifier(keys),
    network: { broadcast: (m) => sent.push(m), send: (_p, m) => sent.push(m) },
    clock: manualClock(),
    log: pino({ level: 'silent' }),
  })
}

describe('consensus driver', () => {
  it('replays its WAL after a crash: the lock survives and the same signed precommit is sent again', () => {
    const app = new SimApplication('sim', keys[self]!.address, sets, GENESIS)
    const wal = new MemoryWal()
    const sent: ConsensusMessage[] = []
    const driver = node(app, wal, sent)
    driver.start()
    const { proposal, block } = proposalFromPeer(new SimApplication('sim', 'peer', sets, GENESIS))
    driver.receive(keys[proposerIndex]!.address, { type: 'proposal', proposal, block })
    for (const i of peers.slice(0, 2)) driver.receive(keys[i]!.address, { type: 'vote', vote: voteFrom(i, 'prevote', proposal.valueId) })
    assert.equal(driver.coreState.lockedRound, 0)
    const precommit = sent.find((m) => m.type === 'vote' && m.vote.type === 'precommit')
    assert.ok(precommit && precommit.type === 'vote' && precommit.vote.valueId === proposal.valueId)

    driver.stop()
    wal.crash() // power cut: whatever was not synced is gone
    const resent: ConsensusMessage[] = []
    const restarted = node(app, wal, resent)
    restarted.start()
    assert.equal(restarted.coreState.lockedRound, 0)
    assert.equal(restarted.coreState.lockedValue, proposal.valueId)
    const again = resent.find((m) => m.type === 'vote' && m.vote.type === 'precommit')
    assert.ok(again && again.type === 'vote')
    assert.deepEqual(again.vote.signature, precommit.vote.signature)
  })

  it('drops votes with a bad signature before they reach the core', () => {
    const app = new SimApplication('sim', keys[self]!.address, sets, GENESIS)
    const driver = node(app, new MemoryWal(), [])
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
    const driver = node(app, new MemoryWal(), [])
    driver.start()
    const { block } = proposalFromPeer(new SimApplication('sim', 'peer', sets, GENESIS))
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
})
