import assert from 'node:assert/strict'
import {
  type Block,
  type Commit,
  blockId,
  commitFromPrecommits,
  ed25519Verifier,
  keySigner,
  resultsHash,
  txResultDigest,
} from '../../../src/consensus/index.js'
import { toHex } from '../../../src/crypto/index.js'
import { logger } from '../../../src/log/index.js'
import { encodeStoredBlock } from '../../../src/node/block-store.js'
import { BlockSync, type SyncTransport } from '../../../src/node/block-sync.js'
import { ChainApp } from '../../../src/node/chain-app.js'
import { NodeError } from '../../../src/node/errors.js'
import { CHAIN_ID, openApp, tempDir, testKey, transfer } from '../../helpers/chain.js'
import { nextBlock } from '../../helpers/blocks.js'

const VALIDATOR = testKey(100)

/** Commits `count` blocks of transfers on `chain`; returns what was committed. */
async function grow(chain: ChainApp, count: number): Promise<Array<{ block: Block; commit: Commit }>> {
  const made = []
  for (let i = 0; i < count; i++) {
    const h = chain.height
    const made1 = nextBlock(chain, VALIDATOR, [transfer(0, 1, 5n, BigInt(h)), transfer(2, 3, 7n, BigInt(h))])
    assert.equal((await chain.processBlock(made1.block)).valid, true)
    await chain.commitBlock(made1.block, made1.commit)
    made.push(made1)
  }
  return made
}

describe('chain app and block sync', () => {
  const dirs = [tempDir(), tempDir(), tempDir()]
  after(() => dirs.forEach((d) => d.remove()))

  it('reopening restores the tip: last commit, validator sets with priorities, recent blocks', async () => {
    const chain = await ChainApp.open(await openApp(dirs[0]!.path))
    await grow(chain, 5)
    const tip = chain.tip()
    await chain.state.db.close()
    const reopened = await ChainApp.open(await openApp(dirs[0]!.path))
    assert.deepEqual(reopened.tip(), tip)
    // The next header's lastResultsHash commits to block 5's tx results, as stored.
    const results = await reopened.state.blockResults(5)
    assert.deepEqual(tip.lastResultsHash, resultsHash(results!.txResults.map(txResultDigest)))
    assert.equal(results!.txResults.length, 2)
    assert.deepEqual(reopened.committedBlock(5), chain.committedBlock(5))
    assert.deepEqual(reopened.validatorsAt(3), chain.validatorsAt(3))
    await reopened.state.db.close()
  })

  describe('a node behind applies only blocks that verify', () => {
    let source: ChainApp
    let follower: ChainApp
    let blocks: Array<{ block: Block; commit: Commit }>
    const penalised: string[] = []
    const transport: SyncTransport = {
      connectedPeers: () => [],
      request: async () => new Uint8Array(),
      handle: async () => {},
      penalize: (peer) => penalised.push(peer),
    }
    before(async () => {
      source = await ChainApp.open(await openApp(dirs[1]!.path))
      blocks = await grow(source, 4)
      follower = await ChainApp.open(await openApp(dirs[2]!.path))
    })
    after(async () => {
      await source.state.db.close()
      await follower.state.db.close()
    })
    const sync = () => new BlockSync(transport, follower, ed25519Verifier(CHAIN_ID), logger('test'))
    const refuses = async (bytes: Uint8Array, reason: RegExp) => {
      const height = follower.height
      await assert.rejects(
        sync().applyBlock('evil', bytes),
        (e: unknown) => e instanceof NodeError && e.code === 'SYNC_FAILED' && reason.test(e.message),
      )
      assert.equal(follower.height, height, 'nothing was committed')
      assert.equal(penalised.at(-1), 'evil')
    }

    it('refuses a commit whose signature does not verify', async () => {
      const { block, commit } = blocks[0]!
      const sig = commit.signatures[0]!
      const forged = { ...commit, signatures: [{ ...sig, signature: Uint8Array.from(sig.signature, (b, i) => (i === 0 ? b ^ 1 : b)) }] }
      await refuses(encodeStoredBlock(block, forged), /commit/)
    })

    it('refuses a block whose transactions do not produce the state root in its header', async () => {
      const { block, commit } = blocks[0]!
      const tampered = { ...block, header: { ...block.header, stateRoot: new Uint8Array(32).fill(9) } }
      await refuses(encodeStoredBlock(tampered, commit), /commit is not for this block/)
      // Even with +2/3 signing it (a Byzantine validator set), execution must disagree.
      const id = blockId(tampered.header)
      const unsigned = { type: 'precommit' as const, height: 1, round: 0, valueId: id, validator: VALIDATOR.publicKey.address }
      const signed = commitFromPrecommits(1, 0, id, [{ ...unsigned, signature: keySigner(VALIDATOR, CHAIN_ID).signVote(unsigned) }])
      await refuses(encodeStoredBlock(tampered, signed), /execution: state root/)
    })

    it('refuses a block for the wrong height and undecodable bytes', async () => {
      await refuses(encodeStoredBlock(blocks[1]!.block, blocks[1]!.commit), /served block 2/)
      await refuses(Uint8Array.of(0x93, 1, 2), /undecodable/)
    })

    it('applies the genuine blocks and ends at the same state root', async () => {
      for (const { block, commit } of blocks) await sync().applyBlock('good', encodeStoredBlock(block, commit))
      assert.equal(toHex(follower.state.db.rootHash), toHex(source.state.db.rootHash))
      assert.deepEqual(follower.tip(), source.tip())
    })
  })
})
