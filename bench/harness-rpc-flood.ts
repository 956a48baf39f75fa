/**
 * A subscription flood for the rpc bench, run as its own process (its own event loop and core,
 * so the node's slowdown is the server's work, not the clients'): SOCKETS WebSockets, each
 * sending SUBS `subscribe newBlocks fromHeight` in one batch, then reading everything sent.
 * With SPREAD each socket comes from its own loopback address (127.0.0.10, .11, …), as a flood
 * from many clients would; without, all come from 127.0.0.1. Prints `ready` once every
 * subscribe is answered, and its counts as one JSON line when sent SIGTERM.
 *
 * node --import tsx bench/harness-rpc-flood.ts WS_URL SOCKETS SUBS FROM_HEIGHT SPREAD(0|1)
 */
import WebSocket from 'ws'

const [url, socketsArg, subsArg, fromArg, spreadArg] = process.argv.slice(2)
const sockets = Number(socketsArg)
const subs = Number(subsArg)
const fromHeight = Number(fromArg)
const spread = spreadArg === '1'

const counts = {
  opened: 0,
  refusedConnections: 0,
  subscribed: 0,
  refused: {} as Record<string, number>,
  notifications: 0,
  bytes: 0,
  closed: 0,
}
let answered = 0
const open: WebSocket[] = []

const done = () => {
  if (answered >= sockets * subs) {
    answered = -Infinity
    console.log('ready')
  }
}

for (let i = 0; i < sockets; i++) {
  const ws = new WebSocket(url!, {
    perMessageDeflate: false,
    maxPayload: 64 * 1024 * 1024,
    ...(spread ? { localAddress: `127.0.0.${10 + i}` } : {}),
  })
  open.push(ws)
  ws.on('open', () => {
    counts.opened++
    const batch = Array.from({ length: subs }, (_, j) => ({
      jsonrpc: '2.0',
      method: 'subscribe',
      params: { kind: 'newBlocks', fromHeight },
      id: j,
    }))
    ws.send(JSON.stringify(batch))
  })
  ws.on('message', (data: Buffer) => {
    counts.bytes += data.length
    const text = data.toString('utf8')
    if (text.startsWith('[')) {
      for (const answer of JSON.parse(text) as { result?: unknown; error?: { code: number; data?: { scope?: string } } }[]) {
        if (answer.result !== undefined) counts.subscribed++
        else {
          const key = `${answer.error!.code}${answer.error!.data?.scope === undefined ? '' : `/${answer.error!.data.scope}`}`
          counts.refused[key] = (counts.refused[key] ?? 0) + 1
        }
      }
      answered += subs
      done()
    } else {
      counts.notifications++
    }
  })
  ws.on('unexpected-response', () => {
    counts.refusedConnections++
    answered += subs
    done()
  })
  ws.on('error', () => {})
  ws.on('close', () => counts.closed++)
}
setTimeout(() => {
  if (answered >= 0) {
    answered = sockets * subs
    done()
  }
}, 20_000).unref()

process.on('SIGTERM', () => {
  console.log(JSON.stringify(counts))
  for (const ws of open) ws.terminate()
  process.exit(0)
})
