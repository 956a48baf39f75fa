import assert from 'node:assert/strict'
import { type Server, type Socket, connect, createServer } from 'node:net'
import { once } from 'node:events'
import { FaultProxy, ProxyMesh } from '../../../src/harness/proxy.js'

/** An echo server on loopback: what a node's p2p port is to the proxy. */
async function echo(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => s.pipe(s))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, port: (server.address() as { port: number }).port }
}

/** Sends `text` through a fresh connection to `port`; resolves with the echo, or null if the connection dies first. */
async function roundTrip(port: number, text: string): Promise<string | null> {
  const socket: Socket = connect(port, '127.0.0.1')
  return new Promise((resolve) => {
    let got = ''
    socket.on('data', (chunk) => {
      got += chunk.toString()
      if (got.length >= text.length) {
        socket.destroy()
        resolve(got)
      }
    })
    socket.on('error', () => resolve(null))
    socket.on('close', () => resolve(got.length >= text.length ? got : null))
    socket.write(text)
  })
}

describe('fault proxy', () => {
  let target: Awaited<ReturnType<typeof echo>>
  before(async () => (target = await echo()))
  after(() => target.server.close())

  it('forwards bytes both ways', async () => {
    const proxy = await FaultProxy.open(target.port)
    try {
      assert.equal(await roundTrip(proxy.port, 'hello'), 'hello')
      assert.ok(proxy.bytes >= 10)
    } finally {
      await proxy.close()
    }
  })

  it('cut drops open connections and refuses new ones; restore lets them through again', async () => {
    const proxy = await FaultProxy.open(target.port)
    try {
      const open = connect(proxy.port, '127.0.0.1')
      await once(open, 'connect')
      open.write('x')
      await once(open, 'data')
      const closed = once(open, 'close')
      proxy.cut()
      await closed
      assert.equal(await roundTrip(proxy.port, 'nope'), null)
      proxy.restore()
      assert.equal(await roundTrip(proxy.port, 'back'), 'back')
    } finally {
      await proxy.close()
    }
  })
})

describe('proxy mesh', () => {
  const targets: Awaited<ReturnType<typeof echo>>[] = []
  let mesh: ProxyMesh
  before(async () => {
    for (let i = 0; i < 4; i++) targets.push(await echo())
    mesh = await ProxyMesh.open(new Map(targets.map((t, i) => [`n${i}`, t.port])))
  })
  after(async () => {
    await mesh.close()
    for (const t of targets) t.server.close()
  })

  const reaches = (from: string, to: string) => roundTrip(mesh.port(from, to), 'ping').then((r) => r === 'ping')

  it('a 2/2 partition cuts exactly the links across it, both ways', async () => {
    mesh.partition([
      ['n0', 'n1'],
      ['n2', 'n3'],
    ])
    assert.deepEqual(mesh.cutLinks, ['n0|n2', 'n0|n3', 'n1|n2', 'n1|n3'])
    assert.equal(await reaches('n0', 'n1'), true)
    assert.equal(await reaches('n2', 'n3'), true)
    assert.equal(await reaches('n0', 'n2'), false)
    assert.equal(await reaches('n3', 'n1'), false)
    mesh.heal()
    assert.deepEqual(mesh.cutLinks, [])
    assert.equal(await reaches('n0', 'n2'), true)
  })

  it('a bridge in both groups keeps its links to both sides', async () => {
    mesh.partition([
      ['n0', 'n1'],
      ['n1', 'n2', 'n3'],
    ])
    assert.equal(await reaches('n0', 'n1'), true)
    assert.equal(await reaches('n1', 'n3'), true)
    assert.equal(await reaches('n0', 'n3'), false)
    mesh.heal()
  })

  it('a node in no group is isolated', async () => {
    mesh.partition([['n0', 'n1', 'n2']])
    assert.equal(await reaches('n3', 'n0'), false)
    assert.equal(await reaches('n0', 'n3'), false)
    assert.equal(await reaches('n0', 'n2'), true)
    mesh.heal()
  })
})
