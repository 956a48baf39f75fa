// The Fedra dashboard: served by each node at / of its RPC port, talking to that node only through
// src/client (JSON-RPC over HTTP, a WebSocket for new blocks). Bundled by scripts/build-dashboard.ts.
import 'uplot/dist/uPlot.min.css'
import './style.css'
import { Ctx } from './context.js'
import { h } from './dom.js'
import { ROUTES } from './views.js'

const ctx = new Ctx(`${location.origin}/`)
const view = document.getElementById('view')!
const conn = document.getElementById('conn')!
let generation = 0

async function render(soft = false): Promise<void> {
  const mine = ++generation
  ctx.clearListeners()
  const [name = '', ...args] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent)
  const route = ROUTES[name]
  document.body.dataset.view = name || 'overview'
  if (!soft) view.dataset.ready = 'false'
  try {
    if (route === undefined) throw new Error(`no page ${location.hash}`)
    const el = await route(ctx, args)
    if (mine !== generation) return
    view.replaceChildren(el)
  } catch (error) {
    if (mine !== generation) return
    view.replaceChildren(
      h('div', { class: 'error', id: 'view-error' }, h('h1', null, 'Could not load this page'), h('p', null, (error as Error).message)),
    )
  }
  view.dataset.ready = 'true'
}

/** Search: a height, a 64-hex block or tx hash, or an address. */
document.getElementById('search')!.addEventListener('submit', async (event) => {
  event.preventDefault()
  const q = (new FormData(event.target as HTMLFormElement).get('q') as string).trim()
  if (/^\d+$/.test(q)) location.hash = `#/block/${q}`
  else if (/^fedra1[0-9a-z]+$/.test(q)) location.hash = `#/account/${q}`
  else if (/^[0-9a-fA-F]{64}$/.test(q)) {
    const hash = q.toLowerCase()
    const isTx = await ctx.client.tx(hash).then(
      () => true,
      () => false,
    )
    location.hash = isTx ? `#/tx/${hash}` : `#/block/${hash}`
  } else view.replaceChildren(h('div', { class: 'error' }, h('p', null, `"${q}" is not a height, a hash or a fedra1… address`)))
})

/** The connection state: live while the WebSocket is open, reconnecting (with a button to try now) otherwise. */
function showConnection(): void {
  const up = ctx.client.ws.connected
  const state = up ? 'live' : 'reconnecting'
  if (conn.dataset.state === state) return
  conn.dataset.state = state
  conn.replaceChildren(up ? '● live' : '○ reconnecting…', up ? '' : h('button', { onclick: () => ctx.client.ws.reconnectNow() }, 'now'))
}

async function live(): Promise<void> {
  for (;;) {
    try {
      await ctx.client.subscribeBlocks((n) => ctx.deliverBlock(n.result))
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
}

ctx.refresh = () => void render(true)
window.addEventListener('hashchange', () => void render())
window.addEventListener('online', () => ctx.client.ws.reconnectNow())
// Counted for the page and its tests: each time the WebSocket came back and resubscribed.
ctx.client.ws.onReconnect = () => {
  conn.dataset.reconnects = String(Number(conn.dataset.reconnects ?? 0) + 1)
  showConnection()
}
setInterval(showConnection, 250)
void live().then(showConnection)
void render()
