import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Logger } from 'pino'
import { WebSocketServer, type WebSocket, type RawData } from 'ws'
import { logger } from '../log/index.js'
import { Dispatcher } from './dispatcher.js'
import { RpcError } from './errors.js'
import { type RpcLimits, resolveLimits } from './limits.js'
import type { MethodTable } from './method.js'
import { Session } from './session.js'

/** WebSocket close codes the server uses beyond the standard ones. */
export const WS_CLOSE = {
  GOING_AWAY: 1001,
  TOO_BIG: 1009,
  POLICY: 1008,
  /** The client did not read its notifications fast enough. */
  SLOW_CONSUMER: 4008,
  /** No pong to a ping within wsIdleTimeoutMs. */
  IDLE: 4000,
} as const

export interface ListenOptions {
  host?: string
  /** 0 picks a free port. */
  port: number
}

export interface ServerAddress {
  host: string
  port: number
  /** http://host:port/ */
  url: string
  /** ws://host:port/ */
  wsUrl: string
}

export interface JsonRpcServerOptions {
  table: MethodTable
  listen: ListenOptions
  limits?: Partial<RpcLimits>
  log?: Logger
  now?: () => number
  /**
   * Other HTTP routes on the same port (the node's /health, /metrics, dashboard): return true
   * when handled. Everything else that is not a POST is answered 405.
   */
  httpRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean
}

export interface JsonRpcServer {
  readonly address: ServerAddress
  readonly limits: RpcLimits
  /** Sessions open now (HTTP sockets and WebSockets). */
  readonly sessionCount: number
  /** Closes every WebSocket (clients reconnect and resume); HTTP keeps serving. */
  disconnectWebSockets(code?: number, reason?: string): void
  close(): Promise<void>
}

const JSON_HEADERS = { 'content-type': 'application/json' }
/** How long the server keeps an idle keep-alive HTTP connection open (well past any client's own idle timeout). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000

function tooLarge(limit: number): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id: null,
    error: new RpcError('INVALID_REQUEST', { reason: 'body too large', limit }, `body larger than ${limit} bytes`).toObject(),
  })
}

/**
 * The whole HTTP answer to a connection over its address's limit, written before any request
 * is read: 429 with the JSON-RPC error as the body (a WebSocket client sees the 429 as its
 * failed upgrade).
 */
