import { type Server, type Socket, connect, createServer } from 'node:net'
import { HarnessError } from './errors.js'

/**
 * One TCP proxy on loopback that the harness owns: node A dials node B only through the proxy
 * of the ordered pair (A, B), so cutting it is a network partition of that link. `cut()` drops
 * every connection through it and refuses new ones (accepted and reset at once, as a dead link
 * looks to libp2p); `restore()` lets connections through again.
 */
export class FaultProxy {
  readonly #target: number
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  #cut = false
  #port = 0
  /** Bytes forwarded either way, for the soak report. */
  bytes = 0

  private constructor(target: number) {
    this.#target = target
    this.#server = createServer((client) => this.#accept(client))
  }

  /** Listens on 127.0.0.1 at a free port, forwarding to 127.0.0.1:`target`. @throws HarnessError PROXY_FAILED */
  static async open(target: number): Promise<FaultProxy> {
    const proxy = new FaultProxy(target)
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', (error) =>
        reject(new HarnessError('PROXY_FAILED', `proxy to port ${target} cannot listen: ${error.message}`, { reason: error.message })),
      )
      proxy.#server.listen(0, '127.0.0.1', () => resolve())
    })
    const address = proxy.#server.address()
    proxy.#port = typeof address === 'object' && address !== null ? address.port : 0
    return proxy
  }

  get port(): number {
    return this.#port
  }

  get isCut(): boolean {
    return this.#cut
  }

  /** Connections open through the proxy now. */
  get connections(): number {
    return this.#sockets.size / 2
  }

  cut(): void {
    this.#cut = true
    for (const socket of this.#sockets) socket.destroy()
    this.#sockets.clear()
  }

  restore(): void {
    this.#cut = false
  }

  async close(): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #accept(client: Socket): void {
    if (this.#cut) {
      client.resetAndDestroy()
      return
    }
    const upstream = connect(this.#target, '127.0.0.1')
    const pair = [client, upstream]
    for (const socket of pair) {
      this.#sockets.add(socket)
      socket.setNoDelay(true)
      // Either side going away takes the other with it, as one TCP connection would.
      socket.once('close', () => {
        this.#sockets.delete(socket)
        for (const other of pair) if (other !== socket) other.destroy()
      })
      socket.on('error', () => socket.destroy())
    }
    client.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length
      if (!upstream.write(chunk)) client.pause()
    })
    upstream.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length
      if (!client.write(chunk)) upstream.pause()
    })
    upstream.on('drain', () => client.resume())
    client.on('drain', () => upstream.resume())
  }
}

/**
 * The proxies between every ordered pair of nodes. A node's bootstrap list names, for each
 * other node, the proxy of that pair with the other node's peer id; with the
 * `p2p-no-announce` switch no node learns another's real listen address, so every libp2p
 * connection runs through a proxy of this mesh.
 */
export class ProxyMesh {
  readonly #proxies = new Map<string, FaultProxy>()
  /** Links cut now, as `a|b` with a < b. */
  readonly #down = new Set<string>()

  private constructor() {}

  /** `nodes`: name → its real p2p port. */
  static async open(nodes: ReadonlyMap<string, number>): Promise<ProxyMesh> {
    const mesh = new ProxyMesh()
    for (const [from] of nodes) {
      for (const [to, port] of nodes) if (from !== to) mesh.#proxies.set(`${from}>${to}`, await FaultProxy.open(port))
    }
    return mesh
  }

  /** Adds a node (a twin) linked to every node already in the mesh. */
  async add(name: string, port: number, ports: ReadonlyMap<string, number>): Promise<void> {
    for (const [other, otherPort] of ports) {
      if (other === name) continue
      this.#proxies.set(`${name}>${other}`, await FaultProxy.open(otherPort))
      this.#proxies.set(`${other}>${name}`, await FaultProxy.open(port))
    }
  }

  /** The port `from` dials to reach `to`. */
  port(from: string, to: string): number {
    const proxy = this.#proxies.get(`${from}>${to}`)
    if (proxy === undefined) throw new HarnessError('NODE_UNKNOWN', `no proxy from ${from} to ${to}`, { node: to })
    return proxy.port
  }

  /**
   * Cuts every link between two nodes that share no group, restores every other: a node in
   * two groups is a bridge, a node in none is isolated.
   */
  partition(groups: readonly (readonly string[])[]): void {
    const names = new Set([...this.#proxies.keys()].flatMap((key) => key.split('>')))
    for (const a of names) {
      for (const b of names) {
        if (a >= b) continue
        const linked = groups.some((g) => g.includes(a) && g.includes(b))
        this.#setLink(a, b, linked)
      }
    }
  }

  /** Restores every link. */
  heal(): void {
    for (const proxy of this.#proxies.values()) proxy.restore()
    this.#down.clear()
  }

  /** Links cut now, `a|b`. */
  get cutLinks(): string[] {
    return [...this.#down].sort()
  }

  get bytes(): number {
    let total = 0
    for (const proxy of this.#proxies.values()) total += proxy.bytes
    return total
  }

  async close(): Promise<void> {
    await Promise.all([...this.#proxies.values()].map((p) => p.close()))
  }

  #setLink(a: string, b: string, up: boolean): void {
    for (const key of [`${a}>${b}`, `${b}>${a}`]) {
      const proxy = this.#proxies.get(key)
      if (proxy === undefined) continue
      if (up) proxy.restore()
      else proxy.cut()
    }
    if (up) this.#down.delete(`${a}|${b}`)
    else this.#down.add(`${a}|${b}`)
  }
}
