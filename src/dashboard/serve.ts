import { readFileSync, readdirSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'

/** Where the committed, prebuilt dashboard lives (`npm run build:dashboard` writes it). */
export const DASHBOARD_DIST = fileURLToPath(new URL('./dist/', import.meta.url))

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
}

/** The asset files of the dashboard by URL path, read once ('/' is index.html). */
export function loadDashboardAssets(dir: string = DASHBOARD_DIST): Map<string, { type: string; body: Buffer }> {
  const assets = new Map<string, { type: string; body: Buffer }>()
  for (const name of readdirSync(dir)) {
    const type = TYPES[name.slice(name.lastIndexOf('.'))]
    if (type === undefined) continue
    assets.set(`/${name}`, { type, body: readFileSync(`${dir}${name}`) })
  }
  const index = assets.get('/index.html')
  if (index !== undefined) assets.set('/', index)
  return assets
}

/**
 * The dashboard's HTTP routes on the RPC port: GET (or HEAD) `/`, `/index.html` and the bundle's
 * files, nothing else (everything else falls through to the RPC server's own answers). The page
 * loads nothing from elsewhere: a Content-Security-Policy keeps scripts, styles and connections to
 * this origin (the JSON-RPC calls and WebSocket go to the same port).
 */
export function dashboardHttpRoutes(assets = loadDashboardAssets()): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const asset = assets.get(path)
    if (asset === undefined) return false
    res.writeHead(200, {
      'content-type': asset.type,
      'content-length': asset.body.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
    })
    res.end(req.method === 'HEAD' ? undefined : asset.body)
    return true
  }
}
