import assert from 'node:assert/strict'
import {
  type ConsensusMessage,
  type SignatureVerifier,
  type Vote,
  ed25519Verifier,
  encodeConsensusMessage,
  keySigner,
} from '../../../src/consensus/index.js'
import { logger } from '../../../src/log/index.js'
import { ChainApp } from '../../../src/node/chain-app.js'
import { ConsensusGossip } from '../../../src/node/consensus-gossip.js'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { type GossipEngine, GossipRouter } from '../../../src/p2p/gossip.js'
import { sealGossip } from '../../../src/p2p/gossip-envelope.js'
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

  it('ignores, without a signature check, what the attached consensus core would not admit: not relayed, not delivered', () => {
    const received: ConsensusMessage[] = []
    let checks = 0
    const inner = ed25519Verifier(CHAIN_ID)
    const verifier: SignatureVerifier = {
      verifyVote: (v, s) => (checks++, inner.verifyVote(v, s)),
      verifyProposal: (p, s) => (checks++, inner.verifyProposal(p, s)),
    }
    const g = new ConsensusGossip({ chain, verifier, publish: () => {}, send: () => {}, log: logger('test') })
    g.attach({ receive: (_peer, message) => received.push(message), admits: () => false })
    assert.equal(run(g, { type: 'vote', vote: vote(1) }), 'ignore')
    assert.deepEqual([received.length, checks, g.stats.rejected], [0, 0, 0])
  })

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

  describe('behind the gossip router', () => {
    // What GossipRouter needs of gossipsub: the validator table, the peer-score params and the
    // message event. gossipsub hands the validator and the event the same `msg` object.
    class FakeEngine extends EventTarget {
      readonly topicValidators = new Map<string, (peer: { toString(): string }, msg: { data: Uint8Array }) => Promise<unknown>>()
      readonly score = { params: { topics: {} as Record<string, unknown> }, scoreCache: new Map(), peerStats: new Map() }
      subscribe(): void {}
      unsubscribe(): void {}
      getScore(): number {
        return 0
      }
      /** Validates then, on Accept, emits the message: gossipsub's order for one received message. */
      async receive(topic: string, data: Uint8Array): Promise<unknown> {
        const peer = { toString: () => 'peer-a' }
        const msg = { topic, data, type: 'unsigned' }
        const result = await this.topicValidators.get(topic)!(peer, msg)
        if (result === TopicValidatorResult.Accept)
          this.dispatchEvent(new CustomEvent('gossipsub:message', { detail: { propagationSource: peer, msgId: 'x', msg } }))
        return result
      }
    }

    const countingVerifier = () => {
      const inner = ed25519Verifier(CHAIN_ID)
      const counts = { votes: 0 }
      const verifier: SignatureVerifier = {
        verifyVote: (v, validator) => {
          counts.votes++
          return inner.verifyVote(v, validator)
        },
        verifyProposal: (p, validator) => inner.verifyProposal(p, validator),
      }
      return { verifier, counts }
    }

    const wire = (counts: ReturnType<typeof countingVerifier>) => {
      const engine = new FakeEngine()
      const router = new GossipRouter({
        engine: engine as unknown as GossipEngine,
        maxMessageBytes: 1 << 20,
        now: () => 0,
        log: logger('test'),
      })
      const received: ConsensusMessage[] = []
      const consensus = new ConsensusGossip({ chain, verifier: counts.verifier, publish: () => {}, send: () => {}, log: logger('test') })
      consensus.attach({ receive: (_peer, message) => received.push(message) })
      router.subscribe('consensus', consensus)
      router.start()
      return { engine, received }
    }

    it('verifies a gossiped vote once: deliver reuses the verdict validate reached', async () => {
      const counts = countingVerifier()
      const { engine, received } = wire(counts)
      const result = await engine.receive('consensus', sealGossip(1n, encodeConsensusMessage({ type: 'vote', vote: vote(1) })))
      assert.equal(result, TopicValidatorResult.Accept)
      assert.equal(received.length, 1)
      assert.equal(counts.counts.votes, 1)
    })

    it('verifies each of two distinct gossip messages (the cache is per message, not per payload)', async () => {
      const counts = countingVerifier()
      const { engine, received } = wire(counts)
      const payload = encodeConsensusMessage({ type: 'vote', vote: vote(1) })
      await engine.receive('consensus', sealGossip(1n, payload))
      await engine.receive('consensus', sealGossip(2n, payload))
      assert.equal(received.length, 2)
      assert.equal(counts.counts.votes, 2)
    })
  })
})
