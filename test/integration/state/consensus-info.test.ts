import assert from 'node:assert/strict'
import { duplicateVoteEvidence, ed25519Verifier, keySigner } from '../../../src/consensus/index.js'
import { logger } from '../../../src/log/index.js'
import { encodeStoredBlock } from '../../../src/node/block-store.js'
import { BlockSync, type SyncTransport } from '../../../src/node/block-sync.js'
import type { ChainApp } from '../../../src/node/chain-app.js'
import { CHAIN_ID } from '../../helpers/chain.js'
import { VALIDATORS, fourValidatorGenesis, openChain, proposeNext, tempDirs } from '../../support/chain.js'
import { consensusEchoModule } from '../../support/modules/consensus-echo.js'

const seen = (chain: ChainApp) => chain.state.query('consensus-echo', 'seen') as string
const address = (i: number) => VALIDATORS[i]!.publicKey.address

/** v2 prevoted two different blocks at height 1, round 0. */
function equivocation() {
  const signer = keySigner(VALIDATORS[2]!, CHAIN_ID)
  const vote = (valueId: string) => {
    const unsigned = { type: 'prevote' as const, height: 1, round: 0, valueId, validator: address(2) }
    return { ...unsigned, signature: signer.signVote(unsigned) }
  }
  return duplicateVoteEvidence(vote('aa'.repeat(32)), vote('bb'.repeat(32)))
}

describe('what execution knows about consensus', () => {
  const dirs = tempDirs()
  const open = () => openChain(dirs.next(), fourValidatorGenesis(), [consensusEchoModule])
  after(() => dirs.removeAll())

  it("begin-block sees the previous block's commit: every member with power, and who signed", async () => {
    const chain = await open()
    const first = proposeNext(chain, VALIDATORS, { signers: VALIDATORS.slice(0, 3) })
    await chain.commitBlock(first.block, first.commit)
    assert.match(seen(chain), /^commit none evidence $/)
    const second = proposeNext(chain, VALIDATORS)
    await chain.commitBlock(second.block, second.commit)
    const votes = [0, 1, 2, 3].map((i) => `${address(i)}=10${i < 3 ? '+' : '-'}`).sort()
    assert.deepEqual(seen(chain).split(' ')[1]!.slice(2).split(',').sort(), votes)
    await chain.state.db.close()
  })

  it("begin-block sees the block's evidence with the offender's power at the offence's height", async () => {
    const chain = await open()
    const first = proposeNext(chain, VALIDATORS)
    await chain.commitBlock(first.block, first.commit)
    const second = proposeNext(chain, VALIDATORS, { evidence: [equivocation()] })
    await chain.commitBlock(second.block, second.commit)
    assert.match(seen(chain), new RegExp(`evidence duplicate-vote:${address(2)}@1=10/40$`))
    // A follower gets the same from the synced block, after consensus checked the evidence.
    const follower = await open()
    const transport: SyncTransport = {
      connectedPeers: () => [],
      request: async () => new Uint8Array(),
      handle: async () => {},
      penalize: () => {},
    }
    const sync = new BlockSync(transport, follower, ed25519Verifier(CHAIN_ID), logger('test'))
    for (const made of [first, second]) await sync.applyBlock('peer', encodeStoredBlock(made.block, made.commit))
    assert.equal(seen(follower), seen(chain))
    await chain.state.db.close()
    await follower.state.db.close()
  })

  it('two candidates differing only in their last commit are executed apart (the cache key covers it)', async () => {
    const [a, b, judge] = [await open(), await open(), await open()]
    const first = proposeNext(a, VALIDATORS)
    const fewer = { ...first.commit, signatures: first.commit.signatures.slice(0, 3) }
    await a.commitBlock(first.block, first.commit)
    await b.commitBlock(first.block, fewer)
    await judge.commitBlock(first.block, first.commit)
    const fromA = proposeNext(a, VALIDATORS).block
    const fromB = proposeNext(b, VALIDATORS).block
    assert.deepEqual(fromA.txs, fromB.txs)
    assert.equal(fromA.header.time, fromB.header.time)
    assert.notDeepEqual(fromA.header.stateRoot, fromB.header.stateRoot)
    assert.deepEqual(judge.processBlock(fromA), { valid: true })
    assert.deepEqual(judge.processBlock(fromB), { valid: true })
    await Promise.all([a, b, judge].map((c) => c.state.db.close()))
  })

  it('two candidates differing only in their evidence are executed apart', async () => {
    const [a, c, judge] = [await open(), await open(), await open()]
    const first = proposeNext(a, VALIDATORS)
    for (const chain of [a, c, judge]) await chain.commitBlock(first.block, first.commit)
    const plain = proposeNext(a, VALIDATORS).block
    const withEvidence = proposeNext(c, VALIDATORS, { evidence: [equivocation()] }).block
    assert.notDeepEqual(plain.header.stateRoot, withEvidence.header.stateRoot)
    assert.deepEqual(judge.processBlock(plain), { valid: true })
    assert.deepEqual(judge.processBlock(withEvidence), { valid: true })
    await Promise.all([a, c, judge].map((chain) => chain.state.db.close()))
  })

  describe('the evidence age is the genesis parameter', () => {
    const openAged = (age: number) =>
      openChain(dirs.next(), { ...fourValidatorGenesis(), consensus_params: { evidence: { max_age_num_blocks: age } } }, [
        consensusEchoModule,
      ])

    it('block sync refuses evidence older than max_age_num_blocks', async () => {
      // The source keeps the default age, so it builds the block; the follower runs the chain of age 1.
      const [source, follower] = [await openAged(100), await openAged(1)]
      const made = [proposeNext(source, VALIDATORS)]
      await source.commitBlock(made[0]!.block, made[0]!.commit)
      made.push(proposeNext(source, VALIDATORS))
      await source.commitBlock(made[1]!.block, made[1]!.commit)
      // Evidence of height 1 in block 3: age 2 > 1.
      const stale = proposeNext(source, VALIDATORS, { evidence: [equivocation()] })
      const transport: SyncTransport = {
        connectedPeers: () => [],
        request: async () => new Uint8Array(),
        handle: async () => {},
        penalize: () => {},
      }
      const sync = new BlockSync(transport, follower, ed25519Verifier(CHAIN_ID), logger('test'))
      for (const { block, commit } of made) await sync.applyBlock('peer', encodeStoredBlock(block, commit))
      await assert.rejects(sync.applyBlock('peer', encodeStoredBlock(stale.block, stale.commit)), /evidence height out of range/)
      await Promise.all([source, follower].map((c) => c.state.db.close()))
    })

    it('validator sets are kept in memory for exactly that many heights', async () => {
      const chain = await openAged(3)
      assert.equal(chain.maxEvidenceAge, 3)
      for (let i = 0; i < 6; i++) {
        const next = proposeNext(chain, VALIDATORS)
        await chain.commitBlock(next.block, next.commit)
      }
      assert.equal(chain.validatorsAt(3), null)
      assert.notEqual(chain.validatorsAt(4), null)
      await chain.state.db.close()
    })
  })
})
