import '../../../src/p2p/polyfill.js'
import assert from 'node:assert/strict'
import { type ConsensusMessage, type Vote, encodeConsensusMessage, keySigner } from '../../../src/consensus/index.js'
import { createDevnet } from '../../../src/devnet/layout.js'
import { waitFor } from '../../../src/devnet/process.js'
import { loadNodeConfig } from '../../../src/node/config.js'
import { loadValidatorKey } from '../../../src/node/keys.js'
import { FedraNode } from '../../../src/node/node.js'
import { P2PHost, topicsFor } from '../../../src/p2p/index.js'
import { tempDir } from '../../helpers/chain.js'

const CHAIN_ID = 'fedra-badsig-1'

/**
 * A running node (libp2p over loopback) next to an attacker peer and an honest observer that
 * is connected only to the node. Forged consensus messages must be rejected at gossip
 * validation: they never reach the consensus core, are not relayed to the observer, and cost
 * the attacker score. A correctly signed message on the same path does get through, so the
 * test would notice a node that dropped everything.
 */
describe('consensus gossip drops messages with bad signatures', function () {
  this.timeout(60_000)
  const dir = tempDir('fedra-badsig-')
  let node: FedraNode
  let attacker: P2PHost
  let observer: P2PHost
  const reachedCore: ConsensusMessage[] = []
  const observed: Uint8Array[] = []
  const forgedPayloads: Uint8Array[] = []
  let signer: ReturnType<typeof keySigner>

  before(async () => {
    // Two validators, only one running: no block is made, so height 1 stays open for votes.
    const layout = await createDevnet({ dir: dir.path, validators: 2, fullNodes: 0, chainId: CHAIN_ID, commitDelayMs: 100, accounts: 1 })
    const home = layout.nodes[0]!.home
    node = await FedraNode.open(home, {
      ...loadNodeConfig(home),
      p2p: { listen: '/ip4/127.0.0.1/tcp/0', bootstrap: [], maxPeers: 10 },
      metrics: { listen: '127.0.0.1:0' },
    })
    await node.start()
    const core = node.driver!
    node.consensusGossip.attach({
      receive: (peer, message) => {
        reachedCore.push(message)
        core.receive(peer, message)
      },
    })
    signer = keySigner(loadValidatorKey(layout.nodes[1]!.home)!, CHAIN_ID)
    const nodeAddress = node.host.addresses()[0]!
    attacker = await P2PHost.create({ seed: new Uint8Array(32).fill(0xa1), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [nodeAddress] })
    observer = await P2PHost.create({ seed: new Uint8Array(32).fill(0xb2), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [nodeAddress] })
    observer.subscribe(topicsFor(CHAIN_ID).consensus, { validate: () => 'accept', deliver: (data) => observed.push(data) })
    attacker.subscribe(topicsFor(CHAIN_ID).consensus, { validate: () => 'accept', deliver: () => {} })
    await attacker.start()
    await observer.start()
    await waitFor('both peers connected to the node', async () => node.host.peers().length >= 2, 20_000)
  })

  after(async () => {
    await Promise.allSettled([attacker?.stop(), observer?.stop()])
    await node?.stop()
    dir.remove()
  })

  const vote = (round: number): Vote => {
    const unsigned = { type: 'prevote' as const, height: 1, round, valueId: null, validator: signer.address }
    return { ...unsigned, signature: signer.signVote(unsigned) }
  }

  /** Publishes until gossipsub has a route (the mesh forms on heartbeats), bounded. */
  const publishUntil = async (data: Uint8Array, done: () => boolean) =>
    waitFor(
      'message handled',
      async () => {
        if (done()) return true
        await attacker.publish(topicsFor(CHAIN_ID).consensus, data)
        return done()
      },
      20_000,
      300,
    )

  it('a vote with a flipped signature bit is rejected before the core and not relayed', async () => {
    const forged = vote(7)
    forged.signature = Uint8Array.from(forged.signature, (b, i) => (i === 0 ? b ^ 1 : b))
    const before = node.consensusGossip.stats.rejected
    const payload = encodeConsensusMessage({ type: 'vote', vote: forged })
    forgedPayloads.push(payload)
    await publishUntil(payload, () => node.consensusGossip.stats.rejected > before)
    assert.equal(
      reachedCore.some((m) => m.type === 'vote' && m.vote.round === 7),
      false,
    )
    assert.ok(node.host.score(attacker.peerId) < 0, `attacker score ${node.host.score(attacker.peerId)}`)
  })

  it('a proposal signed by someone other than its proposer is rejected', async () => {
    const impostor = keySigner(loadValidatorKey(node.home)!, CHAIN_ID) // a validator, but not the one named
    const unsigned = { height: 1, round: 8, polRound: -1, valueId: 'ab'.repeat(32), proposer: signer.address }
    const message: ConsensusMessage = {
      type: 'proposal',
      proposal: { ...unsigned, signature: impostor.signProposal(unsigned) },
      block: {
        header: {
          chainId: CHAIN_ID,
          height: 1,
          time: 1,
          prevBlockId: null,
          lastCommitHash: new Uint8Array(32),
          lastResultsHash: new Uint8Array(32),
          dataHash: new Uint8Array(32),
          evidenceHash: new Uint8Array(32),
          stateRoot: new Uint8Array(32),
          validatorsHash: new Uint8Array(32),
          nextValidatorsHash: new Uint8Array(32),
          proposer: signer.address,
        },
        lastCommit: null,
        evidence: [],
        txs: [],
      },
    }
    const before = node.consensusGossip.stats.rejected
    const payload = encodeConsensusMessage(message)
    forgedPayloads.push(payload)
    await publishUntil(payload, () => node.consensusGossip.stats.rejected > before)
    assert.equal(
      reachedCore.some((m) => m.type === 'proposal'),
      false,
    )
  })

  it('the same vote correctly signed reaches the core and is relayed to the observer', async () => {
    const good = encodeConsensusMessage({ type: 'vote', vote: vote(9) })
    await publishUntil(good, () => reachedCore.some((m) => m.type === 'vote' && m.vote.round === 9))
    await waitFor('observer got the relayed vote', async () => observed.some((d) => Buffer.from(d).equals(Buffer.from(good))), 20_000)
    // The node relays to the observer over one ordered stream, so had it relayed a forged
    // message, that would have arrived before this later, good one.
    const relayedForgery = observed.some((d) => forgedPayloads.some((f) => Buffer.from(f).equals(Buffer.from(d))))
    assert.equal(relayedForgery, false)
    assert.ok(forgedPayloads.length === 2)
  })
})
