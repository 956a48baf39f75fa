import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FedraClient, type PrivateKey, buildTx, govContent, messages } from '../../src/client/index.js'
import { type DevnetLayout, createDevnet, devnetAccount, devnetOperator } from '../../src/devnet/layout.js'
import { NodeProcess, waitFor } from '../../src/devnet/process.js'
import { UPGRADE_HALT_EXIT_CODE } from '../../src/node/upgrade.js'
import { tempDir } from '../helpers/chain.js'

const UPGRADE = 'v2-fedra'
/** How far above the submission height the upgrade is planned: room for two votes and a 4 s voting period. */
const LEAD = 40

/** Resolves with a process's exit code once it exits by itself (no stop or kill asked it to). */
const exited = (node: NodeProcess) => new Promise<number | null>((resolve) => node.onUnexpectedExit((code) => resolve(code)))

/**
 * Issue 24's software-upgrade halt on real processes (`npm run e2e:upgrade`, about a minute; not
 * in `npm test`): two validators pass a MsgSoftwareUpgrade; at its height both `fedra start`
 * processes stop before executing it, log `UPGRADE "v2-fedra" NEEDED at height H` and exit with
 * status 3; a restart without the upgrade is refused the same way; restarted with
 * `--upgrade v2-fedra` they execute H (gov records the upgrade applied there) and the chain goes on.
 */
describe('software upgrade: every node halts at the planned height and resumes when restarted with it (real processes)', function () {
  this.timeout(300_000)
  const dir = tempDir('fedra-e2e-upgrade-')
  let layout: DevnetLayout
  let nodes: NodeProcess[] = []
  let client: FedraClient | null = null

  after(async () => {
    client?.close()
    await Promise.all(nodes.map((n) => n.kill()))
    dir.remove()
  })

  const logOf = (i: number) => readFileSync(join(layout.nodes[i]!.home, 'node.log'), 'utf8')

  it('halts both validators before the upgrade height with its name in the log and exit status 3, then resumes with --upgrade', async () => {
    layout = await createDevnet({
      dir: dir.path,
      validators: 2,
      fullNodes: 0,
      chainId: 'fedra-e2e-upgrade',
      commitDelayMs: 100,
      accounts: 2,
      appState: { gov: { params: { max_deposit_period: '4000', voting_period: '4000', expedited_voting_period: '2000' } } },
    })
    nodes = layout.nodes.map((node) => new NodeProcess(node))
    for (const node of nodes) node.start()
    client = new FedraClient({ url: `http://127.0.0.1:${layout.nodes[0]!.rpcPort}/`, timeoutMs: 30_000 })
    const rpc = client
    await waitFor('height 2', async () => ((await rpc.status().catch(() => null))?.syncInfo.latestHeight ?? 0) >= 2, 90_000, 200)

    const send = async (key: PrivateKey, msgs: Uint8Array[]) => {
      const answer = await rpc.broadcastTx(await buildTx(rpc, key, msgs, { fee: 200n, gasLimit: 1_000_000n }), 'commit', 30_000)
      assert.equal(answer.result?.code, 0, JSON.stringify(answer.result))
    }
    const { min_deposit } = await rpc.call('gov_params')
    const planHeight = (await rpc.status()).syncInfo.latestHeight + LEAD
    await send(devnetAccount(0), [
      messages.govSubmitProposal({
        messages: [govContent.softwareUpgrade({ name: UPGRADE, height: planHeight, info: 'fedra v2: restart with --upgrade v2-fedra' })],
        title: 'upgrade to v2',
        summary: 'halt and restart',
        deposit: `${min_deposit}ufdr`,
      }),
    ])
    const id = (await rpc.call('gov_proposals', {})).proposals[0]!.id
    await send(devnetOperator(0), [messages.govVote(id, 'yes')])
    await send(devnetOperator(1), [messages.govVote(id, 'yes')])
    const halts = nodes.map(exited)
    const plan = await waitFor(
      'the plan',
      async () => (await rpc.call('gov_upgradePlan').catch(() => null))?.plan ?? undefined,
      60_000,
      200,
    )
    assert.deepEqual(plan, { name: UPGRADE, height: String(planHeight), info: 'fedra v2: restart with --upgrade v2-fedra', proposal: id })
    assert.ok((await rpc.status()).syncInfo.latestHeight < planHeight, 'the plan passed before its height')
    client.close()
    client = null

    // Both stop on their own, at height H − 1, with the name in the log and status 3.
    const codes = await Promise.race([
      Promise.all(halts),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the nodes did not halt within 120 s')), 120_000).unref()),
    ])
    assert.deepEqual(codes, [UPGRADE_HALT_EXIT_CODE, UPGRADE_HALT_EXIT_CODE])
    const line = new RegExp(`UPGRADE \\\\?"${UPGRADE}\\\\?" NEEDED at height ${planHeight}: fedra v2`)
    for (const i of [0, 1]) {
      const log = logOf(i)
      assert.match(log, line, `validator${i}'s log`)
      const halted = log
        .split('\n')
        .filter((l) => /NEEDED at height/.test(l) && l.startsWith('{'))
        .map((l) => JSON.parse(l) as { height: number; upgrade: string })[0]!
      assert.deepEqual([halted.height, halted.upgrade], [planHeight - 1, UPGRADE], 'halted with H − 1 committed')
      assert.doesNotMatch(log, new RegExp(`"height":${planHeight},"round":\\d+,"block"[^\\n]*"msg":"decided"`), 'nothing decided at H')
    }

    // Restarted without the upgrade: refused at once, the same line, the same status.
    const again = exited(nodes[0]!)
    nodes[0]!.start()
    assert.equal(await again, UPGRADE_HALT_EXIT_CODE)
    assert.equal(logOf(0).match(new RegExp(line.source, 'g'))!.length >= 2, true, 'logged again on the refused start')

    // Restarted with --upgrade: H executes, gov records the upgrade applied there, the chain goes on.
    nodes = layout.nodes.map((node) => new NodeProcess(node, { entry: NodeProcess.fedra('start', '--upgrade', UPGRADE) }))
    for (const node of nodes) node.start()
    const resumed = new FedraClient({ url: `http://127.0.0.1:${layout.nodes[0]!.rpcPort}/`, timeoutMs: 30_000 })
    client = resumed
    await waitFor(
      `height ${planHeight + 3}`,
      async () => ((await resumed.status().catch(() => null))?.syncInfo.latestHeight ?? 0) >= planHeight + 3,
      120_000,
      200,
    )
    assert.deepEqual((await resumed.call('gov_appliedUpgrades')).upgrades, [{ name: UPGRADE, height: String(planHeight) }])
    assert.equal((await resumed.call('gov_upgradePlan')).plan, null)
    const statuses = await Promise.all(nodes.map((n) => n.status()))
    assert.ok(
      statuses.every((s) => s !== null && s.height >= planHeight + 2),
      JSON.stringify(statuses.map((s) => s?.height)),
    )
  })
})
