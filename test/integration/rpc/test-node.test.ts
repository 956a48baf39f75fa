import assert from 'node:assert/strict'
import { TestNode } from './support/test-node.js'

/**
 * The in-process node double behind the RPC and dashboard tests must answer like a node: the
 * height its status names is a block it serves. It once named the height state had committed
 * while the block still waited on the tx index, and the dashboard's block list, fetching the
 * status' latest block in that window, showed an error page instead of its table.
 */
describe('the RPC tests’ node double', () => {
  it('never names a latest height whose block it cannot serve, at any await of a block’s production', async () => {
    const node = await TestNode.start()
    try {
      for (let i = 0; i < 5; i++) {
        let done = false
        const produced = node.produceBlock().then(() => {
          done = true
        })
        let turns = 0
        while (!done) {
          const { latestHeight } = node.status()
          if (latestHeight > 0) assert.notEqual(node.blockByHeight(latestHeight), null, `status names height ${latestHeight}`)
          assert.equal(node.height, latestHeight)
          await new Promise((resolve) => setImmediate(resolve))
          turns++
        }
        await produced
        assert.ok(turns > 0, 'production awaited something, so the loop looked inside it')
        assert.equal(node.status().latestHeight, i + 1)
      }
    } finally {
      await node.stop()
    }
  })
})
