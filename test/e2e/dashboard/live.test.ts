import assert from 'node:assert/strict'
import { type Browser, chromium } from 'playwright-core'
import { dashboardHttpRoutes } from '../../../src/dashboard/serve.js'
import { type RpcServer, createRpcServer } from '../../../src/rpc/index.js'
import { TestNode } from '../../integration/rpc/support/test-node.js'
import { silentLog } from '../../unit/rpc/support/wire.js'

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/**
 * The dashboard's live connection, against an in-process node that commits a block every 150 ms
 * behind the real RPC server and the dashboard's routes: when the server drops every WebSocket,
 * the page says so, reconnects by itself, resubscribes, and the height goes on advancing with no
 * reload; a page served by a server without the routes gets no dashboard.
 */
describe('the dashboard stays live across a dropped WebSocket (Chromium, in-process node)', function () {
  this.timeout(60_000)
  let node: TestNode
  let server: RpcServer
  let browser: Browser
  const problems: string[] = []

  before(async () => {
    node = await TestNode.start({ blockIntervalMs: 150 })
    server = await createRpcServer({ backend: node, listen: { port: 0 }, log: silentLog, httpRoutes: dashboardHttpRoutes() })
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
  })
  after(async () => {
    await browser?.close()
    await server?.close()
    await node?.stop()
  })

  it('shows the connection state, reconnects after the server drops it, and keeps following blocks', async () => {
    const page = await browser.newPage()
    page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())))
    page.on('pageerror', (e) => problems.push(e.message))
    await page.goto(`${server.address.url}#/blocks`)
    await page.waitForFunction(() => document.getElementById('conn')?.dataset.state === 'live', undefined, { timeout: 15_000 })
    // The page fetches the status' latest block: an error page here has no table to grow.
    await page.waitForFunction(() => document.getElementById('view')?.dataset.ready === 'true', undefined, { timeout: 15_000 })
    assert.equal(await page.locator('#view-error').count(), 0, (await page.locator('#view').textContent()) ?? '')
    const rows = async () => page.locator('#blocks tbody tr').count()
    const before = await rows()
    await page.waitForFunction((n) => document.querySelectorAll('#blocks tbody tr').length > n, before, { timeout: 10_000 })
    server.disconnectWebSockets(1001, 'test drops every WebSocket')
    await page.waitForFunction(
      () =>
        Number(document.getElementById('conn')?.dataset.reconnects ?? 0) >= 1 && document.getElementById('conn')?.dataset.state === 'live',
      undefined,
      { timeout: 15_000 },
    )
    // Resubscribed from the last height seen: new blocks arrive again, each height once.
    const after = await rows()
    await page.waitForFunction((n) => document.querySelectorAll('#blocks tbody tr').length >= n + 3, after, { timeout: 10_000 })
    const heights = (await page.locator('#blocks tbody tr td:first-child').allTextContents()).map(Number)
    assert.deepEqual(
      heights,
      [...new Set(heights)].sort((a, b) => b - a),
      'each height once, newest first',
    )
    assert.deepEqual(problems, [])
  })

  it("a server started without the dashboard routes (dashboard.enabled false) answers GET / with the RPC server's 405", async () => {
    const bare = await createRpcServer({ backend: node, listen: { port: 0 }, log: silentLog })
    try {
      const res = await fetch(bare.address.url)
      assert.equal(res.status, 405)
      assert.equal((await fetch(server.address.url)).status, 200)
    } finally {
      await bare.close()
    }
  })
})
