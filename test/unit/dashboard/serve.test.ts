import assert from 'node:assert/strict'
import { type Server, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { dashboardHttpRoutes, loadDashboardAssets } from '../../../src/dashboard/serve.js'
import { loadNodeConfig } from '../../../src/node/config.js'
import { NodeError } from '../../../src/node/errors.js'
import { tempDir } from '../../helpers/chain.js'

const get = (port: number, path: string, method = 'GET') =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })

describe('dashboard routes on the RPC port (src/dashboard/serve.ts)', () => {
  let server: Server
  let port: number
  before(async () => {
    const routes = dashboardHttpRoutes()
    server = createServer((req, res) => {
      if (routes(req, res)) return
      res.writeHead(405).end('fell through')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('serves the page at / and its assets with their types and a same-origin CSP', async () => {
    const page = await get(port, '/')
    assert.equal(page.status, 200)
    assert.match(String(page.headers['content-type']), /^text\/html/)
    assert.match(page.body, /<title>Fedra dashboard<\/title>/)
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/)
    const js = await get(port, '/app.js')
    assert.equal(js.status, 200)
    assert.match(String(js.headers['content-type']), /^text\/javascript/)
    assert.equal(Number(js.headers['content-length']), loadDashboardAssets().get('/app.js')!.body.length)
    assert.equal((await get(port, '/app.css')).status, 200)
    assert.equal((await get(port, '/index.html')).body, page.body)
    const head = await get(port, '/', 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.body, '')
  })

  it('leaves everything else to the RPC server: other paths, POST, query-less traversal attempts', async () => {
    for (const path of ['/nope', '/../package.json', '/%2e%2e/package.json', '/app.js/x', '/dist/app.js'])
      assert.equal((await get(port, path)).body, 'fell through', path)
    assert.equal((await get(port, '/', 'POST')).body, 'fell through')
  })

  it('serves only html, js and css files from the folder it is given', () => {
    const dir = tempDir('fedra-dash-assets-')
    try {
      writeFileSync(join(dir.path, 'index.html'), '<p>x</p>')
      writeFileSync(join(dir.path, 'secret.json'), '{}')
      mkdirSync(join(dir.path, 'sub'))
      const assets = loadDashboardAssets(`${dir.path}/`)
      assert.deepEqual([...assets.keys()].sort(), ['/', '/index.html'])
    } finally {
      dir.remove()
    }
  })
})

describe('dashboard.enabled (config, flag --dashboard.enabled, FEDRA_DASHBOARD_ENABLED)', () => {
  const dir = tempDir()
  after(() => dir.remove())
  before(() => {
    mkdirSync(join(dir.path, 'config'), { recursive: true })
    writeFileSync(join(dir.path, 'config', 'config.json'), '{}')
  })

  it('is on by default and turned off by the file, the environment or the flag', () => {
    assert.equal(loadNodeConfig(dir.path, {}, {}).dashboard.enabled, true)
    assert.equal(loadNodeConfig(dir.path, { 'dashboard.enabled': 'false' }, {}).dashboard.enabled, false)
    assert.equal(loadNodeConfig(dir.path, {}, { FEDRA_DASHBOARD_ENABLED: 'false' }).dashboard.enabled, false)
    writeFileSync(join(dir.path, 'config', 'config.json'), JSON.stringify({ dashboard: { enabled: false } }))
    assert.equal(loadNodeConfig(dir.path, {}, {}).dashboard.enabled, false)
    writeFileSync(join(dir.path, 'config', 'config.json'), '{}')
  })

  it('refuses a value that is not true or false, naming the setting', () => {
    assert.throws(
      () => loadNodeConfig(dir.path, { 'dashboard.enabled': 'off' }, {}),
      (e: unknown) =>
        e instanceof NodeError &&
        e.code === 'CONFIG_INVALID' &&
        e.context.field === 'dashboard.enabled' &&
        /must be true or false/.test(e.message),
    )
    writeFileSync(join(dir.path, 'config', 'config.json'), JSON.stringify({ dashboard: { enable: false } }))
    assert.throws(
      () => loadNodeConfig(dir.path, {}, {}),
      (e: unknown) => e instanceof NodeError && e.context.field === 'dashboard.enable',
    )
    writeFileSync(join(dir.path, 'config', 'config.json'), '{}')
  })
})
