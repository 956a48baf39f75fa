import assert from 'node:assert/strict'
import { FedraClient } from '../../../src/client/index.js'
import { createDevnet, type DevnetLayout } from '../../../src/devnet/layout.js'
import { NodeProcess, waitFor } from '../../../src/devnet/process.js'
import { type StatusReport, SYNC_MARGIN } from '../../../src/node/node.js'
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

  const statusOf = async (i: number): Promise<StatusReport> => {
    const status = await nodes[i]!.status()
    if (status === null) throw new Error(`${nodes[i]!.node.name} does not answer`)
    return status
  }
  const heightOf = async (i: number): Promise<number> => (await nodes[i]!.status())?.height ?? -1

  /**
   * Waits until node `a` reaches the height node `b` had when the wait began, then checks that
   * a's tip is b's block at that height (block id and state root, read from b over RPC). Not "both
   * report one height at one instant": on a loaded machine a follower can trail by a block for a
   * long time while being perfectly in step.
   */
  const caughtUp = async (a: number, b: number, timeoutMs: number): Promise<StatusReport> => {
    const target = await heightOf(b)
    const tip = await waitFor(
      `${nodes[a]!.node.name} at ${nodes[b]!.node.name}'s height ${target}`,
      async () => {
        const status = await nodes[a]!.status()
        return status !== null && status.height >= target ? status : undefined
      },
      timeoutMs,
      50,
    )
    const client = new FedraClient({ url: `http://127.0.0.1:${layout.nodes[b]!.rpcPort}/` })
    try {
      const block = await waitFor(
        `${nodes[b]!.node.name}'s block ${tip.height}`,
        () => client.block(tip.height).catch(() => undefined),
        30_000,
        50,
      )
      assert.equal(tip.blockId, block.blockId, `block ids differ at height ${tip.height}`)
      assert.equal(tip.stateRoot, block.header.stateRoot, `state roots differ at height ${tip.height}`)
    } finally {
      client.close()
    }
    return tip
  }

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
    // The mesh completes on its own (bootstrap redials); on a loaded machine a link can still be up.
    await waitFor('validator0 connected to the three others', async () => ((await statusOf(0)).peers >= 3 ? true : undefined), 60_000)
  })

  it('after one validator is SIGKILLed, the other three keep committing', async () => {
    await nodes[3]!.kill()
    const start = await heightOf(0)
    // Far enough that the restarted node must catch up by block sync, not consensus gossip.
    await waitFor(
      'three validators 12 heights further',
      async () => (await Promise.all([0, 1, 2].map(heightOf))).every((h) => h >= start + 12),
      60_000,
    )
    assert.equal(nodes[3]!.running, false)
  })

  it('the killed validator restarts and catches up to an identical state root', async () => {
    nodes[3]!.start()
    const tip = await caughtUp(3, 0, 90_000)
    assert.ok(tip.height >= 25)
    // And it takes part again: the chain keeps going with it.
    await caughtUp(3, 1, 30_000)
  })

  it('an empty full node syncs from genesis to the head', async () => {
    const head = await heightOf(0)
    nodes[4]!.start()
    const tip = await caughtUp(4, 0, 90_000)
    assert.ok(tip.height >= head, `full node at ${tip.height}, head was ${head}`)
    // Within the sync margin of the tip it reports not syncing, even while its sync loop polls
    // peers once more. Read full0 first: validator0's later height bounds the network's at that
    // moment, so a full0 within the margin of it was at the tip when it answered.
    const status = await waitFor(
      'full0 within the sync margin of validator0',
      async () => {
        const [full, validator] = [await nodes[4]!.status(), await nodes[0]!.status()]
        return full !== null && validator !== null && full.height + SYNC_MARGIN >= validator.height ? full : undefined
      },
      60_000,
      50,
    )
    assert.equal(status.syncing, false, `full0 at ${status.height} reports syncing`)
    // Its home has a validator key (init makes one) that is not in the set: it is no validator.
    assert.equal(status.validator, null)
    assert.match((await statusOf(0)).validator ?? '', /^fedra1/)
  })
})
