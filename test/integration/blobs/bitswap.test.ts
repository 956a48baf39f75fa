import assert from 'node:assert/strict'
import { multiaddr } from '@multiformats/multiaddr'
import { BlobError, type BlobStore, buildUnixfsFile, formatCid } from '../../../src/blobs/index.js'
import { waitFor } from '../p2p/hosts.js'
import { MiB, pseudoRandomBytes } from '../../unit/blobs/fixtures.js'
import { BlobPeers } from './nodes.js'

const isCode = (code: string) => (error: unknown) => error instanceof BlobError && error.code === code

/** A store whose bitswap reads answer every block with one byte flipped: a peer serving corrupted data. */
function corruptServing(store: BlobStore): void {
  const honest = store.blockstore
  async function* corruptGet(cid: Parameters<typeof honest.get>[0], options?: Parameters<typeof honest.get>[1]) {
    for await (const chunk of honest.get(cid, options)) {
      const copy = new Uint8Array(chunk)
      copy[0] = copy[0]! ^ 0xff
      yield copy
    }
  }
  // LevelBlockstore keeps private fields, so every other method runs on the real instance.
  const corrupting = new Proxy(honest, {
    get(target, property) {
      if (property === 'get') return corruptGet
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  Object.defineProperty(store, 'blockstore', { value: corrupting })
}

describe('blobs: bitswap between hosts', function () {
  this.timeout(30_000)
  // Bitswap alone, as between IPFS peers (the Fedra fast path is tested in fast-path.test.ts).
  const peers = new BlobPeers({ fastPath: false })
  afterEach(() => peers.stopAll())

  it('fetches a blob from a connected peer byte for byte, and stores it', async () => {
    const a = await peers.start(101)
    const b = await peers.start(102, { bootstrap: a.host.addresses() })
    const bytes = pseudoRandomBytes(3 * MiB + 7, 1)
    const { cid } = await a.store.put(bytes)
    const fetched = await b.exchange.fetch(cid, { timeoutMs: 10_000 })
    assert.deepEqual([fetched.size, fetched.created], [bytes.length, true])
    assert.ok(Buffer.from(await b.store.get(cid)).equals(bytes))
    assert.deepEqual(b.penalties, [])
  })

  it('answers FETCH_TIMEOUT with what is still missing for a blob nobody has', async () => {
    const a = await peers.start(103)
    const b = await peers.start(104, { bootstrap: a.host.addresses() })
    await waitFor('connected', () => b.host.peers().length === 1)
    const absent = buildUnixfsFile(pseudoRandomBytes(10, 99)).root
    await assert.rejects(
      b.exchange.fetch(absent, { timeoutMs: 300 }),
      (error: unknown) => isCode('FETCH_TIMEOUT')(error) && (error as BlobError<'FETCH_TIMEOUT'>).context.missing === 1,
    )
    assert.equal(await b.store.has(absent), false)
  })

  it('penalises a peer serving a corrupted block and completes the fetch from an honest one', async () => {
    const bytes = pseudoRandomBytes(MiB + 3, 2)
    const cid = buildUnixfsFile(bytes).root
    const honest = await peers.start(105, { prepare: async (store) => void (await store.put(bytes)) })
    const liar = await peers.start(106, {
      prepare: async (store) => {
        await store.put(bytes)
        corruptServing(store)
      },
    })
    const c = await peers.start(107, { bootstrap: liar.host.addresses() })
    await waitFor('connected to the liar', () => c.host.peers().length === 1)
    const fetching = c.exchange.fetch(cid, { timeoutMs: 20_000 })
    await waitFor('the liar penalised', () => c.penalties.some((p) => p.peer === liar.host.peerId), 10_000)
    assert.ok(c.host.score(liar.host.peerId) < 0)
    await c.host.libp2p.dial(multiaddr(honest.host.addresses()[0]!))
    const fetched = await fetching
    assert.equal(formatCid(fetched.cid), formatCid(cid))
    assert.ok(Buffer.from(await c.store.get(cid)).equals(bytes))
    assert.ok(c.penalties.every((p) => p.peer === liar.host.peerId))
  })

  it('refuses a blob whose root announces more than maxBlobBytes before fetching its leaves', async () => {
    const a = await peers.start(108)
    const b = await peers.start(109, { bootstrap: a.host.addresses(), limits: { maxBlobBytes: MiB } })
    const { cid } = await a.store.put(pseudoRandomBytes(2 * MiB, 3))
    await assert.rejects(b.exchange.fetch(cid, { timeoutMs: 10_000 }), isCode('TOO_LARGE'))
    assert.equal(await b.store.has(cid), false)
  })

  it('lists connected peers that hold a blob as providers', async () => {
    const a = await peers.start(110)
    const b = await peers.start(111, { bootstrap: a.host.addresses() })
    await waitFor('connected', () => b.host.peers().length === 1)
    const { cid } = await a.store.put(pseudoRandomBytes(1000, 4))
    assert.deepEqual(await b.exchange.providers(cid, [a.host.peerId]), [a.host.peerId])
    assert.deepEqual(await b.exchange.providers(buildUnixfsFile(new Uint8Array([9])).root, [a.host.peerId], 500), [])
    // A peer answers want-have for a small block with the block itself: that is no fault.
    assert.deepEqual(b.penalties, [])
  })
})
