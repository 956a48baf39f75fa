import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createDevnet } from '../../../src/devnet/layout.js'
import { NodeProcess, waitFor } from '../../../src/devnet/process.js'
import { tempDir } from '../../helpers/chain.js'

const FAULT = pathToFileURL(join(import.meta.dirname, 'support', 'fail-batch-writes.mjs')).href

/**
 * A validator whose disk starts refusing writes cannot commit the block it decided. It must not
 * run on without progressing: `fedra start` exits non-zero and says why.
 */
describe('a node that cannot commit (real process, injected disk failure)', function () {
  this.timeout(120_000)
  const dir = tempDir('fedra-e2e-fatal-')
  let node: NodeProcess
  after(async () => {
    await node?.kill()
    dir.remove()
  })

  it('exits with code 1 and the reason instead of running without progress', async () => {
    const layout = await createDevnet({
      dir: dir.path,
      validators: 1,
      fullNodes: 0,
      chainId: 'fedra-e2e-fatal-1',
      commitDelayMs: 50,
      accounts: 1,
    })
    node = new NodeProcess(layout.nodes[0]!)
    node.start({ NODE_OPTIONS: `--import ${FAULT}`, FEDRA_FAULT_BATCH_WRITES: '12' })
    await waitFor('the node to exit', async () => !node.running, 90_000)
    assert.equal(await node.stop(), 1)
    const log = readFileSync(join(layout.nodes[0]!.home, 'node.log'), 'utf8')
    assert.match(log, /fatal: the node cannot go on and is stopping: .*injected disk failure/)
    assert.match(log, /"msg":"cannot commit; the node must stop"/)
  })
})
