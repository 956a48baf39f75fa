import assert from 'node:assert/strict'
import { CodecError } from '../../../src/codec/index.js'
import {
  type ChainTip,
  type ConsensusMessage,
  blockId,
  checkBlock,
  checkCommit,
  checkEvidence,
  commitFromPrecommits,
  decodeConsensusMessage,
  duplicateVoteEvidence,
  encodeConsensusMessage,
  resultsHash,
} from '../../../src/consensus/index.js'
import { CHAIN_ID, block, idOf, sets, signedVote, signers, verifier } from './fixtures.js'

const tip: ChainTip = {
  chainId: CHAIN_ID,
  height: 0,
  blockId: null,
  time: 0,
  lastCommit: null,
  lastResultsHash: resultsHash([]),
  lastValidators: null,
  validators: sets.validators,
  nextValidators: sets.nextValidators,
}
const ctx = { tip, verifier, validatorsAt: () => sets.validators, maxEvidenceAge: 100 }

describe('blocks, votes and their encodings', () => {
  it('round-trips every consensus message through the canonical codec', () => {
    const b = block()
    const vote = signedVote(0, { type: 'precommit', height: 1, round: 2, valueId: idOf(b) })
    const messages: ConsensusMessage[] = [
      { type: 'vote', vote },
      { type: 'vote', vote: signedVote(1, { type: 'prevote', height: 1, round: 0, valueId: null }) },
      {
        type: 'proposal',
        proposal: { height: 1, round: 0, valueId: idOf(b), polRound: -1, proposer: signers[0]!.address, signature: new Uint8Array(64) },
        block: b,
      },
      { type: 'commit', block: b, commit: commitFromPrecommits(1, 2, idOf(b), [vote]) },
      { type: 'status', height: 9 },
    ]
    for (const m of messages) assert.deepEqual(decodeConsensusMessage(encodeConsensusMessage(m)), m)
  })

  it('rejects a non-canonical encoding', () => {
    const bytes = encodeConsensusMessage({ type: 'status', height: 9 })
    const padded = new Uint8Array([...bytes, 0])
    assert.throws(() => decodeConsensusMessage(padded), CodecError)
  })

  it('identifies a block by its header: any change to content changes the id', () => {
    const a = block(1, [new Uint8Array([1])])
    const b = block(1, [new Uint8Array([2])])
    assert.notEqual(idOf(a), idOf(b))
    assert.equal(blockId(a.header), blockId(structuredClone(a.header)))
  })

  it('verifies ed25519 vote signatures bound to the chain id and the vote content', () => {
    const vote = signedVote(0, { type: 'prevote', height: 1, round: 0, valueId: null })
    const validator = sets.validators.validators.find((v) => v.address === vote.validator)!
    assert.equal(verifier.verifyVote(vote, validator), true)
    assert.equal(verifier.verifyVote({ ...vote, round: 1 }, validator), false)
    assert.equal(verifier.verifyVote({ ...vote, type: 'precommit' }, validator), false)
  })

  it('accepts a commit with +2/3 of the power and refuses less, duplicates or strangers', () => {
    const id = 'ab'.repeat(32)
    const votes = [0, 1, 2].map((i) => signedVote(i, { type: 'precommit', height: 1, round: 0, valueId: id }))
    assert.equal(checkCommit(commitFromPrecommits(1, 0, id, votes), 1, id, sets.validators, verifier), null)
    assert.match(checkCommit(commitFromPrecommits(1, 0, id, votes.slice(0, 2)), 1, id, sets.validators, verifier)!, /\+2\/3/)
    assert.match(checkCommit(commitFromPrecommits(1, 0, id, [votes[0]!, votes[0]!, votes[1]!]), 1, id, sets.validators, verifier)!, /twice/)
    const forged = { ...votes[2]!, signature: votes[1]!.signature }
    assert.match(
      checkCommit(commitFromPrecommits(1, 0, id, [votes[0]!, votes[1]!, forged]), 1, id, sets.validators, verifier)!,
      /bad commit signature/,
    )
  })

  it('checks a proposed block against the chain tip', () => {
    assert.equal(checkBlock(block(), ctx), null)
    assert.equal(checkBlock({ ...block(), txs: [new Uint8Array([9])] }, ctx), 'wrong data hash')
    assert.equal(checkBlock(block(2), ctx), 'wrong height')
    const wrongChain = block()
    wrongChain.header.chainId = 'other'
    assert.equal(checkBlock(wrongChain, ctx), 'wrong chain id')
    const notAfter = block()
    notAfter.header.time = 0
    assert.equal(checkBlock(notAfter, ctx), 'time not after the previous block')
    const otherResults = block()
    otherResults.header.lastResultsHash = new Uint8Array(32).fill(1)
    assert.equal(checkBlock(otherResults, ctx), 'wrong last results hash')
    const wrongProposer = block()
    wrongProposer.header.proposer = 'fedra1nobody'
    assert.equal(checkBlock(wrongProposer, ctx), 'proposer is not a validator')
  })

  it('proves an equivocation with two signed votes and rejects anything less', () => {
    const a = signedVote(1, { type: 'prevote', height: 1, round: 0, valueId: 'aa'.repeat(32) })
    const b = signedVote(1, { type: 'prevote', height: 1, round: 0, valueId: null })
    const evidence = duplicateVoteEvidence(a, b)
    assert.equal(evidence.voteA.valueId, null, 'canonical order: nil first')
    assert.equal(checkEvidence(evidence, sets.validators, verifier), null)
    assert.equal(checkEvidence(duplicateVoteEvidence(a, a), sets.validators, verifier), 'same-value')
    const other = signedVote(2, { type: 'prevote', height: 1, round: 0, valueId: null })
    assert.equal(checkEvidence(duplicateVoteEvidence(a, other), sets.validators, verifier), 'different-validators')
    assert.equal(
      checkEvidence({ voteA: evidence.voteA, voteB: { ...evidence.voteB, signature: new Uint8Array(64) } }, sets.validators, verifier),
      'bad-signature',
    )
    assert.equal(checkEvidence({ voteA: evidence.voteB, voteB: evidence.voteA }, sets.validators, verifier), 'not-canonical-order')
  })
})
