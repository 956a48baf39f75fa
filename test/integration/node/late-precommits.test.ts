import assert from 'node:assert/strict'
import { keySigner } from '../../../src/consensus/index.js'
import { VALIDATORS, fourValidatorGenesis, openChain, proposeNext, tempDirs } from '../../support/chain.js'

describe("ChainApp: late precommits go into the next proposal's last commit", () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it("the tip's commit gains a late signer (once, and only for the tip's height); the next block carries it and another validator accepts it", async () => {
    const chain = await openChain(dirs.next(), fourValidatorGenesis())
    const { block, commit } = proposeNext(chain, VALIDATORS, { signers: VALIDATORS.slice(0, 3) })
    assert.equal((await chain.processBlock(block)).valid, true)
    await chain.commitBlock(block, commit)
    assert.equal(chain.tip().lastCommit!.signatures.length, 3)

    const late = VALIDATORS[3]!
    const unsigned = { type: 'precommit' as const, height: 1, round: 0, valueId: commit.blockId, validator: late.publicKey.address }
    const signature = keySigner(late, chain.chainId).signVote(unsigned)
    chain.addCommitSignature(1, { validator: late.publicKey.address, signature })
    chain.addCommitSignature(1, { validator: late.publicKey.address, signature })
    chain.addCommitSignature(0, { validator: late.publicKey.address, signature })
    assert.equal(chain.tip().lastCommit!.signatures.length, 4)

    const next = proposeNext(chain, VALIDATORS)
    assert.equal(next.block.lastCommit!.signatures.length, 4)
    // Another validator (its own tip without the late signature) accepts the longer commit.
    const other = await openChain(dirs.next(), fourValidatorGenesis())
    assert.equal((await other.processBlock(block)).valid, true)
    await other.commitBlock(block, commit)
    assert.deepEqual(await other.processBlock(next.block), { valid: true })
    assert.ok(next.block.lastCommit!.signatures.some((s) => s.validator === late.publicKey.address))
  })
})