function tooManyConnections(limit: number): string {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: null,
    error: new RpcError('TOO_MANY_CONNECTIONS', { limit, scope: 'ip' }, `at most ${limit} connections per client address`).toObject(),
  })
  return `HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
}

/**
 * JSON-RPC 2.0 over HTTP POST and WebSocket on one port. HTTP answers 200 with the response
 * (204 with no body when the request held only notifications); a body over the limit gets
 * 413 with a -32600 error and the connection closed. WebSocket messages are requests; replies
 * and notifications go back as text messages.
 */
export async function createJsonRpcServer(options: JsonRpcServerOptions): Promise<JsonRpcServer> {
  const limits = resolveLimits(options.limits)
  const log = options.log ?? logger('rpc')
  const now = options.now ?? Date.now
  const dispatcher = new Dispatcher(options.table, limits, log)
  const sockets = new Set<Socket>()
  const perAddress = new Map<string, number>()
  const httpSessions = new WeakMap<Socket, Session>()
  const wsSessions = new Set<{ ws: WebSocket; session: Session }>()
  let nextSessionId = 1
  let closing = false

  const server: Server = createServer({ requestTimeout: 30_000, headersTimeout: 20_000 }, (req, res) => {
    if (options.httpRoutes?.(req, res) === true) return
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', ...JSON_HEADERS }).end(JSON.stringify({ error: 'JSON-RPC over POST, or a WebSocket upgrade' }))
      return
    }
    const socket = req.socket
    const session = httpSessions.get(socket)
    if (session === undefined || closing) {
      res.writeHead(503, JSON_HEADERS).end()
      return
    }
    const refuse = () => {
      res.writeHead(413, { ...JSON_HEADERS, connection: 'close' }).end(tooLarge(limits.maxBodyBytes), () => socket.destroy())
    }
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limits.maxBodyBytes) return refuse()
    const chunks: Buffer[] = []
    let size = 0
    let refused = false
    req.on('data', (chunk: Buffer) => {
      if (refused) return
      size += chunk.length
      if (size > limits.maxBodyBytes) {
        refused = true
        chunks.length = 0
        refuse()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (refused) return
      dispatcher.handle(Buffer.concat(chunks).toString('utf8'), session).then(
        (text) => {
          if (res.destroyed) return
          if (text === null) res.writeHead(204).end()
          else res.writeHead(200, JSON_HEADERS).end(text)
        },
        (error: unknown) => {
          log.error({ err: error }, 'RPC dispatch failed')
          if (!res.destroyed) res.writeHead(500, JSON_HEADERS).end()
        },
      )
    })
    req.on('error', () => socket.destroy())
  })

  server.on('connection', (socket: Socket) => {
    if (closing || sockets.size >= limits.maxConnections) {
      socket.destroy()
      return
    }
    const address = socket.remoteAddress ?? 'unknown'
    const held = perAddress.get(address) ?? 0
    if (held >= limits.maxConnectionsPerIp) {
      socket.end(tooManyConnections(limits.maxConnectionsPerIp))
      // A client that does not read its answer must not hold the socket open either.
      setTimeout(() => socket.destroy(), 1000).unref()
      return
    }
    perAddress.set(address, held + 1)
    sockets.add(socket)
    const session = new Session({ id: nextSessionId++, transport: 'http', address, limits, now, terminate: () => socket.destroy() })
    httpSessions.set(socket, session)
    socket.on('close', () => {
      sockets.delete(socket)
      const left = (perAddress.get(address) ?? 1) - 1
      if (left > 0) perAddress.set(address, left)
      else perAddress.delete(address)
      session.closed()
    })
  })
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n')
    else socket.destroy()
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxBodyBytes, perMessageDeflate: false })
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (closing) {
      socket.destroy()
      return
    }
    // An upgraded socket stops being an HTTP session: it becomes the WebSocket's.
    httpSessions.get(socket)?.closed()
    wss.handleUpgrade(req, socket, head, (ws) => acceptWebSocket(ws, socket.remoteAddress ?? 'unknown'))
  })

  function acceptWebSocket(ws: WebSocket, address: string): void {
    const session = new Session({
      id: nextSessionId++,
      transport: 'ws',
      address,
      limits,
      now,
      push: (text) => {
        if (ws.bufferedAmount > limits.maxSendBufferBytes) {
          session.close(WS_CLOSE.SLOW_CONSUMER, 'slow consumer')
          return
        }
        ws.send(text)
      },
      buffered: () => ws.bufferedAmount,
      terminate: (code, reason) => {
        ws.close(code, reason)
        // A consumer too slow to read will not read the close frame either.
        setTimeout(() => ws.terminate(), 1000).unref()
      },
    })
    const entry = { ws, session }
    wsSessions.add(entry)
    let alive = true
    const pinger = setInterval(() => {
      if (!alive) {
        session.close(WS_CLOSE.IDLE, 'no pong')
        return
      }
      alive = false
      ws.ping()
    }, limits.wsIdleTimeoutMs)
    pinger.unref()
    ws.on('pong', () => {
      alive = true
    })
    ws.on('message', (data: RawData) => {
      alive = true
      // Binary frames are read as UTF-8 text too; invalid JSON then answers -32700.
      const text = (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8')
      dispatcher.handle(text, session).then(
        (reply) => {
          if (reply !== null) session.push(reply)
        },
        (error: unknown) => {
          log.error({ err: error }, 'RPC dispatch failed')
          session.close(1011, 'internal error')
        },
      )
    })
    // A frame error (message over maxPayload, invalid UTF-8) has already sent the close frame
    // with its code (1009, 1007); the socket is drained, not read. Terminating at once would
    // reset a connection the client is still writing to and lose that frame (the client would
    // see 1006), so allow it a moment to arrive, as `terminate` in the session does.
    ws.on('error', () => setTimeout(() => ws.terminate(), 1000).unref())
    ws.on('close', () => {
      clearInterval(pinger)
      wsSessions.delete(entry)
      session.closed()
    })
  }

  // An idle keep-alive socket is closed by its client (undici: after 4 s), not by the server: a
  // server that closes first (Node's default, 5 s) races a client whose event loop was busy past
  // that (a spawnSync, an evaluation), which then sends on a closed socket and gets "other side
  // closed" for a POST it may not retry.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.listen.port, options.listen.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const info = server.address() as AddressInfo
  const host = info.family === 'IPv6' ? `[${info.address}]` : info.address
  const address: ServerAddress = {
    host: info.address,
    port: info.port,
    url: `http://${host}:${info.port}/`,
    wsUrl: `ws://${host}:${info.port}/`,
  }
  log.info({ url: address.url }, 'JSON-RPC listening')

  return {
    address,
    limits,
    get sessionCount() {
      return sockets.size
    },
    disconnectWebSockets(code: number = WS_CLOSE.GOING_AWAY, reason = 'disconnected by the server') {
      for (const { session } of wsSessions) session.close(code, reason)
    },
    async close() {
      if (closing) return
      closing = true
      for (const { ws, session } of wsSessions) {
        session.closed()
        ws.close(WS_CLOSE.GOING_AWAY, 'server shutting down')
        ws.terminate()
      }
      wss.close()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      for (const socket of sockets) socket.destroy()
      await closed
    },
  }
}
