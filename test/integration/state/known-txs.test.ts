import assert from 'node:assert/strict'
import { toHex } from '../../../src/crypto/index.js'
import { type Application, type BlockInput, type CheckedTx, checkTxStateless, txHash } from '../../../src/state/index.js'
import { openApp, runBlocks, tempDir, transfer, transferBlocks } from '../../helpers/chain.js'

// Block execution may take a tx's signature check and decoded form from the mempool instead of
// redoing them. That must change nothing: same results, same roots, as a node without the cache.
describe("block execution with the mempool's verified and checked txs", () => {
  const blocks = transferBlocks(6, 30, 7)
  // A tx that fails the ante (nonce far ahead) and one signed for another chain: both still in blocks.
  blocks[2]!.txs.push(transfer(1, 2, 5n, 999n), transfer(3, 4, 5n, 0n, { chainId: 'other-chain' }))

  async function execute(configure: (app: Application) => void, precheck?: (app: Application, block: BlockInput) => BlockInput) {
    const dir = tempDir()
    const app = await openApp(dir.path)
    configure(app)
    const results: unknown[] = []
    // checkUnseen reads no state, so every block can be prechecked before the first executes.
    const input = precheck === undefined ? blocks : blocks.map((block) => precheck(app, block))
    const roots = await runBlocks(app, input, () => results.push(app.blockResults(app.db.height)))
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

  // A node checks the txs it never admitted before it starts timing a block's execution
  // (ChainApp); execution then reuses those checks. Outcomes must not move.
  describe('checkUnseen, and execution with its prechecked txs', () => {
    it('checks exactly the txs not pending in the mempool and not failing their checks', async () => {
      const dir = tempDir()
      const app = await openApp(dir.path)
      try {
        const block = blocks[2]!
        const pending = new Set(block.txs.slice(0, 10).map((bytes) => toHex(txHash(bytes))))
        const cache = checkedCache(app)
        app.checkedTxs = (hash) => (pending.has(hash) ? cache.get(hash) : undefined)
        const checked = app.checkUnseen([...block.txs, block.txs[12]!])
        // 30 + the far-ahead nonce (valid statelessly) − 10 pending; the other chain's tx fails its checks; the repeat counted once.
        assert.equal(checked.size, block.txs.length - 10 - 1)
        for (const bytes of block.txs.slice(0, 10)) assert.equal(checked.has(toHex(txHash(bytes))), false)
        assert.equal(checked.has(toHex(txHash(block.txs.at(-1)!))), false, 'a tx for another chain is left for execution to fail')
        for (const [hash, tx] of checked) assert.equal(toHex(tx.hash), hash)
      } finally {
        await app.db.close()
        dir.remove()
      }
    })

    it('gives the roots and results of plain execution, and is what execution used', async () => {
      const plain = await execute(() => {})
      let lookups = 0
      const prechecked = await execute(
        () => {},
        (app, block) => {
          const checked = app.checkUnseen(block.txs)
          lookups += checked.size
          return { ...block, prechecked: checked }
        },
      )
      assert.ok(lookups >= 180, `txs were prechecked (${lookups})`)
      assert.deepEqual(prechecked.roots, plain.roots)
      assert.deepEqual(prechecked.results, plain.results)

      // The seam is live: a prechecked entry that lies about a message's value changes the outcome.
      const planted = await execute(
        () => {},
        (app, block) => {
          const checked = app.checkUnseen(block.txs)
          const first = checked.values().next().value!
          const value = first.messages[0]!.value as { amount: { amount: bigint }[] }
          value.amount[0]!.amount += 1n
          return { ...block, prechecked: checked }
        },
      )
      assert.notDeepEqual(planted.roots, plain.roots)
    })
  })
})
