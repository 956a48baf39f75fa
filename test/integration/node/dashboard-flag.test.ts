import '../../../src/p2p/polyfill.js'
import assert from 'node:assert/strict'
import { createDevnet } from '../../../src/devnet/layout.js'
import { loadNodeConfig } from '../../../src/node/config.js'
import { FedraNode } from '../../../src/node/node.js'
import { tempDir } from '../../helpers/chain.js'

/**
 * The node serves its dashboard at / of the RPC port, beside JSON-RPC (POST /) and the blob
 * routes, unless dashboard.enabled is false (config, --dashboard.enabled false, or
 * FEDRA_DASHBOARD_ENABLED=false); then GET / is the RPC server's 405 and RPC still answers.
 */
describe('fedra start serves the dashboard at / of its RPC port (dashboard.enabled)', function () {
  this.timeout(60_000)
  const dir = tempDir('fedra-dash-flag-')
  after(() => dir.remove())

  for (const enabled of [true, false]) {
    it(
      enabled
        ? 'on by default: GET / is the page, /app.js its script, and JSON-RPC answers on the same port'
        : 'dashboard.enabled false: GET / is 405, JSON-RPC still answers',
      async () => {
        const layout = await createDevnet({
          dir: `${dir.path}/${enabled}`,
          validators: 1,
          fullNodes: 0,
          chainId: 'fedra-dash-1',
          commitDelayMs: 100,
          accounts: 1,
        })
        const home = layout.nodes[0]!.home
        const flags = enabled ? {} : { 'dashboard.enabled': 'false' }
        const node = await FedraNode.open(home, {
          ...loadNodeConfig(home, flags, {}),
          p2p: { listen: '/ip4/127.0.0.1/tcp/0', bootstrap: [], maxPeers: 10 },
          metrics: { listen: '127.0.0.1:0' },
          rpc: { ...loadNodeConfig(home).rpc, listen: '127.0.0.1:0' },
        })
        try {
          await node.start()
          const url = node.status().listen.rpc!
          const page = await fetch(url)
          assert.equal(page.status, enabled ? 200 : 405)
          if (enabled) {
            assert.match(await page.text(), /<script src="app\.js"><\/script>/)
            assert.equal((await fetch(`${url}app.js`)).status, 200)
          }
          const rpc = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"jsonrpc":"2.0","id":1,"method":"chain_status"}',
          })
          assert.equal(((await rpc.json()) as { result: { nodeInfo: { network: string } } }).result.nodeInfo.network, 'fedra-dash-1')
        } finally {
          await node.stop()
        }
      },
    )
  }
})
