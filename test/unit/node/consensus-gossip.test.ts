import assert from 'node:assert/strict'
import { type ConsensusMessage, type SignatureVerifier, type Vote, ed25519Verifier, encodeConsensusMessage, keySigner } from '../../../src/consensus/index.js'
import { logger } from '../../../src/log/index.js'
import { ChainApp } from '../../../src/node/chain-app.js'
import { ConsensusGossip } from '../../../src/node/consensus-gossip.js'
import { CHAIN_ID, openApp, tempDir, testKey } from '../../helpers/chain.js'

const VALIDATOR = testKey(100) // the test genesis' only validator

describe('ConsensusGossip validation', () => {
  const dir = tempDir()
  let chain: ChainApp
  after(async () => {
    await chain.state.db.close()
    dir.remove()
  })
  before(async () => {
    chain = await ChainApp.open(await openApp(dir.path))
  })

  const gossip = (verifier: SignatureVerifier = ed25519Verifier(CHAIN_ID)) => {
    const received: ConsensusMessage[] = []
    const g = new ConsensusGossip({ chain, verifier, publish: () => {}, send: () => {}, log: logger('test') })
    g.attach({ receive: (_peer, message) => received.push(message) })
    return { g, received }
  }
  const vote = (height: number, key = VALIDATOR): Vote => {
    const unsigned = { type: 'precommit' as const, height, round: 0, valueId: null, validator: key.publicKey.address }
    return { ...unsigned, signature: keySigner(key, CHAIN_ID).signVote(unsigned) }
  }
  const flip = (v: Vote): Vote => ({ ...v, signature: Uint8Array.from(v.signature, (b, i) => (i === 5 ? b ^ 0x10 : b)) })
  const run = (g: ConsensusGossip, message: ConsensusMessage) => {
    const data = encodeConsensusMessage(message)
    const verdict = g.validate(data, 'peer')
    if (verdict === 'accept') g.deliver(data, 'peer')
    return verdict
  }

  it('accepts and delivers a validator vote with a good signature', () => {
    const { g, received } = gossip()
    assert.equal(run(g, { type: 'vote', vote: vote(1) }), 'accept')
    assert.equal(received.length, 1)
  })

  it('rejects a vote whose signature has one bit flipped; it never reaches the receiver', () => {
    const { g, received } = gossip()
    assert.equal(run(g, { type: 'vote', vote: flip(vote(1)) }), 'reject')
    g.deliver(encodeConsensusMessage({ type: 'vote', vote: flip(vote(1)) }), 'peer') // even if the transport delivered anyway
    assert.equal(received.length, 0)
    assert.equal(g.stats.rejected, 1)
  })

  it('rejects a vote by a key outside the validator set', () => {
    const { g, received } = gossip()
    assert.equal(run(g, { type: 'vote', vote: vote(1, testKey(3)) }), 'reject')
    assert.equal(received.length, 0)
  })

  it('rejects undecodable bytes and ignores votes for heights it cannot judge yet', () => {
    const { g } = gossip()
    assert.equal(g.validate(Uint8Array.of(1, 2, 3), 'peer'), 'reject')
    assert.equal(run(g, { type: 'vote', vote: vote(50) }), 'ignore')
  })

  it('planted bug: a verifier that skips the check lets the forged vote through (so the tests above can fail)', () => {
    const { g, received } = gossip({ verifyVote: () => true, verifyProposal: () => true })
    assert.equal(run(g, { type: 'vote', vote: flip(vote(1)) }), 'accept')
    assert.equal(received.length, 1)
  })
})
