import assert from 'node:assert/strict'
import { blockId } from '../../../src/consensus/index.js'
import { SimApplication } from '../../simulation/sim/app.js'
import { GENESIS, blockBy, driverFor, keys, peers, proposerIndex, self, sets, voteFrom } from './driver-harness.js'

/**
 * A precommit for the decided block that arrives after the decision goes into the commit the next
 * proposal carries (CometBFT gathers them during timeout_commit). Without it the commit is just the
 * quorum that came first, and the validator that is regularly last is recorded as missing every
 * block: slashing would jail an honest, slow validator for downtime.
 */
describe('late precommits extend the last commit', () => {
  function decided() {
    const app = new SimApplication('sim', keys[self]!.address, sets, GENESIS) as SimApplication & {
      addCommitSignature?: (h: number, s: { validator: string; signature: Uint8Array }) => void
    }
    const added: { height: number; validator: string }[] = []
    app.addCommitSignature = (height, s) => void added.push({ height, validator: s.validator })
    const driver = driverFor({ app })
    driver.start()
    const block = blockBy(proposerIndex)
    const id = blockId(block.header)
    // Decided by three of four: self and two peers; peers[2] is late.
    const quorum = [self, peers[0]!, peers[1]!].map((i) => voteFrom(i, 'precommit', id))
    driver.receive(keys[peers[0]!]!.address, {
      type: 'commit',
      block,
      commit: { height: 1, round: 0, blockId: id, signatures: quorum.map((v) => ({ validator: v.validator, signature: v.signature })) },
    })
    assert.equal(app.height, 1)
    return { app, driver, id, added, late: peers[2]! }
  }

  it('hands a verified late precommit for the decided block to the application, once', () => {
    const { driver, id, added, late } = decided()
    const vote = voteFrom(late, 'precommit', id)
    driver.receive(keys[late]!.address, { type: 'vote', vote })
    driver.receive(keys[late]!.address, { type: 'vote', vote })
    assert.deepEqual(added, [{ height: 1, validator: keys[late]!.address }])
  })

  it('ignores one with a bad signature, for another block or round, or from a signer already in the commit', () => {
    const { driver, id, added, late } = decided()
    const forged = { ...voteFrom(late, 'precommit', id), signature: voteFrom(self, 'precommit', id).signature }
    driver.receive(keys[late]!.address, { type: 'vote', vote: forged })
    driver.receive(keys[late]!.address, { type: 'vote', vote: voteFrom(late, 'precommit', 'f'.repeat(64)) })
    driver.receive(keys[late]!.address, { type: 'vote', vote: voteFrom(late, 'precommit', id, 1) })
    driver.receive(keys[late]!.address, { type: 'vote', vote: voteFrom(late, 'precommit', null) })
    driver.receive(keys[peers[0]!]!.address, { type: 'vote', vote: voteFrom(peers[0]!, 'precommit', id) })
    assert.deepEqual(added, [])
  })
})
