import assert from 'node:assert/strict'
import { createDevnet, type DevnetLayout } from '../../../src/devnet/layout.js'
import { NodeProcess, waitFor } from '../../../src/devnet/process.js'
import type { NodeStatus } from '../../../src/node/node.js'
import { tempDir } from '../../helpers/chain.js'

/**
 * Four validators as real `fedra start` processes on loopback: they make blocks, survive one of
 * them being SIGKILLed, take it back (it catches up to the same state root), and an empty full
 * node started late syncs from genesis to the head.
 */
describe('devnet: 4 validators + a late full node (real processes)', function () {
  this.timeout(240_000)
  const dir = tempDir('fedra-e2e-devnet-')
  let layout: DevnetLayout
  let nodes: NodeProcess[] = []

  const statusOf = async (i: number): Promise<NodeStatus> => {
    const status = await nodes[i]!.status()
    if (status === null) throw new Error(`${nodes[i]!.node.name} does not answer`)
    return status
  }
  const heightOf = async (i: number): Promise<number> => (await nodes[i]!.status())?.height ?? -1

  /** Waits until nodes `a` and `b` report the same height with the same block and state root. */
  const sameTip = (a: number, b: number, timeoutMs: number) =>
    waitFor(`${nodes[a]!.node.name} and ${nodes[b]!.node.name} at one tip`, async () => {
      const [x, y] = [await nodes[a]!.status(), await nodes[b]!.status()]
      if (x === null || y === null || x.height !== y.height) return undefined
      assert.equal(x.blockId, y.blockId, `block ids differ at height ${x.height}`)
      assert.equal(x.stateRoot, y.stateRoot, `state roots differ at height ${x.height}`)
      return x
    }, timeoutMs, 50)

  before(async () => {
    layout = await createDevnet({ dir: dir.path, validators: 4, fullNodes: 1, chainId: 'fedra-e2e-1', commitDelayMs: 100, accounts: 4 })
    nodes = layout.nodes.map((node) => new NodeProcess(node))
  })

  after(async () => {
    await Promise.all(nodes.map((n) => n.kill()))
    dir.remove()
  })

  it('four validators reach height 20', async () => {
    for (const node of nodes.slice(0, 4)) node.start()
    await waitFor('all validators at height 20', async () => (await Promise.all([0, 1, 2, 3].map(heightOf))).every((h) => h >= 20), 120_000)
    const status = await statusOf(0)
    assert.equal(status.peers >= 3, true, `validator0 has ${status.peers} peers`)
  })

  it('after one validator is SIGKILLed, the other three keep committing', async () => {
    await nodes[3]!.kill()
    const start = await heightOf(0)
    // Far enough that the restarted node must catch up by block sync, not consensus gossip.
    await waitFor('three validators 12 heights further', async () => (await Promise.all([0, 1, 2].map(heightOf))).every((h) => h >= start + 12), 60_000)
    assert.equal(nodes[3]!.running, false)
  })

  it('the killed validator restarts and catches up to an identical state root', async () => {
    nodes[3]!.start()
    const tip = await sameTip(3, 0, 90_000)
    assert.ok(tip.height >= 25)
    // And it takes part again: the chain keeps going with it.
    await sameTip(3, 1, 30_000)
  })

  it('an empty full node syncs from genesis to the head', async () => {
    const head = await heightOf(0)
    nodes[4]!.start()
    const tip = await sameTip(4, 0, 90_000)
    assert.ok(tip.height >= head, `full node at ${tip.height}, head was ${head}`)
    // At the network's tip it is no longer syncing, even while the sync loop polls peers once more.
    const status = await statusOf(4)
    assert.equal(status.syncing, false)
    // Its home has a validator key (init makes one) that is not in the set: it is no validator.
    assert.equal(status.validator, null)
    assert.match((await statusOf(0)).validator ?? '', /^fedra1/)
  })
})
