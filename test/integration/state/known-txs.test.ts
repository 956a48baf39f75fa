import assert from 'node:assert/strict'
import { toHex } from '../../../src/crypto/index.js'
import { type Application, type CheckedTx, checkTxStateless, txHash } from '../../../src/state/index.js'
import { openApp, runBlocks, tempDir, transfer, transferBlocks } from '../../helpers/chain.js'

// Block execution may take a tx's signature check and decoded form from the mempool instead of
// redoing them. That must change nothing: same results, same roots, as a node without the cache.
describe("block execution with the mempool's verified and checked txs", () => {
  const blocks = transferBlocks(6, 30, 7)
  // A tx that fails the ante (nonce far ahead) and one signed for another chain: both still in blocks.
  blocks[2]!.txs.push(transfer(1, 2, 5n, 999n), transfer(3, 4, 5n, 0n, { chainId: 'other-chain' }))

  async function execute(configure: (app: Application) => void) {
    const dir = tempDir()
    const app = await openApp(dir.path)
    configure(app)
    const results: unknown[] = []
    const roots = await runBlocks(app, blocks, () => results.push(app.blockResults(app.db.height)))
    await app.db.close()
    dir.remove()
    return { roots: roots.map(toHex), results: await Promise.all(results) }
  }

  function checkedCache(app: Application): Map<string, CheckedTx> {
    const cache = new Map<string, CheckedTx>()
    for (const block of blocks) {
      for (const bytes of block.txs) {
        try {
          cache.set(toHex(txHash(bytes)), checkTxStateless(bytes, app.genesis.chainId, app.genesis.consensusParams, app.registry))
        } catch {
          // invalid statelessly: the mempool would not hold it either
        }
      }
    }
    return cache
  }

  it('gives the roots and results of plain execution', async () => {
    const plain = await execute(() => {})
    let hits = 0
    const cached = await execute((app) => {
      const cache = checkedCache(app)
      app.verifiedTxs = (hash) => cache.has(hash)
      app.checkedTxs = (hash) => {
        const hit = cache.get(hash)
        if (hit !== undefined) hits++
        return hit
      }
    })
    assert.ok(hits >= 180, `the cache was used (${hits} hits)`)
    assert.deepEqual(cached.roots, plain.roots)
    assert.deepEqual(cached.results, plain.results)
  })

  it("ignores a cached entry whose bytes are not the block's (a wrong or colliding cache)", async () => {
    const plain = await execute(() => {})
    const wrong = await execute((app) => {
      const cache = checkedCache(app)
      const other = [...cache.values()][0]!
      // Every lookup answers with one unrelated tx: execution must not run it in place of the real one.
      app.checkedTxs = () => other
    })
    assert.deepEqual(wrong.roots, plain.roots)
    assert.deepEqual(wrong.results, plain.results)
  })
})
